#!/usr/bin/env python
"""Try the production layout once on this machine (docs/operations.md, "Tried on this machine").

PgBouncer in transaction mode in front of a new PostgreSQL database, gunicorn with two
processes through it (DB_PGBOUNCER=true, DEBUG off), two Celery workers and the one beat over a
private redis-server, nginx with deploy/nginx/dvk.conf (TLS left out), then: readiness through
nginx, a static file, an attachment uploaded and downloaded through X-Accel-Redirect, the
protected and media paths refused, /metrics refused through nginx and counted when scraped
directly, every notification delivered, the one-beat guard, and a backup restored into another
database. Everything runs in a temporary folder and is removed; the two databases are dropped.

    .venv/bin/python scripts/try_production_layout.py [postgres://root@127.0.0.1:5432]

Needs: pgbouncer, nginx, redis-server (apt-get install pgbouncer nginx-light redis-server).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVER = sys.argv[1] if len(sys.argv) > 1 else "postgres://root@127.0.0.1:5432"
DB, RESTORED = "dvk_layout_try", "dvk_layout_restored"
procs: list[subprocess.Popen] = []


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(text: str) -> None:
    print(f"== {text}", flush=True)


def wait(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


def start(args, env, log: Path) -> subprocess.Popen:
    p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    procs.append(p)
    return p


def manage(*args, env) -> str:
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout.strip()


def admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dvk-layout-"))
    tmp.chmod(0o755)  # nginx's workers and pgbouncer run as other users
    try:
        run(tmp)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        for name in (DB, RESTORED):
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path) -> None:
    for name in (DB, RESTORED):
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB}"')
    admin(f"ALTER DATABASE \"{DB}\" SET timezone TO 'UTC'")  # for PgBouncer's pooling
    user = re.match(r"postgres://([^@:]+)", SERVER).group(1)
    direct = f"{SERVER}/{DB}"

    step("PgBouncer in transaction mode")
    pgb_port = port()
    (tmp / "userlist.txt").write_text(f'"{user}" ""\n')
    host, pg_port = re.search(r"@([^:/]+):(\d+)", SERVER).groups()
    (tmp / "pgbouncer.ini").write_text(
        f"[databases]\ndvk = host={host} port={pg_port} dbname={DB}\n\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {pgb_port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {tmp}/userlist.txt\npool_mode = transaction\n"
        "default_pool_size = 10\nmax_client_conn = 100\nserver_reset_query =\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    start(["pgbouncer", "-u", "postgres", str(tmp / "pgbouncer.ini")], os.environ, tmp / "pgb.log")
    pooled = f"postgres://{user}@127.0.0.1:{pgb_port}/dvk"
    wait(lambda: psycopg.connect(pooled, connect_timeout=1).close() is None, "pgbouncer")

    redis_port = port()
    start(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        os.environ,
        tmp / "redis.log",
    )
    media = tmp / "media"
    media.mkdir()
    media.chmod(0o755)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "layout-try-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": pooled,
        "DB_PGBOUNCER": "true",
        "MIGRATE_DATABASE_URL": direct,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "MEDIA_ROOT": str(media),
        "FILES_X_ACCEL_REDIRECT_PREFIX": "/protected/",
        "TRUSTED_PROXIES": "127.0.0.1",
        "AUDIT_CHECKPOINT_DIR": str(tmp / "checkpoints"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "LOG_LEVEL": "WARNING",
    }
    step("migrate (straight to PostgreSQL), the demo province, collectstatic")
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)
    manage("collectstatic", "--noinput", env=env)

    step("gunicorn ×2 through PgBouncer, two Celery workers, the one beat")
    web_port = port()
    web_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
    }
    start([str(BIN / "gunicorn"), "-c", "config/gunicorn.py"], web_env, tmp / "web.log")
    for n in (1, 2):
        start(
            [str(BIN / "celery"), "-A", "config", "worker", "--concurrency=1", "-n", f"w{n}@%h"]
            + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            env,
            tmp / f"worker{n}.log",
        )
    beat_args = [str(BIN / "celery"), "-A", "config", "beat"]
    beat_args += ["--scheduler", "notifications.beat:Scheduler", "--loglevel=WARNING"]
    start(beat_args, env, tmp / "beat.log")

    step("nginx with deploy/nginx/dvk.conf (plain HTTP here)")
    nginx_port = port()
    site = (ROOT / "deploy/nginx/dvk.conf").read_text()
    site = site.split("server {", 2)  # drop the port-80 redirect server
    site = site[0] + "server {" + site[2]
    site = re.sub(r"listen 443 ssl http2;.*\n", f"listen 127.0.0.1:{nginx_port};\n", site)
    site = re.sub(r"\s*ssl_certificate.*\n", "\n", site)
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{web_port}")
    site = site.replace("/srv/dvk/app/staticfiles/", f"{ROOT}/staticfiles/")
    site = site.replace("/srv/dvk/media/", f"{media}/")
    site = site.replace("/var/log/nginx/dvk.access.log", str(tmp / "nginx-access.log"))
    (tmp / "nginx.conf").write_text(
        f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
        "events {}\nhttp {\ninclude /etc/nginx/mime.types;\n"
        f"client_body_temp_path {tmp}/nginx-body;\nproxy_temp_path {tmp}/nginx-proxy;\n"
        'log_format combined_request_id \'$remote_addr [$time_local] "$request" $status '
        "rid=$request_id rt=$request_time';\n" + site + "\n}\n"
    )
    start(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)], env, tmp / "nginx.log")
    site_url = f"http://127.0.0.1:{nginx_port}"
    wait(lambda: requests.get(f"{site_url}/readyz", timeout=2).status_code == 200, "readiness")
    ready = requests.get(f"{site_url}/readyz", timeout=5).json()
    print(
        "   /readyz through nginx:",
        ready["status"],
        {k: v["status"] for k, v in ready["checks"].items()},
    )

    step("checks")
    css = requests.get(f"{site_url}/static/site.css", timeout=5)
    assert css.status_code == 200 and "Expires" in css.headers, css.status_code
    print("   static file from nginx:", css.status_code, css.headers["Content-Type"])
    assert requests.get(f"{site_url}/metrics", timeout=5).status_code == 404
    token = requests.post(
        f"{site_url}/api/v1/auth/token",
        json={"username": "canbo.snn", "password": "danvan@2026"},
        timeout=10,
    ).json()["token"]
    auth = {"Authorization": f"Token {token}"}
    me = requests.get(f"{site_url}/api/v1/me", headers=auth, timeout=10)
    unit = (me.json().get("memberships") or [{}])[0].get("unit") if me.ok else None
    body = b"%PDF-1.4\n" + os.urandom(4096)
    created = requests.post(
        f"{site_url}/api/v1/initiatives",
        headers=auth,
        data={
            "unit": unit or "",
            "year": time.localtime().tm_year,
            "field": "kinh_te",
            "title": "Thử bố cục triển khai",
            "address": "Xã A",
            "problem": "Vấn đề",
            "implementers": "Người thực hiện",
            "expected_results": "Kết quả",
        },
        files=[("attachments", ("minh-chung.pdf", body, "application/pdf"))],
        timeout=30,
    )
    assert created.status_code == 201, created.text
    pk, attachment = created.json()["id"], created.json()["attachments"][0]
    submitted = requests.post(
        f"{site_url}/api/v1/initiatives/{pk}/actions/submit", headers=auth, timeout=30
    )
    assert submitted.status_code == 200, submitted.text
    rid = submitted.headers["X-Request-ID"]
    got = requests.get(
        f"{site_url}/api/v1/initiatives/{pk}/attachments/{attachment['id']}",
        headers=auth,
        timeout=30,
    )
    assert got.status_code == 200 and got.content == body, (got.status_code, len(got.content))
    assert "X-Accel-Redirect" not in got.headers  # nginx consumed it and sent the bytes
    print(
        "   attachment through X-Accel-Redirect:",
        got.status_code,
        got.headers.get("Content-Disposition"),
    )
    stored = next(p for p in media.rglob("*.pdf"))
    name = stored.relative_to(media)
    assert requests.get(f"{site_url}/protected/{name}", timeout=5).status_code == 404
    assert requests.get(f"{site_url}/media/{name}", timeout=5).status_code == 404
    with psycopg.connect(direct) as conn:
        audit_rid, ip = conn.execute(
            "SELECT request_id, host(ip) FROM workflows_auditentry WHERE action = 'submit' "
            "AND initiative_id = %s",
            [pk],
        ).fetchone()
    assert audit_rid == rid, (audit_rid, rid)
    print(f"   request id {rid}: nginx's, in the response, the audit entry (ip {ip})")
    metrics = requests.get(f"http://127.0.0.1:{web_port}/metrics", timeout=10).text
    line = next(
        x
        for x in metrics.splitlines()
        if x.startswith("dvk_transitions_total{") and 'action="submit"' in x
    )
    print("   /metrics direct:", line)
    for path in ("/metrics", "/readyz"):
        took = []
        for _ in range(20):
            t = time.perf_counter()
            requests.get(f"http://127.0.0.1:{web_port}{path}", timeout=10).raise_for_status()
            took.append((time.perf_counter() - t) * 1000)
        took.sort()
        print(f"   {path} direct: median {took[10]:.1f} ms, max {took[-1]:.1f} ms (20 requests)")

    def delivered() -> bool:
        with psycopg.connect(direct) as conn:
            return (
                conn.execute(
                    "SELECT count(*) FROM notifications_outbox WHERE status <> 'sent'"
                ).fetchone()[0]
                == 0
                and conn.execute("SELECT count(*) FROM notifications_outbox").fetchone()[0] > 0
            )

    wait(delivered, "notifications delivered", timeout=60)
    print("   notifications delivered by the workers through PgBouncer")
    second = subprocess.run(
        beat_args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert second.returncode != 0 and "another beat" in second.stderr + second.stdout
    print("   a second beat is refused:", (second.stderr.strip().splitlines() or ["?"])[-1][:120])

    step("backup (straight to PostgreSQL) and restore into a new database and folder")
    backup_env = {**env, "DATABASE_URL": direct}
    t = time.monotonic()
    print("  ", manage("backup", str(tmp / "backups"), env=backup_env))
    took = time.monotonic() - t
    made = next((tmp / "backups").iterdir())
    admin(f'CREATE DATABASE "{RESTORED}"')
    restore_env = {
        **backup_env,
        "DATABASE_URL": f"{SERVER}/{RESTORED}",
        "MEDIA_ROOT": str(tmp / "restored-media"),
        "AUDIT_CHECKPOINT_DIR": str(tmp / "restored-checkpoints"),
    }
    t = time.monotonic()
    print("  ", manage("restore", str(made), env=restore_env))
    print(f"   backup {took:.1f} s, restore {time.monotonic() - t:.1f} s (whole commands)")
    step("all checks passed")


if __name__ == "__main__":
    main()
