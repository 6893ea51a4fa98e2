"""What the current request or Celery task is about: its request id, the user, the initiative.

Set once where the work starts (ops.middleware for a request, ops.celery for a task) and read by
the JSON log lines, the headers of the Celery tasks the work causes and the audit trail, so one
request id links the request's log line, its audit entry and the tasks it set off. Context
variables, so threads and the in-process (eager) tasks each see their own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("dvk_request_id", default="")
# A username, or a function giving it: a request's user is known only once it is authenticated
# (by the API's token inside the view), so the request binds a function read when asked.
user: ContextVar[str | Callable[[], str]] = ContextVar("dvk_user", default="")
initiative: ContextVar[int | None] = ContextVar("dvk_initiative", default=None)

FIELDS = ("request_id", "user", "initiative")


def current() -> dict:
    """The three values, for a log line or a task's headers."""
    who = user.get()
    return {
        "request_id": request_id.get(),
        "user": who() if callable(who) else who,
        "initiative": initiative.get(),
    }


def bind(*, request_id_value: str = "", user_value="", initiative_value=None) -> list:
    """Set the three values; returns the tokens `unbind` takes to restore what was there."""
    return [
        (request_id, request_id.set(request_id_value or "")),
        (user, user.set(user_value or "")),
        (initiative, initiative.set(initiative_value)),
    ]


def unbind(tokens: list) -> None:
    for var, token in reversed(tokens):
        var.reset(token)


class ContextFilter(logging.Filter):
    """Puts the request id, user and initiative on every log record (a JSON line's fields)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
