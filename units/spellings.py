"""How a province's offices write unit kinds and roles in their own files.

An office names a kind the way it speaks ("Đảng ủy xã", "Sở", "Phòng", "MTTQ") or by a short
unaccented code ("dang_uy_xa", "so_nganh"). Each spelling below is matched after
units.services.fold(): case, Vietnamese marks, "_", "/", "," and extra spaces do not matter, so
"Đảng ủy xã", "dang uy xa", "DANG_UY_XA" and "Đảng uỷ xã" are one spelling. The code of the
choice ("commune_party_committee") and its label, in Vietnamese and in English, are accepted as
well (units.services.choice_map).

These are data as offices write them, in Vietnamese whatever the interface language: they are
not translated. A spelling must name one choice only (tests/units/test_onboarding.py checks).
"""

from __future__ import annotations

from .models import Role, UnitKind

KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    UnitKind.PARTY_COMMITTEE: (
        "Tỉnh ủy",
        "Thành ủy",
        "Huyện ủy",
        "Quận ủy",
        "Thị ủy",
        "Đảng ủy",
        "Cấp ủy",
        "Đảng bộ",
        "Đảng ủy khối",
        "Đảng ủy cơ quan",
    ),
    UnitKind.MASS_MOBILISATION_BOARD: (
        "BDV",
        "Ban Dân vận Tỉnh ủy",
        "Ban Dân vận Thành ủy",
        "Ban Dân vận Đảng ủy",
        "Ban Tuyên giáo và Dân vận",
    ),
    UnitKind.PARTY_BOARD: (
        "Ban đảng",
        "Ban của cấp ủy",
        "Cơ quan tham mưu",
        "Ban Tổ chức",
        "Ban Tuyên giáo",
        "Ban Kiểm tra",
        "Ủy ban Kiểm tra",
        "UBKT",
        "Ban Nội chính",
        "Văn phòng cấp ủy",
        "Văn phòng Tỉnh ủy",
    ),
    UnitKind.DEPARTMENT: (
        "Sở",
        "Ngành",
        "Sở, ngành",
        "Sở ban ngành",
        "Cơ quan chuyên môn",
    ),
    UnitKind.OFFICE: (
        "Phòng",
        "Phòng ban",
        "Phòng chuyên môn",
        "Đơn vị trực thuộc",
        "Chi cục",
        "Trung tâm",
        "Đơn vị sự nghiệp",
    ),
    UnitKind.FATHERLAND_FRONT: (
        "Mặt trận",
        "MTTQ",
        "Ủy ban MTTQ",
        "UBMTTQ",
        "Mặt trận Tổ quốc Việt Nam",
    ),
    UnitKind.MASS_ORGANISATION: (
        "Đoàn thể",
        "Tổ chức chính trị - xã hội",
        "Hội",
        "Hội Nông dân",
        "Hội Liên hiệp Phụ nữ",
        "Hội Phụ nữ",
        "Hội Cựu chiến binh",
        "Đoàn Thanh niên",
        "Công đoàn",
        "Liên đoàn Lao động",
    ),
    UnitKind.COMMUNE_PARTY_COMMITTEE: (
        "Đảng ủy xã",
        "Đảng ủy phường",
        "Đảng ủy thị trấn",
        "Đảng ủy đặc khu",
        "Đảng ủy cấp xã",
        "Đảng bộ xã",
        "Đảng bộ phường",
        "DUX",
    ),
    UnitKind.PEOPLES_COMMITTEE: (
        "UBND",
        "UBND tỉnh",
        "UBND xã",
        "UBND phường",
        "Chính quyền",
    ),
    UnitKind.PARTY_CELL: (
        "Chi bộ cơ sở",
        "Chi bộ thôn",
        "Chi bộ tổ dân phố",
        "Chi bộ trực thuộc",
    ),
    UnitKind.OTHER: (
        "Cơ quan khác",
        "Đơn vị khác",
    ),
}

ROLE_SPELLINGS: dict[str, tuple[str, ...]] = {
    Role.UNIT_STAFF: (
        "Cán bộ",
        "Cán bộ đơn vị",
        "Nhập liệu",
        "Văn thư",
        "staff",
    ),
    Role.UNIT_HEAD: (
        "Thủ trưởng",
        "Lãnh đạo đơn vị",
        "Người đứng đầu",
        "Giám đốc",
        "Bí thư",
        "Trưởng phòng",
        "Chủ tịch",
        "head",
    ),
    Role.COMMITTEE_REVIEWER: (
        "Chuyên viên",
        "Chuyên viên BDV",
        "Cán bộ Ban Dân vận",
        "reviewer",
    ),
    Role.COUNCIL_MEMBER: (
        "Hội đồng",
        "Thành viên Hội đồng bình xét",
        "Ủy viên hội đồng",
        "council",
    ),
    Role.COMMITTEE_LEADER: (
        "Lãnh đạo Ban",
        "Trưởng ban",
        "Phó Trưởng ban",
        "Trưởng Ban Dân vận",
        "Lãnh đạo BDV",
        "leader",
    ),
    Role.AUDITOR: (
        "Kiểm tra",
        "Thanh tra",
        "Kiểm tra viên",
        "Ủy ban Kiểm tra",
        "auditor",
    ),
}
