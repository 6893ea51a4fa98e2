"""gunicorn in production: `gunicorn -c config/gunicorn.py` (deploy/, docs/operations.md).

Several worker processes, each a whole Django; Prometheus counters are summed across them through
PROMETHEUS_MULTIPROC_DIR (emptied here at start, and each dead worker's live gauges dropped).
"""

import os
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core is the usual start; each process holds one database connection (to PgBouncer).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then (memory), never all at once.
max_requests = 2000
max_requests_jitter = 200
# Requests are logged by the application (one JSON line each, ops/middleware.py).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# nginx sets X-Forwarded-For / -Proto on the loopback connection.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):  # a previous run's values
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # The application is loaded: this process accepts requests from now on.
    worker.log.info("worker %s ready", worker.pid)
