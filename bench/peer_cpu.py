"""The plain viewflow peer's CPU time per completion (../shared/peers/viewflow_plain), measured
as bench/door_profile.py measures the door's: `time.process_time` over N completions in one
process. CPU time is what both spend in Python; unlike throughput it barely moves with the
load other processes put on the machine, so door CPU/approve against peer CPU/completion,
taken one after the other, compares the two on a busy machine.

usage (the peer's own database, emptied: PEER_DB, default peer_viewflow):
    PEER_DB=dvk_peer .venv/bin/python bench/peer_cpu.py [--n 300] [--peer-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument(
        "--peer-dir",
        default=os.environ.get(
            "PEER_DIR", str(ROOT.parent / "shared" / "peers" / "viewflow_plain")
        ),
    )
    args = parser.parse_args(argv)
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    sys.path.insert(0, args.peer_dir)
    os.chdir(args.peer_dir)
    import bench  # the peer's own bench.py: its prepare() and the flow's complete()

    user, _sample, ids, _rate = bench.prepare(args.n)
    tasks = list(bench.Task.objects.filter(pk__in=ids).order_by("pk"))
    t, cpu = time.perf_counter(), time.process_time()
    for task in tasks:
        bench.complete(task, user, "reviewed")
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"peer: {len(tasks)} completions: {wall / len(tasks) * 1000:.2f} ms each, "
        f"{cpu / len(tasks) * 1000:.2f} ms of it CPU (peer CPU per completion)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
