"""Transitions per second through the one door, beside the raw-SQL floor, in the same run.

One transition = `workflows.services.perform(pk, "approve", actor=head)`: lock the initiative
(NOWAIT), check role and scope, complete the viewflow task and create the next one, the FSM
transition, the audit hash chain, the outbox rows; one transaction. The floor is the same
writes in raw SQL with psycopg (lock the row, update the state, insert one audit row and one
outbox row, commit), as in ../shared/peers/floor.py.

For each run and each client count (1, then 2 forked processes on disjoint initiatives) it
prepares N submitted initiatives per client (untimed), then times N approves per client; the
floor runs right after with the same counts. The two clients work in units of two different
committees (provinces), so their audit entries go to two chains and they do not queue on one
chain head (decision 0014), as two provinces' users do; `--same-committee` puts both clients
in one committee's units instead (they then share its chain head). Throughput = transitions /
wall time of the slowest client; latency = each call's own time (median, p95).

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/transitions.py \
        [--n 300] [--runs 3] [--peer] [--same-committee]
Run bench/generate.py first for a provincial-scale database (the door then works among 100,000
initiatives and their tasks and audit rows). --peer also runs ../shared/peers/viewflow_plain,
once after each door run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _setup
from _report import machine, pct

# With a broker the door only enqueues delivery after commit, as in production; without one
# Celery would deliver in-process and the figure would include the delivery. The tasks left
# in this Redis database are purged at the end (no worker runs here).
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
_setup.django()

from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from units.models import Membership, Role, Unit  # noqa: E402
from workflows import services  # noqa: E402
from workflows.models import Campaign  # noqa: E402

REGISTRATION = {
    "field": "kinh_te",
    "title": "Mô hình đo tốc độ",
    "address": "Xã A",
    "problem": "Vấn đề",
    "implementers": "Cán bộ",
    "expected_results": "Kết quả",
}
FLOOR_SCHEMA = """
DROP TABLE IF EXISTS f_item, f_audit, f_outbox;
CREATE TABLE f_item (id bigserial primary key, state text not null, version int not null default 0);
CREATE TABLE f_audit (id bigserial primary key, item_id bigint not null, actor int, src text,
  dst text, at timestamptz default now(), comment text, prev_hash text);
CREATE TABLE f_outbox (id bigserial primary key, item_id bigint, payload jsonb,
  created timestamptz default now(), sent timestamptz);
"""


def _units_with_head_and_staff(count: int, *, same_committee: bool = False) -> list[tuple]:
    """(unit, head, staff) for `count` different registering units that have a campaign, each
    of another committee in another province (or, `same_committee`, all of one committee)."""
    from units.selectors import committee_of

    heads = {
        m.unit_id: m
        for m in Membership.objects.filter(role=Role.UNIT_HEAD, is_active=True).select_related(
            "unit", "user"
        )
    }
    staff = {}
    for m in Membership.objects.filter(role=Role.UNIT_STAFF, unit_id__in=heads).select_related(
        "user"
    ):
        staff.setdefault(m.unit_id, m.user)
    picked, committees, provinces = [], set(), set()
    # From the end of the tree: the pages benchmark reads the first province, which these
    # thousands of extra initiatives would otherwise swell run after run.
    candidates = [h for unit_id, h in sorted(heads.items(), reverse=True) if unit_id in staff]
    for head in candidates:
        committee = committee_of(head.unit)
        if committee is None:
            continue
        if committees and (committee.pk in committees) != same_committee:
            continue
        province = head.unit.path[: Unit.steplen]  # the tree's root: its Tỉnh ủy
        if not same_committee and province in provinces:
            continue
        committees.add(committee.pk)
        provinces.add(province)
        picked.append((head.unit, head.user, staff[head.unit_id]))
        if len(picked) == count:
            return picked
    raise SystemExit("Not enough units with a head and staff: run bench/generate.py first.")


def statements_and_round_trips(captured: list[dict]) -> str:
    """The statements Django logged (BEGIN and COMMIT included) and the round trips they
    took: when the audit entry's statement carries the COMMIT, the logged COMMIT after it
    sends nothing (docs/performance.md, issue #19)."""
    sent = [q["sql"] for q in captured]
    trips = len(sent)
    if len(sent) >= 2 and sent[-1] == "COMMIT" and sent[-2].rstrip().endswith("COMMIT"):
        trips -= 1
    return f"{len(sent)} SQL statements (BEGIN/COMMIT included) in {trips} round trips"


def prepare(
    n: int, clients: int, *, same_committee: bool = False
) -> list[tuple[object, list[int]]]:
    """For each client: a head and N of their unit's initiatives waiting for approval."""
    year = Campaign.objects.order_by("-year").values_list("year", flat=True).first()
    work = []
    for unit, head, staff in _units_with_head_and_staff(clients, same_committee=same_committee):
        ids = []
        for _ in range(n):
            initiative = services.create_initiative(
                unit=unit, actor=staff, year=year, **REGISTRATION
            )
            services.perform(initiative.pk, "submit", actor=staff)
            ids.append(initiative.pk)
        work.append((head, ids))
    return work


# Every client of a run connects first, then all start together: the figure is the clients'
# steady state, not one client's connection set-up or a late fork (set before each pool).
_START: mp.synchronize.Barrier | None = None


def _start_together() -> float:
    if _START is not None:
        _START.wait(timeout=60)
    return time.perf_counter()


def door_client(args) -> tuple[float, float, list[float]]:
    head, ids = args
    laps = []
    connection.ensure_connection()
    start = _start_together()
    for pk in ids:
        t = time.perf_counter()
        services.perform(pk, "approve", actor=head)
        laps.append(time.perf_counter() - t)
    return start, time.perf_counter(), laps


def floor_client(args) -> tuple[float, float, list[float]]:
    import psycopg

    dsn, offset, count, items = args
    laps = []
    states = ["a", "b"]
    with psycopg.connect(dsn) as c:
        start = _start_together()
        for i in range(count):
            iid = (offset + i) % items + 1
            t = time.perf_counter()
            with c.transaction():
                s = c.execute("SELECT state FROM f_item WHERE id=%s FOR UPDATE", (iid,)).fetchone()[
                    0
                ]
                d = states[(states.index(s) + 1) % 2]
                c.execute("UPDATE f_item SET state=%s, version=version+1 WHERE id=%s", (d, iid))
                c.execute(
                    "INSERT INTO f_audit(item_id, actor, src, dst, comment, prev_hash) "
                    "VALUES (%s,1,%s,%s,'ok','x')",
                    (iid, s, d),
                )
                c.execute("INSERT INTO f_outbox(item_id, payload) VALUES (%s, '{\"k\":1}')", (iid,))
            laps.append(time.perf_counter() - t)
        return start, time.perf_counter(), laps


def run_pool(func, jobs) -> tuple[float, list[float]]:
    global _START
    connections.close_all()  # forked children open their own connections
    context = mp.get_context("fork")
    _START = context.Barrier(len(jobs))  # inherited by the forked clients
    with context.Pool(len(jobs)) as pool:
        spans = pool.map(func, jobs)
    total = sum(len(laps) for _, _, laps in spans)
    wall = max(e for _, e, _ in spans) - min(s for s, _, _ in spans)
    return total / wall, [lap for _, _, laps in spans for lap in laps]


def dsn() -> str:
    db = connection.settings_dict
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
        f"user={db['USER'] or 'root'} dbname={db['NAME']}"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="transitions per client per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer", action="store_true", help="also run peers/viewflow_plain")
    parser.add_argument(
        "--same-committee",
        action="store_true",
        help="both clients in one committee's units (one audit chain head between them)",
    )
    args = parser.parse_args(argv)
    print(machine())

    # Queries of one approve, counted once.
    ((head, ids),) = prepare(1, 1)
    with CaptureQueriesContext(connection) as ctx:
        services.perform(ids[0], "approve", actor=head)
    print(f"door: {statements_and_round_trips(ctx.captured_queries)} per approve")

    with connection.cursor() as c:
        c.execute(FLOOR_SCHEMA)
        c.execute("INSERT INTO f_item(state) SELECT 'a' FROM generate_series(1, 10000)")
    results: dict[tuple[str, int], list] = {}
    for run in range(1, args.runs + 1):
        for clients in (1, 2):
            work = prepare(args.n, clients, same_committee=args.same_committee)
            rate, laps = run_pool(door_client, work)
            results.setdefault(("door", clients), []).append((rate, laps))
            jobs = [(dsn(), k * 5000, args.n, 10000) for k in range(clients)]
            frate, flaps = run_pool(floor_client, jobs)
            results.setdefault(("floor", clients), []).append((frate, flaps))
            print(
                f"run {run} clients={clients}: door {rate:.0f}/s, floor {frate:.0f}/s, "
                f"ratio {rate / frate:.3f}",
                flush=True,
            )
        if args.peer:
            # One peer run right after each door run: a machine whose load drifts during the
            # sitting then weighs on both alike.
            for clients, rate in run_peer(1).items():
                results.setdefault(("peer", clients), []).append(rate)
                print(f"run {run} clients={clients}: peer {rate:.0f}/s", flush=True)
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS f_item, f_audit, f_outbox")
    from config.celery import app

    app.control.purge()

    print(
        "\nclients | door /s (median of runs) | floor /s | door/floor | door p50 / p95 ms"
        " | floor p50 / p95 ms"
    )
    for clients in (1, 2):
        door = results[("door", clients)]
        floor = results[("floor", clients)]
        d_rate = statistics.median(r for r, _ in door)
        f_rate = statistics.median(r for r, _ in floor)
        d_laps = [lap for _, laps in door for lap in laps]
        f_laps = [lap for _, laps in floor for lap in laps]
        print(
            f"{clients} | {d_rate:.0f} | {f_rate:.0f} | {d_rate / f_rate:.3f} | "
            f"{pct(d_laps, 50):.2f} / {pct(d_laps, 95):.2f} | "
            f"{pct(f_laps, 50):.2f} / {pct(f_laps, 95):.2f}"
        )
    print("target: door/floor >= 0.333")
    # Issue #18: a transition in one province unaffected by load in another.
    print("\n2 clients / 1 client (medians; clients in two committees unless --same-committee)")
    for kind in ("door", "floor"):
        one, two = (statistics.median(r for r, _ in results[(kind, c)]) for c in (1, 2))
        print(f"{kind}: {two / one:.2f}x" + ("  (target >= 1.8)" if kind == "door" else ""))
    if args.peer and results.get(("peer", 1)) and results.get(("peer", 2)):
        one, two = (statistics.median(results[("peer", c)]) for c in (1, 2))
        print(f"peer: {two / one:.2f}x")

    if args.peer:
        print(
            "\nclients | door /s | peer /s | door/peer (medians of interleaved runs, target >= 1.0)"
        )
        for clients in (1, 2):
            d_rate = statistics.median(r for r, _ in results[("door", clients)])
            peer_runs = results.get(("peer", clients))
            if peer_runs:
                p_rate = statistics.median(peer_runs)
                print(f"{clients} | {d_rate:.0f} | {p_rate:.0f} | {d_rate / p_rate:.2f}")


def run_peer(runs: int) -> dict[int, float]:
    """../shared/peers/viewflow_plain (plain viewflow 2.4, its own settings and database:
    PEER_DB, default peer_viewflow; give each person running it their own, since the peer
    empties it on every run): completions/s by client count."""
    # Beside the project's checkout (../shared), or where PEER_DIR says (a worktree elsewhere).
    default = Path(_setup.ROOT).parent / "shared" / "peers" / "viewflow_plain"
    peer = Path(os.environ.get("PEER_DIR", default)) / "bench.py"
    if not peer.exists():
        print(f"peer not found at {peer}; skipped")
        return {}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
    }
    db = connection.settings_dict
    subprocess.run(
        [
            "createdb",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-U",
            db["USER"] or "root",
            os.environ.get("PEER_DB", "peer_viewflow"),
        ],
        capture_output=True,
        check=False,
    )
    out = subprocess.run(
        [sys.executable, str(peer), "--runs", str(runs)],
        cwd=peer.parent,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        print(out.stdout + out.stderr, end="")
    return {
        int(c): float(r)
        for c, r in re.findall(
            r"^peer_viewflow clients=(\d+) task_completions_per_s=(\d+)", out.stdout, re.M
        )
    }


if __name__ == "__main__":
    main(sys.argv[1:])
