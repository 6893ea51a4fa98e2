"""Build a provincial- or national-scale dataset on PostgreSQL for the benchmarks, in minutes.

Default: 40 committees (one per Tỉnh ủy), 2,000 units in a 4-level tree,
10,000 people with roles, 100,000 initiatives spread over 5 years and every state, with their
viewflow processes and human tasks, a valid audit hash chain and their notifications.
Everything is written with bulk inserts; the audit chain is computed exactly as workflows.audit
computes it (bench/_dataset.AuditChain, shared by both datasets), so `manage.py verify_audit`
passes on the result.

`--national` (bench/_national.py): 34 provinces and 3,321 communes, each with its Ban Dân vận
committee, about 42,000 people and 1,000,000 models over 2017–2026 with their processes, tasks,
audit entries and notifications, written with COPY in about 13 minutes on 2 cores (8.3 GB).
`--scale 0.01` writes 1 % of the communes (at least one per province) and of the models, for a
try.

What it does not write: viewflow's bookkeeping rows for the start node, split and join
(nothing reads them after the fact), scorecards (the initiative's total is set) and files.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/generate.py
        [--provinces 40] [--initiatives 100000] [--years 5] [--seed 7]
    DATABASE_URL=… nice .venv/bin/python bench/generate.py --national [--scale 0.01]
        [--provinces 34] [--communes 3321] [--initiatives 1000000] [--years 10]
The database is created if missing, migrated and emptied first. Every person's password is
`bench`; usernames are printed at the end (bench/README.md explains which the benchmarks use).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from decimal import Decimal

import _setup

_setup.django()

from _dataset import (  # noqa: E402
    CURRENT_STATES,
    OPEN_STEP,
    PAST_STATES,
    PATH,
    START,
    STEPS_DONE,
    AuditChain,
    node_ref,
    seg,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications.models import Outbox  # noqa: E402
from units.models import Membership, Role, Unit, UnitKind  # noqa: E402
from workflows import checkpoints  # noqa: E402
from workflows.flows import InitiativeFlow  # noqa: E402
from workflows.models import (  # noqa: E402
    DEFAULT_CRITERIA,
    AuditEntry,
    Campaign,
    Criterion,
    Field,
    Form,
    Initiative,
    InitiativeProcess,
    InitiativeTask,
    Kind,
    State,
)

BATCH = 5000
DEPT_PER_PROVINCE = 12  # depth 2 (besides the Ban Dân vận)
OFFICES_PER_DEPT = 2  # depth 3
COUNCIL = 7


class Gen:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.now = timezone.now()
        self.year = timezone.localdate().year
        self.password = make_password("bench")
        self.provinces: list[dict] = []

    # -- units and people ---------------------------------------------------------------------
    def build_units(self) -> None:
        units: list[Unit] = []
        for p in range(1, self.args.provinces + 1):
            root_path = seg(p)
            prov = {"n": p, "depts": [], "registering": []}
            root = Unit(
                path=root_path,
                depth=1,
                numchild=1 + DEPT_PER_PROVINCE,
                code=f"P{p:02d}",
                name=f"Tỉnh ủy số {p}",
                kind=UnitKind.PARTY_COMMITTEE,
            )
            bdv = Unit(
                path=root_path + seg(1),
                depth=2,
                numchild=0,
                code=f"P{p:02d}-BDV",
                name=f"Ban Dân vận Tỉnh ủy số {p}",
                kind=UnitKind.MASS_MOBILISATION_BOARD,
                is_committee=True,
            )
            units += [root, bdv]
            prov["root"], prov["bdv"] = root, bdv
            for d in range(1, DEPT_PER_PROVINCE + 1):
                dpath = root_path + seg(d + 1)
                kind = UnitKind.DEPARTMENT if d <= 6 else UnitKind.COMMUNE_PARTY_COMMITTEE
                dept = Unit(
                    path=dpath,
                    depth=2,
                    numchild=OFFICES_PER_DEPT,
                    code=f"P{p:02d}-D{d:02d}",
                    name=f"Đơn vị {d} tỉnh {p}",
                    kind=kind,
                )
                units.append(dept)
                prov["depts"].append(dept)
                prov["registering"].append(dept)
                for o in range(1, OFFICES_PER_DEPT + 1):
                    opath = dpath + seg(o)
                    office = Unit(
                        path=opath,
                        depth=3,
                        numchild=1 if o == 1 else 0,
                        code=f"P{p:02d}-D{d:02d}-O{o}",
                        name=f"Phòng {o} đơn vị {d} tỉnh {p}",
                        kind=UnitKind.OFFICE,
                    )
                    units.append(office)
                    prov["registering"].append(office)
                    if o == 1:  # the fourth level: a party cell under the first office
                        units.append(
                            Unit(
                                path=opath + seg(1),
                                depth=4,
                                numchild=0,
                                code=f"P{p:02d}-D{d:02d}-O{o}-C1",
                                name=f"Chi bộ phòng {o} đơn vị {d} tỉnh {p}",
                                kind=UnitKind.PARTY_CELL,
                            )
                        )
            self.provinces.append(prov)
        Unit.objects.bulk_create(units, batch_size=BATCH)
        by_code = {u.code: u for u in Unit.objects.all()}
        for prov in self.provinces:
            for key in ("root", "bdv"):
                prov[key] = by_code[prov[key].code]
            prov["depts"] = [by_code[u.code] for u in prov["depts"]]
            prov["registering"] = [by_code[u.code] for u in prov["registering"]]
        self.unit_count = len(units)

    def build_people(self) -> None:
        users: list[User] = []
        roles: list[tuple[str, Unit, str]] = []

        def person(username: str, unit: Unit, role: str) -> None:
            users.append(
                User(username=username, password=self.password, full_name=f"Cán bộ {username}")
            )
            roles.append((username, unit, role))

        per_province = self.args.people // self.args.provinces
        for prov in self.provinces:
            p = prov["n"]
            bdv = prov["bdv"]
            start = len(users)
            for i in range(3):
                person(f"p{p:02d}.reviewer{i}", bdv, Role.COMMITTEE_REVIEWER)
            person(f"p{p:02d}.leader", bdv, Role.COMMITTEE_LEADER)
            for i in range(COUNCIL):
                person(f"p{p:02d}.council{i}", bdv, Role.COUNCIL_MEMBER)
            person(f"p{p:02d}.auditor", bdv, Role.AUDITOR)
            for unit in prov["registering"]:
                person(f"{unit.code.lower()}.head", unit, Role.UNIT_HEAD)
            # The rest are data-entry staff spread over the registering units.
            i = 0
            while len(users) - start < per_province:
                unit = prov["registering"][i % len(prov["registering"])]
                person(
                    f"{unit.code.lower()}.staff{i // len(prov['registering'])}",
                    unit,
                    Role.UNIT_STAFF,
                )
                i += 1
        User.objects.bulk_create(users, batch_size=BATCH)
        ids = dict(User.objects.values_list("username", "pk"))
        Membership.objects.bulk_create(
            [Membership(user_id=ids[u], unit=unit, role=role) for u, unit, role in roles],
            batch_size=BATCH,
        )
        self.user_ids = ids
        for prov in self.provinces:
            p = prov["n"]
            prov["reviewers"] = [ids[f"p{p:02d}.reviewer{i}"] for i in range(3)]
            prov["leader"] = ids[f"p{p:02d}.leader"]
            prov["council"] = [ids[f"p{p:02d}.council{i}"] for i in range(COUNCIL)]
            prov["heads"] = {u.pk: ids[f"{u.code.lower()}.head"] for u in prov["registering"]}
            staff: dict[int, list[int]] = {}
            for username, unit, role in roles:
                if role == Role.UNIT_STAFF and username.startswith(f"p{p:02d}-"):
                    staff.setdefault(unit.pk, []).append(ids[username])
            prov["staff"] = staff
        self.people_count = len(users)

    def build_campaigns(self) -> None:
        campaigns, criteria = [], []
        for prov in self.provinces:
            prov["campaigns"] = {}
            for year in self.years:
                c = Campaign(
                    committee=prov["bdv"],
                    year=year,
                    title=f"Dân vận khéo {year}",
                    registration_deadline=datetime.date(year, 3, 31),
                    allow_late_registration=True,
                    quorum=3,
                )
                campaigns.append(c)
                prov["campaigns"][year] = c
        Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
        through = Campaign.council.through
        links = []
        for prov in self.provinces:
            for c in prov["campaigns"].values():
                for i, (name, points) in enumerate(DEFAULT_CRITERIA, start=1):
                    criteria.append(
                        Criterion(
                            campaign=c, position=i, name=str(name), max_points=Decimal(points)
                        )
                    )
                links += [through(campaign_id=c.pk, user_id=u) for u in prov["council"]]
        Criterion.objects.bulk_create(criteria, batch_size=BATCH)
        through.objects.bulk_create(links, batch_size=BATCH)

    # -- initiatives --------------------------------------------------------------------------
    def pick_state(self, year: int) -> str:
        table = CURRENT_STATES if year == self.year else PAST_STATES
        states, weights = zip(*table, strict=True)
        return self.rng.choices(states, weights)[0]

    def build_initiatives(self) -> None:
        per_year = self.args.initiatives // len(self.years)
        per_prov = per_year // len(self.provinces)
        fields = list(Field.values)
        chain = AuditChain()
        self.counts = {"initiatives": 0, "tasks": 0, "audit": 0, "outbox": 0}
        for year in self.years:
            year_entries: list[AuditEntry] = []
            committee_of: dict[int, int] = {}  # this year's models -> their committee's chain
            for prov in self.provinces:
                rows = []
                for k in range(per_prov):
                    unit = prov["registering"][k % len(prov["registering"])]
                    state = self.pick_state(year)
                    staff = prov["staff"][unit.pk][k % len(prov["staff"][unit.pk])]
                    created = timezone.make_aware(
                        datetime.datetime(year, 1, 2, 8)
                    ) + datetime.timedelta(days=self.rng.randint(0, 80), minutes=k)
                    if created > self.now:
                        created = self.now - datetime.timedelta(days=60, minutes=k)
                    rows.append((unit, state, staff, created))
                initiatives = [
                    Initiative(
                        campaign=prov["campaigns"][year],
                        unit=unit,
                        year=year,
                        state=state,
                        field=fields[i % len(fields)],
                        form=Form.COLLECTIVE if i % 3 else Form.INDIVIDUAL,
                        kind=Kind.NEW if i % 4 else Kind.REPLICATION,
                        title=f"Mô hình Dân vận khéo số {i + 1} năm {year} của {unit.name}",
                        address=unit.name,
                        problem="Vấn đề cần giải quyết ở cơ sở",
                        implementers="Cán bộ, đảng viên và Nhân dân",
                        expected_results="Kết quả mong đợi đo được",
                        created_by_id=staff,
                        submitted_by_id=staff if state != State.DRAFT else None,
                        total_score=Decimal(self.rng.randint(55, 98))
                        if STEPS_DONE[state] >= 5 and state != State.WITHDRAWN
                        else None,
                        scoring_round=1 if STEPS_DONE[state] >= 4 else 0,
                        created=created,
                        updated=created,
                    )
                    for i, (unit, state, staff, created) in enumerate(rows)
                ]
                Initiative.objects.bulk_create(initiatives, batch_size=BATCH)
                committee_of.update((ini.pk, prov["bdv"].pk) for ini in initiatives)
                processes = [
                    InitiativeProcess(
                        flow_class=InitiativeFlow,
                        initiative=ini,
                        status="DONE"
                        if ini.state in (State.COMMENDED, State.NOT_RECOGNIZED)
                        else "CANCELED"
                        if ini.state == State.WITHDRAWN
                        else "NEW",
                        created=ini.created,
                    )
                    for ini in initiatives
                ]
                InitiativeProcess.objects.bulk_create(processes, batch_size=BATCH)
                tasks, outbox = [], []
                for ini, proc, (unit, state, staff, created) in zip(
                    initiatives, processes, rows, strict=True
                ):
                    head = prov["heads"][unit.pk]
                    actors = {
                        Role.UNIT_STAFF: staff,
                        Role.UNIT_HEAD: head,
                        Role.COMMITTEE_REVIEWER: prov["reviewers"][ini.pk % 3],
                        Role.COMMITTEE_LEADER: prov["leader"],
                    }
                    at = created
                    done = STEPS_DONE[state]
                    steps = list(PATH[:done])
                    if state == State.NOT_RECOGNIZED:
                        steps[-1] = (
                            "reject",
                            "decide",
                            Role.COMMITTEE_LEADER,
                            State.NOT_RECOGNIZED,
                        )
                        steps.insert(
                            4,
                            (
                                "close_scoring",
                                "close_scoring",
                                Role.COMMITTEE_LEADER,
                                State.DECIDING,
                            ),
                        )
                        steps = steps[:5] + [steps[-1]]
                    entry = AuditEntry(
                        seq=0,
                        at=created,
                        initiative_id=ini.pk,
                        actor_id=staff,
                        on_behalf_of_id=None,
                        role=Role.UNIT_STAFF,
                        unit_id=unit.pk,
                        action="create",
                        from_state="",
                        to_state=State.DRAFT,
                        comment="",
                        changes={"title": [None, ini.title]},
                        request_id="",
                        ip=None,
                    )
                    year_entries.append(entry)
                    before = State.DRAFT
                    for action, node, role, after in steps:
                        scope = (
                            unit.pk if role in (Role.UNIT_STAFF, Role.UNIT_HEAD) else prov["bdv"].pk
                        )
                        finished = at + datetime.timedelta(
                            days=self.rng.randint(1, 12), minutes=self.rng.randint(0, 600)
                        )
                        tasks.append(
                            InitiativeTask(
                                process=proc,
                                initiative=ini,
                                flow_task=node_ref(node),
                                flow_task_type="HUMAN",
                                status="DONE",
                                created=at,
                                assigned=at,
                                started=finished,
                                finished=finished,
                                token=START,
                                role=role,
                                scope_unit_id=scope,
                                owner_id=actors[role],
                                action=action,
                                finished_by_id=actors[role],
                                due_at=at + datetime.timedelta(days=10),
                            )
                        )
                        entry = AuditEntry(
                            seq=0,
                            at=finished,
                            initiative_id=ini.pk,
                            actor_id=actors[role],
                            on_behalf_of_id=None,
                            role=role,
                            unit_id=scope,
                            action=action,
                            from_state=before,
                            to_state=after,
                            comment="",
                            changes={},
                            request_id="",
                            ip=None,
                        )
                        year_entries.append(entry)
                        outbox.append(
                            Outbox(
                                recipient_id=staff if actors[role] != staff else head,
                                event=action,
                                reason="unit",
                                subject_id=ini.pk,
                                payload={"title": ini.title, "state": after},
                                status="sent",
                                attempts=1,
                                sent_at=finished,
                            )
                        )
                        before = after
                        at = finished
                    if state == State.WITHDRAWN:
                        entry = AuditEntry(
                            seq=0,
                            at=at + datetime.timedelta(days=2),
                            initiative_id=ini.pk,
                            actor_id=head,
                            role=Role.UNIT_HEAD,
                            unit_id=unit.pk,
                            action="withdraw",
                            from_state=before,
                            to_state=State.WITHDRAWN,
                            comment="Đơn vị rút đăng ký",
                            changes={},
                            request_id="",
                            ip=None,
                        )
                        year_entries.append(entry)
                    elif state in OPEN_STEP:
                        node, role = OPEN_STEP[state]
                        owner = None if role == Role.COMMITTEE_REVIEWER else actors[role]
                        overdue = self.rng.random() < 0.2
                        tasks.append(
                            InitiativeTask(
                                process=proc,
                                initiative=ini,
                                flow_task=node_ref(node),
                                flow_task_type="HUMAN",
                                status="ASSIGNED" if owner else "NEW",
                                created=at,
                                assigned=at if owner else None,
                                token=START,
                                role=role,
                                owner_id=owner,
                                scope_unit_id=unit.pk
                                if role in (Role.UNIT_STAFF, Role.UNIT_HEAD)
                                else prov["bdv"].pk,
                                due_at=self.now
                                + datetime.timedelta(
                                    days=-3 if overdue else self.rng.randint(1, 30)
                                ),
                            )
                        )
                        if state == State.SCORING:
                            for member in prov["council"][:3]:
                                tasks.append(
                                    InitiativeTask(
                                        process=proc,
                                        initiative=ini,
                                        flow_task=node_ref("score"),
                                        flow_task_type="HUMAN",
                                        status="ASSIGNED",
                                        created=at,
                                        assigned=at,
                                        token=START,
                                        role=Role.COUNCIL_MEMBER,
                                        owner_id=member,
                                        scope_unit_id=prov["bdv"].pk,
                                        data={"member": member},
                                        due_at=self.now + datetime.timedelta(days=7),
                                    )
                                )
                InitiativeTask.objects.bulk_create(tasks, batch_size=BATCH)
                Outbox.objects.bulk_create(outbox, batch_size=BATCH)
                self.counts["initiatives"] += len(initiatives)
                self.counts["tasks"] += len(tasks)
                self.counts["outbox"] += len(outbox)
            chain.write(year_entries, committee_of)
            self.counts["audit"] += len(year_entries)
            print(f"  {year}: {self.counts['initiatives']} initiatives so far", flush=True)
        chain.close()

    def run(self) -> None:
        self.years = list(range(self.year - self.args.years + 1, self.year + 1))
        t0 = time.perf_counter()
        with transaction.atomic():
            self.build_units()
            self.build_people()
            self.build_campaigns()
        print(
            f"units={self.unit_count} people={self.people_count} "
            f"committees={len(self.provinces)} ({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        with transaction.atomic():
            self.build_initiatives()
        # The steady state autovacuum reaches on a live server: statistics, and visibility
        # maps so that counts can be index-only.
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")
        print(
            " ".join(f"{k}={v}" for k, v in self.counts.items()),
            f"({time.perf_counter() - t0:.1f} s in all)",
        )
        print(
            "logins (password 'bench'): p01.reviewer0, p01.leader, p01.council0, "
            "p01-d01.head, p01-d01.staff0, p01.auditor"
        )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--national",
        action="store_true",
        help="34 provinces, 3,321 communes with their committees, 1,000,000 models over 10 years",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="with --national: the share of the communes and models to write (0.01 for a try)",
    )
    parser.add_argument("--provinces", type=int)
    parser.add_argument("--communes", type=int, help="with --national")
    parser.add_argument("--people", type=int, default=10000, help="without --national")
    parser.add_argument("--initiatives", type=int)
    parser.add_argument("--years", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.national:
        import _national

        args.provinces = args.provinces or _national.PROVINCES
        args.communes = (
            args.communes
            if args.communes is not None
            else max(args.provinces, round(_national.COMMUNES * args.scale))
        )
        args.initiatives = args.initiatives or round(_national.MODELS * args.scale)
        args.years = args.years or _national.YEARS
    else:
        args.provinces = args.provinces or 40
        args.initiatives = args.initiatives or 100000
        args.years = args.years or 5
    t0 = time.perf_counter()
    _setup.fresh_database()
    call_command("migrate", verbosity=0)
    call_command("flush", verbosity=0, interactive=False)
    checkpoints.set_aside()  # a new chain: the old one's checkpoints no longer apply
    print(f"database migrated and emptied ({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.national:
        _national.National(args).run()
    else:
        Gen(args).run()


if __name__ == "__main__":
    main(sys.argv[1:])
