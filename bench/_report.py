"""Figures as the benchmarks print them: percentiles and the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics


def pct(samples: list[float], p: int) -> float:
    """The p-th percentile of samples given in seconds, in milliseconds."""
    if not samples:
        return float("nan")
    if p == 50:
        return statistics.median(samples) * 1000
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    pg = "?"
    try:
        from django.db import connection

        with connection.cursor() as c:
            c.execute("SHOW server_version")
            pg = c.fetchone()[0]
    except Exception:  # noqa: BLE001 - the figure is informative only
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"machine: {cpu}, {os.cpu_count()} cpus, {mem:.0f} GiB; Python {platform.python_version()};"
        f" PostgreSQL {pg}"
    )


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (VmHWM) of a live process, in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
