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

from celery.signals import beat_init, before_task_publish, task_postrun, task_prerun

from core import context

task_log = logging.getLogger("dvk.task")
beat_log = logging.getLogger("dvk.beat")

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


# --- exactly one beat ---------------------------------------------------------------------
# Two beats would run every periodic job twice (two sweeps are harmless, two digests are not).
# A starting beat takes a lock in the broker's Redis (SET NX with an expiry) and keeps renewing
# it; a second beat finds it taken and waits, running nothing, until the lock is free. If the
# beat dies (even by SIGKILL, leaving its lock behind), the lock expires after BEAT_LOCK_SECONDS
# and the waiting one, or a restarted `worker -B`, takes over: one beat runs, never none.
BEAT_LOCK_KEY = "dvk:beat:lock"
_beat_lock: dict = {}


def _beat_lock_value() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


@beat_init.connect(dispatch_uid="dvk-one-beat")
def _take_beat_lock(sender=None, **_) -> None:
    import threading

    from django.conf import settings

    from .state import broker_client

    client = broker_client()
    if client is None:
        return
    ttl_ms = int(settings.BEAT_LOCK_SECONDS * 1000)
    value = _beat_lock_value()
    import time

    told = False
    while not client.set(BEAT_LOCK_KEY, value, nx=True, px=ttl_ms):
        if not told:
            holder = (client.get(BEAT_LOCK_KEY) or b"?").decode()
            beat_log.error("another beat is running (%s): this one waits", holder)
            told = True
        time.sleep(min(1.0, ttl_ms / 3000))
    beat_log.warning("this beat holds %s (%s)", BEAT_LOCK_KEY, value)
    stop = threading.Event()

    def renew() -> None:
        import os

        while not stop.wait(ttl_ms / 3000):
            try:
                held = client.get(BEAT_LOCK_KEY)
                if held is None:  # Redis restarted empty: take it again
                    held = (
                        value.encode()
                        if client.set(BEAT_LOCK_KEY, value, nx=True, px=ttl_ms)
                        else client.get(BEAT_LOCK_KEY)
                    )
                if held != value.encode():
                    beat_log.error("another beat took %s: this one stops", BEAT_LOCK_KEY)
                    os._exit(1)
                client.pexpire(BEAT_LOCK_KEY, ttl_ms)
            except Exception:  # noqa: BLE001 - Redis away: keep trying; the lock may expire
                beat_log.warning("could not renew %s", BEAT_LOCK_KEY, exc_info=True)

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()
    _beat_lock.update(client=client, value=value, stop=stop)
    import atexit

    atexit.register(_release_beat_lock)


def _release_beat_lock() -> None:
    if not _beat_lock:
        return
    _beat_lock["stop"].set()
    client, value = _beat_lock["client"], _beat_lock["value"]
    try:
        if client.get(BEAT_LOCK_KEY) == value.encode():
            client.delete(BEAT_LOCK_KEY)
    except Exception:  # noqa: BLE001, S110 - it expires anyway
        pass
