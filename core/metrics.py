"""Counters that code anywhere in the service increments (Prometheus, prometheus-client).

Under gunicorn with several processes each process writes its own values to files in
PROMETHEUS_MULTIPROC_DIR, and /metrics adds them up (ops.metrics). The gauges that describe the
whole deployment (the outbox, overdue tasks, the Celery queue) are read from the database and
Redis at scrape time instead, so every process reports the same truth."""

from __future__ import annotations

from prometheus_client import Counter

DONE, REFUSED, CONFLICT = "done", "refused", "conflict"

transitions = Counter(
    "dvk_transitions",
    "Actions through the one door, by process kind, action and outcome "
    "(done; refused: not allowed, wrong state, missing reason or input; conflict: someone "
    "else acted first).",
    ["kind", "action", "outcome"],
)


_children: dict[tuple[str, str, str], object] = {}


def count_transition(kind: str, action: str, outcome: str) -> None:
    """One counter increment (the labelled child is looked up once per label set)."""
    key = (kind, action, outcome)
    child = _children.get(key)
    if child is None:
        child = _children[key] = transitions.labels(kind, action, outcome)
    child.inc()
