"""The read replica's routing (ops/replica.py): reports and lists read from it; a request that
wrote, a transaction, any other view, and anyone who wrote in the last seconds read the primary.
(The alias need not exist: the router only names it.)"""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from accounts.models import User
from ops.replica import PIN_COOKIE, REPLICA, ReplicaMiddleware, ReplicaRouter

router = ReplicaRouter()


def run(method: str, path: str, settings, *, cookies=None, view=None):
    """Pass a request through the middleware; `view` runs where the view would and returns
    what the router said."""
    settings.REPLICA_VIEWS = {"workflows:initiative_list", "reports:overview"}
    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies or {})
    request.resolver_match = resolve(path)
    seen = {}

    def get_response(req):
        middleware.process_view(req, None, (), {})
        seen["read"] = (view or (lambda: router.db_for_read(User)))()
        return HttpResponse()

    middleware = ReplicaMiddleware(get_response)
    response = middleware(request)
    return seen["read"], response


def test_lists_and_reports_read_from_the_replica(settings):
    assert run("GET", "/mo-hinh/", settings)[0] == REPLICA
    assert run("GET", "/bao-cao/", settings)[0] == REPLICA


def test_other_views_and_writes_stay_on_the_primary(settings):
    assert run("GET", "/nhiem-vu/", settings)[0] is None  # not named: the primary
    read, response = run("POST", "/mo-hinh/", settings)
    assert read is None
    assert response.cookies[PIN_COOKIE]["max-age"] == int(settings.REPLICA_PIN_SECONDS)
    assert router.db_for_write(User) == "default"


def test_after_writing_a_person_reads_the_primary_for_a_while(settings):
    assert run("GET", "/mo-hinh/", settings, cookies={PIN_COOKIE: "1"})[0] is None


def test_a_request_that_wrote_reads_its_own_writes(settings):
    def write_then_read():
        router.db_for_write(User)
        return router.db_for_read(User)

    assert run("GET", "/mo-hinh/", settings, view=write_then_read)[0] is None


def test_inside_a_transaction_reads_stay_on_the_primary(settings, monkeypatch):
    from django.db import connections

    def in_transaction():
        with monkeypatch.context() as m:
            m.setattr(connections["default"], "in_atomic_block", True)
            return router.db_for_read(User)

    assert run("GET", "/mo-hinh/", settings, view=in_transaction)[0] is None
    assert run("GET", "/mo-hinh/", settings)[0] == REPLICA  # and out of it, the replica again
    # Outside any request nothing reads from the replica.
    assert router.db_for_read(User) is None
    assert router.allow_migrate(REPLICA, "workflows") is False
