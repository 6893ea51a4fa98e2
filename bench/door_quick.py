"""A first look at the one door's cost (the benchmarks issue builds the full suite).

Measures, on the database in DATABASE_URL (use PostgreSQL), the median time and the number of
SQL queries of one `approve` through workflows.services.perform, one client, and of the raw-SQL
floor doing the same kind of writes (lock, update, audit row, outbox row) in the same run.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/door_quick.py [N]
(the database is created and migrated if needed; its data is replaced)
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", verbosity=0, interactive=False)
    from tests.workflows.conftest import build_world, draft
    from workflows import checkpoints, services

    checkpoints.set_aside()  # a new chain: the old one's checkpoints no longer apply

    world = build_world()
    ids = []
    for _ in range(n + 5):
        ids.append(services.perform(draft(world).pk, "submit", actor=world.staff).pk)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        services.perform(ids.pop(), "approve", actor=world.head)
    door_queries = len(ctx.captured_queries)
    samples = []
    for pk in ids[:n]:
        t = time.perf_counter()
        services.perform(pk, "approve", actor=world.head)
        samples.append(time.perf_counter() - t)

    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE f_item (id bigserial primary key, state text)")
        c.execute(
            "CREATE TEMP TABLE f_audit (id bigserial primary key, item bigint, src text, dst text)"
        )
        c.execute(
            "CREATE TEMP TABLE f_outbox (id bigserial primary key, item bigint, payload jsonb)"
        )
        c.execute("INSERT INTO f_item(state) SELECT 'a' FROM generate_series(1, %s)", [n])
    floor = []
    for i in range(1, n + 1):
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT state FROM f_item WHERE id=%s FOR UPDATE", [i])
            c.execute("UPDATE f_item SET state='b' WHERE id=%s", [i])
            c.execute("INSERT INTO f_audit(item, src, dst) VALUES (%s,'a','b')", [i])
            c.execute("INSERT INTO f_outbox(item, payload) VALUES (%s, '{}')", [i])
        floor.append(time.perf_counter() - t)
    door_ms = statistics.median(samples) * 1000
    floor_ms = statistics.median(floor) * 1000
    print(f"database={connection.vendor} n={n} cpus={os.cpu_count()}")
    print(f"door approve: median {door_ms:.2f} ms ({1000 / door_ms:.0f}/s), {door_queries} queries")
    print(f"raw-SQL floor: median {floor_ms:.2f} ms ({1000 / floor_ms:.0f}/s)")
    print(f"door / floor throughput ratio: {floor_ms / door_ms:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
