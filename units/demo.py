"""A demo province: the unit tree, the people and their roles.

Tests and other apps' demos import the constants below rather than repeating usernames and
codes. `load_demo` runs every builder listed in DEMO_BUILDERS, in order; another app adds its
own step (e.g. a campaign with initiatives) by appending a dotted path, for instance from its
AppConfig.ready(), or a deployment overrides the list with settings.DEMO_BUILDERS.
Every builder must be idempotent: running load_demo twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Membership, Role, Unit, UnitKind

DEMO_PASSWORD = "danvan@2026"
DEMO_BUILDERS: list[str] = ["units.demo.build_demo_province"]

PROVINCE_CODE = "TU"
PROVINCE_COMMITTEE_CODE = "BDVTU"
DEPARTMENT_CODE = "SNNMT"  # the department the demo unit staff and head work in
COMMUNE_CODE = "XA01"  # the commune with its own Ban Dân vận
COMMUNE_COMMITTEE_CODE = "BDVXA01"
FRONT_CODE = "MTTQ"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    position: str
    unit_code: str | None = None
    role: str | None = None
    is_superuser: bool = False


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "Quản trị hệ thống", "Quản trị viên", is_superuser=True),
    DemoPerson(
        "canbo.snn", "Nguyễn Thị Lan", "Chuyên viên Văn phòng Sở", DEPARTMENT_CODE, Role.UNIT_STAFF
    ),
    DemoPerson(
        "giamdoc.snn",
        "Trần Văn Hùng",
        "Giám đốc Sở Nông nghiệp và Môi trường",
        DEPARTMENT_CODE,
        Role.UNIT_HEAD,
    ),
    DemoPerson(
        "canbo.xa01", "Bùi Thị Hoa", "Văn phòng Đảng ủy xã Mai Châu", COMMUNE_CODE, Role.UNIT_STAFF
    ),
    DemoPerson(
        "bithu.xa01", "Đinh Công Thắng", "Bí thư Đảng ủy xã Mai Châu", COMMUNE_CODE, Role.UNIT_HEAD
    ),
    DemoPerson(
        "chuyenvien.bdv",
        "Lê Thu Hà",
        "Chuyên viên Ban Dân vận Tỉnh ủy",
        PROVINCE_COMMITTEE_CODE,
        Role.COMMITTEE_REVIEWER,
    ),
    DemoPerson(
        "truongban.bdv",
        "Quách Văn Minh",
        "Trưởng Ban Dân vận Tỉnh ủy",
        PROVINCE_COMMITTEE_CODE,
        Role.COMMITTEE_LEADER,
    ),
    DemoPerson(
        "hoidong1.bdv",
        "Phạm Thị Thu",
        "Phó Trưởng Ban Dân vận Tỉnh ủy",
        PROVINCE_COMMITTEE_CODE,
        Role.COUNCIL_MEMBER,
    ),
    DemoPerson(
        "hoidong2.bdv",
        "Hoàng Đức Long",
        "Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
        PROVINCE_COMMITTEE_CODE,
        Role.COUNCIL_MEMBER,
    ),
    DemoPerson(
        "hoidong3.bdv",
        "Đỗ Thị Mai",
        "Phó Chủ tịch Hội Liên hiệp Phụ nữ tỉnh",
        PROVINCE_COMMITTEE_CODE,
        Role.COUNCIL_MEMBER,
    ),
    DemoPerson(
        "kiemtra.bdv",
        "Vũ Quang Huy",
        "Ủy viên Ủy ban Kiểm tra Tỉnh ủy",
        PROVINCE_COMMITTEE_CODE,
        Role.AUDITOR,
    ),
    # XA01 has its own Ban Dân vận; without a reviewer there its registrations would stall.
    DemoPerson(
        "chuyenvien.bdvxa01",
        "Xa Thị Nga",
        "Cán bộ Ban Dân vận Đảng ủy xã Mai Châu",
        COMMUNE_COMMITTEE_CODE,
        Role.COMMITTEE_REVIEWER,
    ),
    # ... and a leader, who recognises the commune's models and nominates the best to the
    # province (workflows.levels).
    DemoPerson(
        "truongban.bdvxa01",
        "Hà Văn Tùng",
        "Trưởng Ban Dân vận Đảng ủy xã Mai Châu",
        COMMUNE_COMMITTEE_CODE,
        Role.COMMITTEE_LEADER,
    ),
)

# Role code → the demo usernames holding it, first the main one ("admin" under "superuser").
DEMO_USERS: dict[str, tuple[str, ...]] = {"superuser": ("admin",)}
for _person in DEMO_PEOPLE:
    if _person.role:
        DEMO_USERS[_person.role] = (*DEMO_USERS.get(_person.role, ()), _person.username)
del _person

# Sở, ban, ngành (kind department) and their phòng (kind office).
DEPARTMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("SNNMT", "Sở Nông nghiệp và Môi trường", ("Phòng Kế hoạch - Tài chính", "Chi cục Thủy lợi")),
    ("STC", "Sở Tài chính", ("Phòng Quản lý ngân sách",)),
    ("SNV", "Sở Nội vụ", ("Phòng Tổ chức, biên chế", "Phòng Lao động - Việc làm")),
    ("STP", "Sở Tư pháp", ("Phòng Phổ biến, giáo dục pháp luật",)),
    (
        "SXD",
        "Sở Xây dựng",
        ("Phòng Quản lý hạ tầng giao thông", "Phòng Quản lý nhà và thị trường bất động sản"),
    ),
    ("SCT", "Sở Công Thương", ("Phòng Quản lý thương mại",)),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ("Phòng Giáo dục phổ thông", "Phòng Giáo dục mầm non")),
    ("SYT", "Sở Y tế", ("Phòng Nghiệp vụ Y",)),
    (
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        ("Phòng Quản lý du lịch", "Phòng Quản lý văn hóa"),
    ),
    ("SKHCN", "Sở Khoa học và Công nghệ", ("Phòng Chuyển đổi số",)),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", ("Phòng Chính sách dân tộc",)),
    ("TTT", "Thanh tra tỉnh", ("Phòng Tiếp công dân, xử lý đơn",)),
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", ("Phòng Kiểm soát thủ tục hành chính",)),
)

MASS_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("TDTN", "Tỉnh đoàn"),
    ("HND", "Hội Nông dân tỉnh"),
    ("HCCB", "Hội Cựu chiến binh tỉnh"),
)

# Đảng ủy xã, phường (after the 2025 reorganisation) with the names of two chi bộ each.
COMMUNES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("XA01", "Đảng ủy xã Mai Châu", ("Chi bộ bản Lác", "Chi bộ bản Pom Coọng")),
    ("XA02", "Đảng ủy phường Hòa Bình", ("Chi bộ tổ dân phố 1", "Chi bộ tổ dân phố 2")),
    ("XA03", "Đảng ủy phường Thống Nhất", ("Chi bộ tổ dân phố 3", "Chi bộ tổ dân phố 5")),
    ("XA04", "Đảng ủy phường Tân Hòa", ("Chi bộ tổ dân phố 7", "Chi bộ tổ dân phố 9")),
    ("XA05", "Đảng ủy phường Kỳ Sơn", ("Chi bộ tổ dân phố Cầu Dài", "Chi bộ tổ dân phố Đồng Bến")),
    ("XA06", "Đảng ủy xã Lương Sơn", ("Chi bộ thôn Đồng Bái", "Chi bộ thôn Mỏ Đá")),
    ("XA07", "Đảng ủy xã Cao Phong", ("Chi bộ xóm Đồi Bài", "Chi bộ xóm Dằn")),
    ("XA08", "Đảng ủy xã Tân Lạc", ("Chi bộ xóm Bái", "Chi bộ xóm Mường Khến")),
    ("XA09", "Đảng ủy xã Lạc Sơn", ("Chi bộ xóm Trung Mường", "Chi bộ xóm Rậm")),
    ("XA10", "Đảng ủy xã Kim Bôi", ("Chi bộ xóm Mớ Đá", "Chi bộ xóm Đồng Nang")),
    ("XA11", "Đảng ủy xã Yên Thủy", ("Chi bộ thôn Thống Nhất", "Chi bộ thôn Bơ")),
    ("XA12", "Đảng ủy xã Lạc Thủy", ("Chi bộ thôn Đồi Cả", "Chi bộ thôn Dân Hòa")),
    ("XA13", "Đảng ủy xã Đà Bắc", ("Chi bộ xóm Tày Măng", "Chi bộ xóm Bờ")),
    ("XA14", "Đảng ủy xã Cao Sơn", ("Chi bộ xóm Trụ Chim", "Chi bộ xóm Suối Lốn")),
    ("XA15", "Đảng ủy xã Tú Sơn", ("Chi bộ xóm Chiềng", "Chi bộ xóm Mền")),
    ("XA16", "Đảng ủy xã Nhân Nghĩa", ("Chi bộ xóm Bãi Vặn", "Chi bộ xóm Đồi")),
    ("XA17", "Đảng ủy xã Mường Động", ("Chi bộ xóm Mường Động", "Chi bộ xóm Lồ")),
    ("XA18", "Đảng ủy xã Thung Nai", ("Chi bộ xóm Mu", "Chi bộ xóm Duộng")),
    ("XA19", "Đảng ủy xã Pà Cò", ("Chi bộ bản Pà Cò", "Chi bộ bản Hang Kia")),
    ("XA20", "Đảng ủy xã Vân Sơn", ("Chi bộ xóm Nà Lồi", "Chi bộ xóm Trám")),
)


def run_demo_builders(builders: list[str] | None = None) -> list[str]:
    """Run each builder (dotted path to a no-argument callable) in one transaction.

    Returns the lines the builders report, for load_demo to print.
    """
    lines: list[str] = []
    with transaction.atomic():
        for dotted in builders if builders is not None else DEMO_BUILDERS:
            reported = import_string(dotted)()
            if reported:
                lines.append(str(reported))
    return lines


def _ensure_unit(
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    *,
    is_committee: bool = False,
    short_name: str = "",
) -> tuple[Unit, bool]:
    """The unit with this code, created under `parent` when missing (an existing one is left
    as it is, so that edits made in the admin survive a second load_demo)."""
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "is_committee": is_committee,
        "short_name": short_name,
    }
    if parent is None:
        return Unit.add_root(**values), True
    return parent.add_child(**values), True


def build_demo_province() -> str:
    """Tỉnh ủy Hòa Bình: its Ban Dân vận, departments, the Front, communes and demo people."""
    created_units = 0

    def ensure(parent: Unit | None, code: str, name: str, kind: str, **extra) -> Unit:
        nonlocal created_units
        unit, created = _ensure_unit(parent, code, name, kind, **extra)
        created_units += created
        return unit

    province = ensure(None, PROVINCE_CODE, "Tỉnh ủy Hòa Bình", UnitKind.PARTY_COMMITTEE)
    ensure(
        province,
        PROVINCE_COMMITTEE_CODE,
        "Ban Dân vận Tỉnh ủy",
        UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
        short_name="BDVTU",
    )
    for code, name, offices in DEPARTMENTS:
        department = ensure(province, code, name, UnitKind.DEPARTMENT)
        for number, office in enumerate(offices, start=1):
            ensure(department, f"{code}_P{number:02d}", office, UnitKind.OFFICE)
    front = ensure(
        province,
        FRONT_CODE,
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        UnitKind.FATHERLAND_FRONT,
        short_name="UBMTTQ tỉnh",
    )
    # Since 2025 the mass organisations work under the Front.
    for code, name in MASS_ORGANISATIONS:
        ensure(front, code, name, UnitKind.MASS_ORGANISATION)
    for code, name, cells in COMMUNES:
        commune = ensure(province, code, name, UnitKind.COMMUNE_PARTY_COMMITTEE)
        if code == COMMUNE_CODE:
            ensure(
                commune,
                COMMUNE_COMMITTEE_CODE,
                f"Ban Dân vận {name}",
                UnitKind.MASS_MOBILISATION_BOARD,
                is_committee=True,
            )
        for number, cell in enumerate(cells, start=1):
            ensure(commune, f"{code}_CB{number}", cell, UnitKind.PARTY_CELL)

    created_people, created_roles = _ensure_people()
    return _(
        "Tỉnh demo: %(units)s đơn vị, %(people)s người dùng, %(roles)s vai trò được tạo mới."
    ) % {"units": created_units, "people": created_people, "roles": created_roles}


def _ensure_people() -> tuple[int, int]:
    User = get_user_model()
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in={p.unit_code for p in DEMO_PEOPLE if p.unit_code})
    }
    created_people = created_roles = 0
    for person in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "full_name": person.full_name,
                "position": person.position,
                "email": f"{person.username}@example.org",
                "is_staff": person.is_superuser,
                "is_superuser": person.is_superuser,
            },
        )
        if created:
            # Only on creation: a second run must not undo a password someone has changed.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created_people += 1
        if person.unit_code and person.role:
            _membership, made = Membership.objects.get_or_create(
                user=user, unit=units[person.unit_code], role=person.role
            )
            created_roles += made
    return created_people, created_roles
