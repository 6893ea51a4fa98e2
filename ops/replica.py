"""An optional read replica for reports and lists (DATABASE_REPLICA_URL).

Only GET/HEAD requests to the views named in REPLICA_VIEWS read from the replica, and only
while they have not written anything themselves and are outside a transaction. After a person
writes anything (any POST, PUT, PATCH, DELETE) their browser or client carries a short-lived
cookie (REPLICA_PIN_SECONDS, longer than the replica's lag) that keeps their reads on the
primary, so the list they are sent back to after saving shows what they saved. Every write, and
every read elsewhere (the door, tasks, sign-in), goes to the primary."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "dvk_primary"
SAFE = ("GET", "HEAD", "OPTIONS")

_use_replica: ContextVar[bool] = ContextVar("dvk_use_replica", default=False)
_wrote: ContextVar[bool] = ContextVar("dvk_wrote", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and not _wrote.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        _wrote.set(True)  # from now on this request reads its own writes on the primary
        return "default"  # an object read from the replica is still saved on the primary

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wrote = _wrote.set(False)
        use = _use_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(use)
            _wrote.reset(wrote)
        if request.method not in SAFE:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(settings.REPLICA_PIN_SECONDS),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in settings.REPLICA_VIEWS
            and PIN_COOKIE not in request.COOKIES
        ):
            _use_replica.set(True)
        return None
