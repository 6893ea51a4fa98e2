"""GET /metrics in Prometheus's text format.

Two sources, added up in one answer:
- what processes counted (request latency by view from django-prometheus's middleware, the
  door's transitions from core.metrics): under gunicorn with PROMETHEUS_MULTIPROC_DIR set,
  every worker process writes its values to files there and the MultiProcessCollector sums
  them, so whichever process answers the scrape reports them all;
- the deployment's state, read at scrape time (ops.state): outbox backlog and delivery lag,
  failed deliveries, overdue tasks, the Celery queue.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from . import state

log = logging.getLogger(__name__)


class StateCollector:
    """Gauges read from the database and the broker when Prometheus asks."""

    def collect(self):
        s = state.outbox()
        yield GaugeMetricFamily(
            "dvk_outbox_backlog",
            "Outbox rows not yet delivered (pending or being sent).",
            value=s.backlog,
        )
        yield GaugeMetricFamily(
            "dvk_outbox_oldest_unsent_age_seconds",
            "How long the oldest undelivered outbox row has waited (delivery lag; 0 if none).",
            value=s.oldest_age_seconds,
        )
        yield GaugeMetricFamily(
            "dvk_outbox_failed",
            "Outbox rows given up after the last retry (failed deliveries).",
            value=s.failed,
        )
        yield GaugeMetricFamily(
            "dvk_tasks_overdue",
            "Open human tasks past their due date.",
            value=state.overdue_tasks(),
        )
        client = state.broker_client()
        if client is not None:
            queue = GaugeMetricFamily(
                "dvk_celery_queue_length",
                "Celery messages waiting in the broker, not yet taken by a worker "
                "(-1: the broker did not answer).",
                labels=["queue"],
            )
            try:
                queue.add_metric(["celery"], state.celery_queue_length(client))
            except Exception:  # noqa: BLE001 - the scrape still answers with the rest
                log.warning("could not read the Celery queue length", exc_info=True)
                queue.add_metric(["celery"], -1)
            finally:
                client.close()
            yield queue


class _ThisProcess:
    def collect(self):
        return REGISTRY.collect()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(StateCollector())
    return generate_latest(registry)


CONTENT_TYPE = CONTENT_TYPE_LATEST
