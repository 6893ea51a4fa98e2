"""Where one `approve` through the door spends its time: the SQL it sends, the process's CPU
time per approve over N approves (`time.process_time`: robust to other load on the machine,
unlike throughput), and a cProfile of N more, in one process, on the database in DATABASE_URL.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/door_profile.py \
        [--n 300] [--sql] [--top 40] [--sort tottime|cumulative] [--out file.prof] [--no-profile]
Run bench/generate.py first (it prepares its initiatives as bench/transitions.py does).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

import _setup

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
_setup.django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from transitions import prepare, statements_and_round_trips  # noqa: E402

from workflows import services  # noqa: E402


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--sql", action="store_true", help="print the statements of one approve")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--out", default="")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per approve")
    args = parser.parse_args(argv)

    ((head, ids),) = prepare(args.n * (1 if args.no_profile else 2) + 1, 1)
    with CaptureQueriesContext(connection) as ctx:
        services.perform(ids.pop(), "approve", actor=head)
    print(f"{statements_and_round_trips(ctx.captured_queries)} per approve")
    if args.sql:
        for q in ctx.captured_queries:
            print(f"  {q['time']}s  {q['sql'][:300]}")
    # CPU time of this process (what Python costs; waits for the database are not counted),
    # without the profiler's own cost.
    plain, ids = ids[: args.n], ids[args.n :]
    t, cpu = time.perf_counter(), time.process_time()
    for pk in plain:
        services.perform(pk, "approve", actor=head)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"{args.n} approves: {wall / args.n * 1000:.2f} ms each, "
        f"{cpu / args.n * 1000:.2f} ms of it CPU (door CPU per approve)"
    )
    if args.no_profile:
        _purge()
        return
    profile = cProfile.Profile(time.process_time)
    t, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    for pk in ids:
        services.perform(pk, "approve", actor=head)
    profile.disable()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"{args.n} approves under cProfile: {wall / args.n * 1000:.2f} ms each, "
        f"{cpu / args.n * 1000:.2f} ms of it CPU"
    )
    if args.out:
        profile.dump_stats(args.out)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    _purge()


def _purge() -> None:
    from config.celery import app

    app.control.purge()


if __name__ == "__main__":
    main(sys.argv[1:])
