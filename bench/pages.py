"""Page latency at scale, through HTTP on a real server process (gunicorn).

Starts gunicorn on the database in DATABASE_URL with SERVER_TIMING=1, signs in as the people
bench/generate.py made, and requests each page repeatedly. The server's own time and its SQL
count come from the Server-Timing header (config/middleware.py), so the client's time is not
counted. Prints p50/p95 server time, the wall time seen by the client, the number of queries
per page (min–max over the requests: a constant number shows there is no query per row) and
the peak resident size of the gunicorn worker.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/pages.py \
        [--requests 60] [--port 8765] [--province 1] [--commune p01-x001]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import _setup
from _report import machine, pct, peak_rss_mib

_setup.django()

from django.db.models import Case, When  # noqa: E402

from workflows.models import Initiative  # noqa: E402

# The audit trail is partitioned by year (decision 0015): a search bounded by dates.
_last = time.localtime().tm_year - 1
LAST_YEAR = f"/nhat-ky/?date_from={_last}-01-01&date_to={_last}-12-31"


def province_pages(p: str) -> list[tuple[str, str | None, str]]:
    """(label, login, path) for province `p` ("p01"): the busiest people's pages."""
    return [
        ("inbox (unit head)", f"{p}-d01.head", "/nhiem-vu/?tab=inbox"),
        ("inbox (council member)", f"{p}.council0", "/nhiem-vu/?tab=inbox"),
        ("queue (committee reviewer)", f"{p}.reviewer0", "/nhiem-vu/?tab=queue"),
        ("queue, overdue only (reviewer)", f"{p}.reviewer0", "/nhiem-vu/?tab=queue&overdue=on"),
        ("archive (committee leader)", f"{p}.leader", "/nhiem-vu/?tab=archive"),
        ("unit dashboard (unit staff)", f"{p}-d01.staff0", "/don-vi/"),
        ("initiatives in scope (reviewer)", f"{p}.reviewer0", "/mo-hinh/"),
        ("audit search (auditor)", f"{p}.auditor", "/nhat-ky/"),
        ("audit search, last year (auditor)", f"{p}.auditor", LAST_YEAR),
        ("one initiative (reviewer)", f"{p}.reviewer0", "/mo-hinh/{initiative}/"),
        ("public list (anonymous)", None, "/cong-khai/"),
        # What an orchestrator and Prometheus call (from 127.0.0.1, allowed to scrape).
        ("readiness /readyz", None, "/readyz"),
        ("metrics /metrics", None, "/metrics"),
    ]


def commune_pages(c: str) -> list[tuple[str, str | None, str]]:
    """The same pages for a commune committee's people (national dataset, "p01-x001")."""
    return [
        ("commune: inbox (unit head)", f"{c}-ub.head", "/nhiem-vu/?tab=inbox"),
        ("commune: inbox (council member)", f"{c}.council0", "/nhiem-vu/?tab=inbox"),
        ("commune: queue (reviewer)", f"{c}.reviewer", "/nhiem-vu/?tab=queue"),
        ("commune: archive (leader)", f"{c}.leader", "/nhiem-vu/?tab=archive"),
        ("commune: unit dashboard (unit staff)", f"{c}-ub.staff0", "/don-vi/"),
        ("commune: initiatives in scope (reviewer)", f"{c}.reviewer", "/mo-hinh/"),
        ("commune: audit search (auditor)", f"{c}.auditor", "/nhat-ky/"),
        ("commune: one initiative (reviewer)", f"{c}.reviewer", "/mo-hinh/{initiative}/"),
        ("commune: report page (leader)", f"{c}.leader", "/bao-cao/"),
    ]


TIMING = re.compile(r"app;dur=([\d.]+), db;dur=([\d.]+).*sql;desc=\"(\d+) queries\"")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SERVER_TIMING": "1",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not marked Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        # One JSON line per request on the console would be most of what this prints.
        "LOG_REQUESTS": "0",
    }
    root = Path(_setup.ROOT)
    proc = subprocess.Popen(
        [
            str(root / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def session(base: str, username: str | None) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if username is None:
        return opener
    page = opener.open(f"{base}/dang-nhap/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": "bench", "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/dang-nhap/", data=data, headers={"Referer": f"{base}/dang-nhap/"}
    )
    response = opener.open(request)
    if "/dang-nhap/" in response.geturl():
        raise SystemExit(f"could not sign in as {username}: run bench/generate.py first")
    return opener


def measure(opener, url: str, n: int) -> dict:
    server, db, wall, queries = [], [], [], []
    for i in range(n + 5):
        t = time.perf_counter()
        response = opener.open(url)
        response.read()
        elapsed = time.perf_counter() - t
        match = TIMING.search(response.headers.get("Server-Timing", ""))
        if i < 5 or not match:  # warm-up
            continue
        server.append(float(match.group(1)) / 1000)
        db.append(float(match.group(2)) / 1000)
        queries.append(int(match.group(3)))
        wall.append(elapsed)
    return {"server": server, "db": db, "wall": wall, "queries": queries}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--province", type=int, default=1, help="whose people: 1 is p01")
    parser.add_argument(
        "--commune",
        help="also a commune committee's people (national dataset), e.g. p01-x001",
    )
    args = parser.parse_args(argv)
    print(machine())
    print(f"initiatives in the database: {Initiative.objects.count()}")
    province = f"p{args.province:02d}"
    pages = [(label, login, path, province) for label, login, path in province_pages(province)]
    if args.commune:
        pages += [
            (label, login, path, args.commune) for label, login, path in commune_pages(args.commune)
        ]
    # One initiative for the detail page: a screening one of the committee (the reviewer's
    # usual case), else any of its current year.
    samples = {
        prefix: Initiative.objects.filter(campaign__committee__code=f"{prefix.upper()}-BDV")
        .order_by(Case(When(state="screening", then=0), default=1), "-year", "pk")
        .values_list("pk", flat=True)
        .first()
        for prefix in {p[3] for p in pages}
    }
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        print(
            "\npage | p50 / p95 server ms | p50 of it in SQL ms | p50 client ms"
            " | queries per request (min–max)"
        )
        sessions: dict = {}
        for label, login, path, prefix in pages:
            if login not in sessions:
                sessions[login] = session(base, login)
            url = base + path.format(initiative=samples[prefix])
            try:
                m = measure(sessions[login], url, args.requests)
            except urllib.error.HTTPError as exc:
                print(f"{label} | HTTP {exc.code} for {path}; skipped")
                continue
            if not m["server"]:
                print(f"{label} | no Server-Timing header; skipped")
                continue
            print(
                f"{label} | {pct(m['server'], 50):.1f} / {pct(m['server'], 95):.1f} | "
                f"{pct(m['db'], 50):.1f} | {pct(m['wall'], 50):.1f} | "
                f"{min(m['queries'])}–{max(m['queries'])}",
                flush=True,
            )
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in workers:
            print(f"gunicorn worker {pid}: peak RSS {peak_rss_mib(int(pid)):.0f} MiB")
        print("target: p95 server time under 50 ms and a constant number of queries")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main(sys.argv[1:])
