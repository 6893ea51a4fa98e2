"""Server-Timing header: the server's own time and SQL count per response (SERVER_TIMING=1).

The benchmarks read it to report server time and queries per page measured on a real server
process; browsers show it in their developer tools. Off by default: it costs one wrapper call
per query.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stats = {"queries": 0, "sql": 0.0}

        def count(execute, sql, params, many, context):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["queries"] += 1
                stats["sql"] += time.perf_counter() - t

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        total = (time.perf_counter() - start) * 1000
        response["Server-Timing"] = (
            f"app;dur={total:.2f}, db;dur={stats['sql'] * 1000:.2f}, "
            f'sql;desc="{stats["queries"]} queries";dur={stats["queries"]}'
        )
        return response
