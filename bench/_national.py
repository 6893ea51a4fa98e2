"""The national dataset (`bench/generate.py --national`): 34 provinces, 3,321 communes, each with
its Ban Dân vận committee, and 1,000,000 models over ten years, written with COPY.

The tree, as levels work (docs/decisions/0009-levels.md):

    P01                  Tỉnh ủy (root)
    ├── P01-BDV          its Ban Dân vận: the province committee
    ├── P01-D01 … D08    departments, the Front and mass organisations, each with an office
    │   └── P01-D01-O1
    └── P01-X001 …       Đảng ủy xã/phường (about 98 per province)
        ├── P01-X001-BDV its Ban Dân vận: the commune committee (evaluates the commune)
        ├── P01-X001-UB  Ủy ban nhân dân xã
        ├── P01-X001-MT  Mặt trận xã
        └── P01-X001-CB1 Chi bộ

Models are registered by the province's 16 units (15 %, to the province committee) and by the
communes' 3 units (85 %, to their commune committee). Past years are settled (every model in a
final state or left implementing), the current year is spread over every open state. Each model
has its viewflow process, its human tasks, its audit entries (one valid chain, through
_dataset.AuditChain) and the notifications its steps sent.

People (password `bench`): per province p01.reviewer0–2, p01.leader, p01.council0–6,
p01.auditor, p01-d01.head, p01-d01.staff0–1 …; per commune p01-x001.reviewer, p01-x001.leader,
p01-x001.council0–2, p01-x001.auditor, p01-x001-ub.head, p01-x001-ub.staff0 ….
"""

from __future__ import annotations

import datetime
import json
import random
import time

from _dataset import (
    CURRENT_STATES,
    OPEN_STEP,
    PAST_STATES,
    PATH,
    STEPS_DONE,
    AuditChain,
    Copier,
    node_ref,
    seg,
    set_sequences,
)
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Outbox
from units.models import Membership, Role, Unit, UnitKind
from workflows.flows import InitiativeFlow
from workflows.models import (
    DEFAULT_CRITERIA,
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

PROVINCES = 34
COMMUNES = 3321
MODELS = 1_000_000
YEARS = 10
PROVINCE_SHARE = 0.15  # of each year's models, registered by province-level units
DEPARTMENTS = [  # the province's registering units at depth 2 (each has one office)
    UnitKind.DEPARTMENT,
    UnitKind.DEPARTMENT,
    UnitKind.DEPARTMENT,
    UnitKind.DEPARTMENT,
    UnitKind.FATHERLAND_FRONT,
    UnitKind.MASS_ORGANISATION,
    UnitKind.MASS_ORGANISATION,
    UnitKind.PARTY_BOARD,
]
COMMUNE_UNITS = [  # (code suffix, kind, name)
    ("UB", UnitKind.PEOPLES_COMMITTEE, "Ủy ban nhân dân"),
    ("MT", UnitKind.FATHERLAND_FRONT, "Mặt trận Tổ quốc"),
    ("CB1", UnitKind.PARTY_CELL, "Chi bộ số 1"),
]
# Titles from a vocabulary, as varied as real ones: generated titles that differ only by a number
# are all alike to pg_trgm, which would make every similar-title query match every model.
OPENINGS = [
    "Mô hình",
    "Mô hình “Dân vận khéo”",
    "Điển hình",
    "Câu lạc bộ",
    "Tổ",
    "Phong trào",
    "Nhóm",
    "Đội",
    "Tuyến",
    "Điểm",
]
VERBS = [
    "chung tay xây dựng",
    "hỗ trợ",
    "vận động",
    "giúp nhau",
    "bảo vệ",
    "phát triển",
    "giữ gìn",
    "nâng cao",
    "tuyên truyền về",
    "đồng hành cùng",
    "chăm lo",
    "tự quản",
    "huy động nguồn lực cho",
    "kết nối",
    "khuyến khích",
    "thúc đẩy",
    "gìn giữ",
    "đổi mới",
    "số hóa",
    "lan tỏa",
]
OBJECTS = [
    "nông thôn mới",
    "đô thị văn minh",
    "an ninh trật tự",
    "môi trường xanh sạch đẹp",
    "kinh tế hộ gia đình",
    "người cao tuổi",
    "trẻ em vùng khó khăn",
    "phụ nữ khởi nghiệp",
    "đồng bào dân tộc thiểu số",
    "thanh niên lập nghiệp",
    "cải cách hành chính",
    "chuyển đổi số",
    "giao thông nông thôn",
    "nước sạch",
    "rác thải nhựa",
    "an toàn thực phẩm",
    "văn hóa truyền thống",
    "hộ nghèo",
    "nhà tình nghĩa",
    "khuyến học",
    "sản phẩm OCOP",
    "du lịch cộng đồng",
    "phòng chống ma túy",
    "phòng cháy chữa cháy",
    "hòa giải ở cơ sở",
    "biển đảo quê hương",
    "rừng phòng hộ",
    "cây xanh đường phố",
    "chợ văn minh",
    "dịch vụ công trực tuyến",
    "bữa ăn bán trú",
    "con đường bích họa",
    "quỹ tín dụng xoay vòng",
    "camera an ninh",
    "đèn đường năng lượng mặt trời",
]
SUFFIXES = [
    "",
    "",
    "",
    "gắn với Chỉ thị 05 ",
    "giai đoạn mới ",
    "vì cộng đồng ",
    "bằng sức dân ",
    "của hội viên ",
    "của đoàn viên ",
    "do dân làm chủ ",
    "từ nguồn xã hội hóa ",
    "năm thứ hai ",
]
PLACES = ["thôn", "bản", "tổ dân phố", "ấp", "khu phố", "xóm", "buôn", "làng"]
SYLLABLES = [
    "Bản",
    "Lướt",
    "Nà",
    "Phai",
    "Khe",
    "Tân",
    "Hòa",
    "An",
    "Phú",
    "Mỹ",
    "Đông",
    "Tây",
    "Thượng",
    "Hạ",
    "Cầu",
    "Trung",
    "Long",
    "Bình",
    "Thạnh",
    "Lộc",
    "Xuân",
    "Thu",
    "Vĩnh",
    "Hưng",
    "Sơn",
    "Thủy",
    "Đồng",
    "Gò",
    "Bàu",
    "Cát",
    "Lũng",
    "Pác",
    "Co",
    "Mường",
    "Suối",
    "Rạch",
    "Kênh",
    "Vàm",
    "Ea",
    "Krông",
]
PROVINCE_COUNCIL = 7
COMMUNE_COUNCIL = 3
FINAL = {State.COMMENDED: "DONE", State.NOT_RECOGNIZED: "DONE", State.WITHDRAWN: "CANCELED"}
UTC = datetime.UTC


def model_title(rng: random.Random) -> str:
    c = rng.choice
    return (
        f"{c(OPENINGS)} {c(VERBS)} {c(OBJECTS)} {c(SUFFIXES)}{c(PLACES)} "
        f"{c(SYLLABLES)} {c(SYLLABLES)} {c(SYLLABLES)}"
    )


def communes_per_province(provinces: int, communes: int) -> list[int]:
    base, extra = divmod(communes, provinces)
    return [base + (1 if p < extra else 0) for p in range(provinces)]


def spread(total: int, slots: int, offset: int) -> list[int]:
    """`total` split over `slots` as evenly as possible; the remainder moves with `offset`."""
    base, extra = divmod(total, slots)
    return [base + (1 if (i - offset) % slots < extra else 0) for i in range(slots)]


class National:
    def __init__(self, args) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.now = timezone.now().astimezone(UTC)
        self.year = timezone.localdate().year
        self.years = list(range(self.year - args.years + 1, self.year + 1))
        self.committees: list[dict] = []  # province committees first, then communes
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    # -- the tree, people and campaigns -------------------------------------------------------
    def build_tree(self) -> None:
        units = Copier(
            Unit, ["id", "path", "depth", "numchild", "code", "name", "kind", "is_committee"]
        )
        users = Copier(User, ["id", "password", "username", "full_name"])
        memberships = Copier(Membership, ["user_id", "unit_id", "role"])
        password = make_password("bench")
        ids = {"unit": 0, "user": 0}

        def unit(path, depth, numchild, code, name, kind, committee=False) -> int:
            ids["unit"] += 1
            units.add((ids["unit"], path, depth, numchild, code, name, kind, committee))
            return ids["unit"]

        def person(username: str, unit_id: int, role: str) -> int:
            ids["user"] += 1
            users.add((ids["user"], password, username, f"Cán bộ {username}"))
            memberships.add((ids["user"], unit_id, role))
            return ids["user"]

        def committee(code: str, bdv: int, council: int, reviewers: int, level: str) -> dict:
            login = code.lower()
            return {
                "id": bdv,
                "code": code,
                "level": level,
                "reviewers": [
                    person(
                        f"{login}.reviewer{i if reviewers > 1 else ''}",
                        bdv,
                        Role.COMMITTEE_REVIEWER,
                    )
                    for i in range(reviewers)
                ],
                "leader": person(f"{login}.leader", bdv, Role.COMMITTEE_LEADER),
                "council": [
                    person(f"{login}.council{i}", bdv, Role.COUNCIL_MEMBER) for i in range(council)
                ],
                "auditor": person(f"{login}.auditor", bdv, Role.AUDITOR),
                "units": [],
            }

        def registering(com: dict, unit_id: int, code: str, name: str, staff: int) -> None:
            login = code.lower()
            head = person(f"{login}.head", unit_id, Role.UNIT_HEAD)
            clerks = [person(f"{login}.staff{i}", unit_id, Role.UNIT_STAFF) for i in range(staff)]
            com["units"].append((unit_id, name, head, clerks))

        per_province = communes_per_province(self.args.provinces, self.args.communes)
        communes: list[dict] = []
        for p in range(1, self.args.provinces + 1):
            root = seg(p)
            n_communes = per_province[p - 1]
            code = f"P{p:02d}"
            unit(
                root,
                1,
                1 + len(DEPARTMENTS) + n_communes,
                code,
                f"Tỉnh ủy số {p}",
                UnitKind.PARTY_COMMITTEE,
            )
            bdv = unit(
                root + seg(1),
                2,
                0,
                f"{code}-BDV",
                f"Ban Dân vận Tỉnh ủy số {p}",
                UnitKind.MASS_MOBILISATION_BOARD,
                True,
            )
            prov = committee(code, bdv, PROVINCE_COUNCIL, 3, "province")
            prov["province"] = p
            for d, kind in enumerate(DEPARTMENTS, start=1):
                dpath = root + seg(1 + d)
                dcode = f"{code}-D{d:02d}"
                dname = f"Đơn vị {d} tỉnh {p}"
                dept = unit(dpath, 2, 1, dcode, dname, kind)
                registering(prov, dept, dcode, dname, 2)
                oname = f"Phòng 1 đơn vị {d} tỉnh {p}"
                office = unit(dpath + seg(1), 3, 0, f"{dcode}-O1", oname, UnitKind.OFFICE)
                registering(prov, office, f"{dcode}-O1", oname, 2)
            self.committees.append(prov)
            for c in range(1, n_communes + 1):
                cpath = root + seg(1 + len(DEPARTMENTS) + c)
                ccode = f"{code}-X{c:03d}"
                cname = f"Đảng ủy xã {c} tỉnh {p}"
                unit(
                    cpath, 2, 1 + len(COMMUNE_UNITS), ccode, cname, UnitKind.COMMUNE_PARTY_COMMITTEE
                )
                cbdv = unit(
                    cpath + seg(1),
                    3,
                    0,
                    f"{ccode}-BDV",
                    f"Ban Dân vận {cname}",
                    UnitKind.MASS_MOBILISATION_BOARD,
                    True,
                )
                com = committee(ccode, cbdv, COMMUNE_COUNCIL, 1, "commune")
                com["province"] = p
                for i, (suffix, kind, name) in enumerate(COMMUNE_UNITS, start=2):
                    ucode = f"{ccode}-{suffix}"
                    uname = f"{name} xã {c} tỉnh {p}"
                    uid = unit(cpath + seg(i), 3, 0, ucode, uname, kind)
                    registering(com, uid, ucode, uname, 1)
                communes.append(com)
        self.committees += communes
        for copier in (units, users, memberships):
            copier.flush()
        set_sequences(Unit, User)
        self.counts.update(
            units=units.count,
            people=users.count,
            roles=memberships.count,
            provinces=self.args.provinces,
            communes=len(communes),
            committees=len(self.committees),
        )

    def build_campaigns(self) -> None:
        campaigns = Copier(
            Campaign,
            [
                "id",
                "committee_id",
                "year",
                "title",
                "registration_deadline",
                "allow_late_registration",
                "quorum",
                "nomination_deadline",
            ],
        )
        criteria = Copier(Criterion, ["campaign_id", "position", "name", "max_points"])
        council = Copier(Campaign.council.through, ["campaign_id", "user_id"])
        next_id = 0
        for com in self.committees:
            com["campaigns"] = {}
            quorum = 3 if com["level"] == "province" else 2
            for year in self.years:
                next_id += 1
                com["campaigns"][year] = next_id
                campaigns.add(
                    (
                        next_id,
                        com["id"],
                        year,
                        f"Dân vận khéo {year}",
                        datetime.date(year, 3, 31),
                        True,
                        quorum,
                        datetime.date(year, 9, 30),
                    )
                )
                for i, (name, points) in enumerate(DEFAULT_CRITERIA, start=1):
                    criteria.add((next_id, i, str(name), points))
                for member in com["council"]:
                    council.add((next_id, member))
        for copier in (campaigns, criteria, council):
            copier.flush()
        set_sequences(Campaign)
        self.counts["campaigns"] = campaigns.count

    # -- models ---------------------------------------------------------------------------------
    def build_models(self) -> None:
        ini_cols = [
            "id",
            "campaign_id",
            "unit_id",
            "year",
            "state",
            "field",
            "title",
            "form",
            "address",
            "problem",
            "implementers",
            "expected_results",
            "kind",
            "scoring_round",
            "total_score",
            "decision_date",
            "recognized_at",
            "created_by_id",
            "submitted_by_id",
            "created",
            "updated",
        ]
        proc_cols = ["id", "flow_class", "status", "created", "finished", "initiative_id"]
        task_cols = [
            "process_id",
            "initiative_id",
            "flow_task",
            "flow_task_type",
            "status",
            "created",
            "assigned",
            "started",
            "finished",
            "token",
            "role",
            "scope_unit_id",
            "owner_id",
            "action",
            "finished_by_id",
            "due_at",
            "data",
        ]
        out_cols = [
            "recipient_id",
            "event",
            "reason",
            "subject_id",
            "payload",
            "status",
            "attempts",
            "created",
            "sent_at",
            "next_attempt_at",
        ]
        flow_class = InitiativeProcess._meta.get_field("flow_class").get_prep_value(InitiativeFlow)
        refs = {
            name: node_ref(name)
            for name in {n for _a, n, _r, _s in PATH} | {"decide", "score", "prepare", "review"}
        }
        fields = list(Field.values)
        provinces = [c for c in self.committees if c["level"] == "province"]
        communes = [c for c in self.committees if c["level"] == "commune"]
        province_units = [(c, u) for c in provinces for u in c["units"]]
        commune_units = [(c, u) for c in communes for u in c["units"]]
        chain = AuditChain()
        per_year = self.args.initiatives // len(self.years)
        rng = self.rng
        next_id = 0
        totals = {"initiatives": 0, "processes": 0, "tasks": 0, "outbox": 0}
        day = datetime.timedelta(days=1)
        minute = datetime.timedelta(minutes=1)
        for y, year in enumerate(self.years):
            t_year = time.perf_counter()
            inis = Copier(Initiative, ini_cols)
            procs = Copier(InitiativeProcess, proc_cols)
            tasks = Copier(InitiativeTask, task_cols)
            outbox = Copier(Outbox, out_cols)
            entries: list[dict] = []
            committee_of: dict[int, int] = {}  # this year's models -> their committee's chain
            current = year == self.year
            table = CURRENT_STATES if current else PAST_STATES
            states, weights = zip(*table, strict=True)
            n_prov = round(per_year * PROVINCE_SHARE) if commune_units else per_year
            plan = [
                (slot, n)
                for units, total in ((province_units, n_prov), (commune_units, per_year - n_prov))
                if units
                for slot, n in zip(units, spread(total, len(units), y * 7), strict=True)
            ]
            jan = datetime.datetime(year, 1, 5, 1, tzinfo=UTC)
            with transaction.atomic():
                with connection.cursor() as c:
                    # Rows are made consistent here: the foreign-key triggers are skipped while
                    # copying (the constraints stay; every reference points at a written row).
                    c.execute("SET LOCAL session_replication_role = replica")
                    c.execute("SET LOCAL synchronous_commit = off")
                for (com, (unit_id, unit_name, head, clerks)), n in plan:
                    committee_id = com["id"]
                    campaign = com["campaigns"][year]
                    reviewers = com["reviewers"]
                    leader = com["leader"]
                    council = com["council"]
                    picked = rng.choices(states, weights, k=n)
                    for k, state in enumerate(picked):
                        next_id += 1
                        ini = next_id
                        committee_of[ini] = committee_id
                        staff = clerks[k % len(clerks)]
                        actors = {
                            Role.UNIT_STAFF: staff,
                            Role.UNIT_HEAD: head,
                            Role.COMMITTEE_REVIEWER: reviewers[ini % len(reviewers)],
                            Role.COMMITTEE_LEADER: leader,
                        }
                        created = jan + day * rng.randint(0, 100) + minute * rng.randint(0, 600)
                        if created > self.now:
                            created = self.now - datetime.timedelta(days=60, minutes=k)
                        title = model_title(rng)
                        steps = list(PATH[: STEPS_DONE[state]])
                        if state == State.NOT_RECOGNIZED:
                            steps = steps[:5] + [
                                ("reject", "decide", Role.COMMITTEE_LEADER, State.NOT_RECOGNIZED)
                            ]
                        entries.append(
                            {
                                "at": created,
                                "initiative_id": ini,
                                "actor_id": staff,
                                "role": Role.UNIT_STAFF,
                                "unit_id": unit_id,
                                "action": "create",
                                "from_state": "",
                                "to_state": State.DRAFT,
                                "changes": {"title": [None, title]},
                            }
                        )
                        at = created
                        before = State.DRAFT
                        decided = None
                        for action, node, role, after in steps:
                            scope = (
                                unit_id
                                if role in (Role.UNIT_STAFF, Role.UNIT_HEAD)
                                else committee_id
                            )
                            actor = actors[role]
                            finished = at + day * rng.randint(1, 12) + minute * rng.randint(0, 600)
                            if current and finished > self.now:
                                finished = self.now - minute * rng.randint(1, 600)
                            tasks.add(
                                (
                                    ini,
                                    ini,
                                    refs[node],
                                    "HUMAN",
                                    "DONE",
                                    at,
                                    at,
                                    finished,
                                    finished,
                                    "start",
                                    role,
                                    scope,
                                    actor,
                                    action,
                                    actor,
                                    at + day * 10,
                                    "{}",
                                )
                            )
                            entries.append(
                                {
                                    "at": finished,
                                    "initiative_id": ini,
                                    "actor_id": actor,
                                    "role": role,
                                    "unit_id": scope,
                                    "action": action,
                                    "from_state": before,
                                    "to_state": after,
                                }
                            )
                            outbox.add(
                                (
                                    staff if actor != staff else head,
                                    action,
                                    "unit",
                                    ini,
                                    json.dumps(
                                        {"title": title, "state": after}, ensure_ascii=False
                                    ),
                                    "sent",
                                    1,
                                    finished,
                                    finished,
                                    finished,
                                )
                            )
                            if action == "recognize":
                                decided = finished
                            before = after
                            at = finished
                        if state == State.WITHDRAWN:
                            at = min(at + day * 2, self.now)
                            entries.append(
                                {
                                    "at": at,
                                    "initiative_id": ini,
                                    "actor_id": head,
                                    "role": Role.UNIT_HEAD,
                                    "unit_id": unit_id,
                                    "action": "withdraw",
                                    "from_state": before,
                                    "to_state": State.WITHDRAWN,
                                    "comment": "Đơn vị rút đăng ký",
                                }
                            )
                        elif state in OPEN_STEP:
                            node, role = OPEN_STEP[state]
                            owner = None if role == Role.COMMITTEE_REVIEWER else actors[role]
                            scope = (
                                unit_id
                                if role in (Role.UNIT_STAFF, Role.UNIT_HEAD)
                                else committee_id
                            )
                            if current:
                                due = self.now + day * (
                                    -3 if rng.random() < 0.2 else rng.randint(1, 30)
                                )
                            else:
                                due = at + day * 10
                            tasks.add(
                                (
                                    ini,
                                    ini,
                                    refs[node],
                                    "HUMAN",
                                    "ASSIGNED" if owner else "NEW",
                                    at,
                                    at if owner else None,
                                    None,
                                    None,
                                    "start",
                                    role,
                                    scope,
                                    owner,
                                    "",
                                    None,
                                    due,
                                    "{}",
                                )
                            )
                            if state == State.SCORING:
                                for member in council[:3]:
                                    tasks.add(
                                        (
                                            ini,
                                            ini,
                                            refs["score"],
                                            "HUMAN",
                                            "ASSIGNED",
                                            at,
                                            at,
                                            None,
                                            None,
                                            "start",
                                            Role.COUNCIL_MEMBER,
                                            committee_id,
                                            member,
                                            "",
                                            None,
                                            self.now + day * 7,
                                            f'{{"member": {member}}}',
                                        )
                                    )
                        scored = STEPS_DONE[state] >= 5 and state != State.WITHDRAWN
                        inis.add(
                            (
                                ini,
                                campaign,
                                unit_id,
                                year,
                                state,
                                fields[ini % len(fields)],
                                title,
                                Form.COLLECTIVE if ini % 3 else Form.INDIVIDUAL,
                                unit_name,
                                "Vấn đề cần giải quyết ở cơ sở",
                                "Cán bộ, đảng viên và Nhân dân",
                                "Kết quả mong đợi đo được",
                                Kind.NEW if ini % 4 else Kind.REPLICATION,
                                1 if STEPS_DONE[state] >= 4 else 0,
                                rng.randint(55, 98) if scored else None,
                                decided.date() if decided else None,
                                decided,
                                staff,
                                staff if state != State.DRAFT else None,
                                created,
                                at,
                            )
                        )
                        procs.add(
                            (
                                ini,
                                flow_class,
                                FINAL.get(state, "NEW"),
                                created,
                                at if state in FINAL else None,
                                ini,
                            )
                        )
                # Parents before children: the copies go out in the order of the references.
                for copier in (inis, procs, tasks, outbox):
                    copier.flush()
                chain.write(entries, committee_of)
            for name, copier in (
                ("initiatives", inis),
                ("processes", procs),
                ("tasks", tasks),
                ("outbox", outbox),
            ):
                totals[name] += copier.count
            print(
                f"  {year}: {inis.count} models, {tasks.count} tasks, {len(entries)} audit "
                f"entries, {outbox.count} outbox rows in {time.perf_counter() - t_year:.0f} s "
                f"({totals['initiatives']} models so far)",
                flush=True,
            )
        with transaction.atomic():
            chain.close()
        set_sequences(Initiative, InitiativeProcess)
        self.counts.update(totals)
        self.counts["audit"] = chain.count

    def run(self) -> None:
        t0 = time.perf_counter()
        with transaction.atomic():
            self.build_tree()
            self.build_campaigns()
        print(
            f"units={self.counts['units']} people={self.counts['people']} "
            f"committees={self.counts['committees']} ({self.counts['provinces']} provinces, "
            f"{self.counts['communes']} communes) campaigns={self.counts['campaigns']} "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        t1 = time.perf_counter()
        self.build_models()
        print(f"models written in {time.perf_counter() - t1:.0f} s", flush=True)
        t2 = time.perf_counter()
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")
            c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = c.fetchone()[0]
        print(f"VACUUM ANALYZE in {time.perf_counter() - t2:.0f} s")
        print(
            " ".join(f"{k}={v}" for k, v in self.counts.items()),
            f"database={size} ({time.perf_counter() - t0:.0f} s in all)",
        )
        print(
            "logins (password 'bench'): p01.reviewer0, p01.leader, p01-d01.head, "
            "p01-d01.staff0, p01.auditor; commune: p01-x001.reviewer, p01-x001.leader, "
            "p01-x001-ub.head, p01-x001-ub.staff0"
        )
