"""bench/generate.py --national at a tiny scale, into its own database: the tree has the shape of
the country (provinces, communes, each with its committee), every year is there, past years are
settled, every model belongs to the committee that evaluates its unit, and the audit chain it
wrote verifies."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tests.notifications.procs import ROOT, worker_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

PROVINCES, COMMUNES, MODELS, YEARS = 34, 40, 600, 10
FINAL = {"commended", "recognized", "not_recognized", "withdrawn", "implementing"}


@pytest.fixture
def scratch_database(on_postgres):
    name = f"{connection.settings_dict['NAME']}_national"[:63]
    server = worker_database_url().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield f"{server}/{name}"  # generate.py creates it
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def one(conn, sql: str):
    return conn.execute(sql).fetchone()[0]


def test_the_national_dataset_has_the_country_s_shape_and_a_chain_that_verifies(
    scratch_database,
):
    env = {**os.environ, "DATABASE_URL": scratch_database}
    run = subprocess.run(
        [
            sys.executable,
            "bench/generate.py",
            "--national",
            "--communes",
            str(COMMUNES),
            "--initiatives",
            str(MODELS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    year = timezone.localdate().year
    with psycopg.connect(scratch_database) as conn:
        assert one(conn, "SELECT count(*) FROM units_unit WHERE depth = 1") == PROVINCES
        assert (
            one(conn, "SELECT count(*) FROM units_unit WHERE kind = 'commune_party_committee'")
            == COMMUNES
        )
        # Each province and each commune has exactly one committee right under it.
        committees_under = dict(
            conn.execute(
                """SELECT o.kind, count(*) FROM units_unit o
                     JOIN units_unit c ON c.is_committee AND c.depth = o.depth + 1
                                      AND left(c.path, length(o.path)) = o.path
                    GROUP BY o.kind"""
            ).fetchall()
        )
        assert committees_under == {
            "party_committee": PROVINCES,
            "commune_party_committee": COMMUNES,
        }
        assert one(conn, "SELECT count(*) FROM units_unit WHERE is_committee") == (
            PROVINCES + COMMUNES
        )
        # The communes are spread over the provinces: 40 over 34 is one or two each.
        per_province = {
            n
            for (n,) in conn.execute(
                """SELECT count(x.id) FROM units_unit p
                     LEFT JOIN units_unit x ON x.kind = 'commune_party_committee'
                                           AND left(x.path, 4) = p.path
                    WHERE p.depth = 1 GROUP BY p.id"""
            )
        }
        assert per_province == {1, 2}
        # Ten years of campaigns for every committee, ten years of models.
        assert conn.execute(
            "SELECT min(year), max(year), count(DISTINCT year), count(*) FROM workflows_campaign"
        ).fetchone() == (year - YEARS + 1, year, YEARS, YEARS * (PROVINCES + COMMUNES))
        by_year = dict(
            conn.execute("SELECT year, count(*) FROM workflows_initiative GROUP BY year")
        )
        assert by_year == {y: MODELS // YEARS for y in range(year - YEARS + 1, year + 1)}
        past = {
            s
            for (s,) in conn.execute(
                f"SELECT DISTINCT state FROM workflows_initiative WHERE year < {year}"
            )
        }
        assert past <= FINAL and {"commended", "not_recognized"} <= past
        current = {
            s
            for (s,) in conn.execute(
                f"SELECT DISTINCT state FROM workflows_initiative WHERE year = {year}"
            )
        }
        assert {"draft", "unit_review", "screening", "implementing"} <= current
        # A model belongs to its unit's committee: the commune's for a commune's unit.
        assert (
            one(
                conn,
                """SELECT count(*) FROM workflows_initiative i
                 JOIN units_unit u ON u.id = i.unit_id
                 JOIN workflows_campaign k ON k.id = i.campaign_id
                 JOIN units_unit c ON c.id = k.committee_id
                WHERE NOT starts_with(u.code, left(c.code, length(c.code) - 4) || '-')
                   OR (u.code LIKE '%-X%') <> (c.code LIKE '%-X%')""",
            )
            == 0
        )
        assert (
            one(
                conn,
                """SELECT count(*) FROM workflows_initiative i
                WHERE NOT EXISTS (SELECT 1 FROM workflows_initiativeprocess p
                                   WHERE p.initiative_id = i.id)""",
            )
            == 0
        )
        assert one(conn, "SELECT count(*) FROM workflows_initiativetask") > 3 * MODELS
        assert one(conn, "SELECT count(*) FROM workflows_auditentry") > 4 * MODELS
        assert one(conn, "SELECT count(*) FROM notifications_outbox") > 3 * MODELS
        # Each model's entries are in its committee's own chain (one chain per committee).
        assert (
            one(
                conn,
                """SELECT count(*) FROM workflows_auditentry e
                 JOIN workflows_audithead h ON h.id = e.chain_id
                 JOIN workflows_initiative i ON i.id = e.initiative_id
                 JOIN workflows_campaign k ON k.id = i.campaign_id
                WHERE h.committee_id IS DISTINCT FROM k.committee_id""",
            )
            == 0
        )
        assert one(
            conn, "SELECT count(*) FROM workflows_audithead WHERE committee_id IS NOT NULL"
        ) == one(
            conn,
            """SELECT count(DISTINCT k.committee_id) FROM workflows_initiative i
                 JOIN workflows_campaign k ON k.id = i.campaign_id""",
        ) > PROVINCES
        # Ids given by the generator: the next row the service writes gets a fresh one.
        assert (
            one(conn, "SELECT nextval(pg_get_serial_sequence('workflows_initiative', 'id'))")
            == MODELS + 1
        )
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
