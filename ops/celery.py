"""The request id travels into the Celery tasks a request causes, and each task writes one JSON
line.

Publishing (the web process, or a task publishing another): the current request id, user and
initiative (core.context) go into the message's headers. Running (the worker): they are bound
for the task's duration, so its log lines and any audit entry it appends name the request that
caused it; a task nobody's request caused (beat) is named by its own task id. At the end one
line on the `dvk.task` logger: task, id, outcome, duration, and those three."""

from __future__ import annotations

import logging
import time

from celery.signals import before_task_publish, task_postrun, task_prerun

from core import context

task_log = logging.getLogger("dvk.task")

HEADER = {"request_id": "dvk_request_id", "user": "dvk_user", "initiative": "dvk_initiative"}

_running: dict[str, tuple[float, list]] = {}


@before_task_publish.connect(dispatch_uid="dvk-context-headers")
def _add_context(headers: dict | None = None, **_) -> None:
    if headers is None:
        return
    for name, value in context.current().items():
        if value not in ("", None):
            headers.setdefault(HEADER[name], value)


@task_prerun.connect(dispatch_uid="dvk-context-bind")
def _bind(task_id: str = "", task=None, **_) -> None:
    request = getattr(task, "request", None)
    now = context.current()  # in-process (eager) tasks inherit the caller's context

    # A worker finds a message's own headers on the task's request; an in-process apply()
    # keeps them under request.headers.
    extra = getattr(request, "headers", None) or {}

    def given(name):
        key = HEADER[name]
        return getattr(request, key, None) or extra.get(key) or now[name]

    tokens = context.bind(
        request_id_value=given("request_id") or f"task-{task_id}",
        user_value=given("user") or "",
        initiative_value=given("initiative"),
    )
    _running[task_id] = (time.perf_counter(), tokens)


@task_postrun.connect(dispatch_uid="dvk-context-log")
def _log(task_id: str = "", task=None, state: str | None = None, **_) -> None:
    started, tokens = _running.pop(task_id, (None, None))
    if started is not None:
        task_log.info(
            "%s %s",
            getattr(task, "name", "?"),
            state,
            extra={
                "event": "task",
                "task": getattr(task, "name", ""),
                "task_id": task_id,
                "state": state or "",
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
    if tokens:
        context.unbind(tokens)
