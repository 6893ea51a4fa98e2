"""Demo campaigns and a handful of initiatives at different steps, built through the door.

Appended to units.demo.DEMO_BUILDERS by WorkflowsConfig.ready(); idempotent like the rest.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from units.demo import COMMUNE_COMMITTEE_CODE, DEPARTMENT_CODE, PROVINCE_COMMITTEE_CODE
from units.models import Unit

from . import services
from .models import Campaign, Field, Initiative, State

User = get_user_model()

SAMPLES = [
    (
        State.DRAFT,
        dict(
            field=Field.KINH_TE,
            title="Ứng dụng chuyển đổi số tiêu thụ nông sản cho hộ đồng bào",
            address="Xã Mai Châu",
            problem="Nông sản khó tiêu thụ, bị ép giá",
            implementers="Sở Nông nghiệp và Môi trường phối hợp Hội Nông dân",
            expected_results="200 hộ bán hàng qua sàn thương mại điện tử",
        ),
    ),
    (
        State.UNIT_REVIEW,
        dict(
            field=Field.VAN_HOA_XA_HOI,
            title="Tổ tư vấn pháp luật lưu động cho người lao động",
            address="Các xã vùng cao",
            problem="Người lao động thiếu hiểu biết pháp luật",
            implementers="Phòng Kế hoạch - Tài chính",
            expected_results="30 buổi tư vấn mỗi năm",
        ),
    ),
    (
        State.SCREENING,
        dict(
            field=Field.XAY_DUNG_HE_THONG_CHINH_TRI,
            title="Một cửa thân thiện, không giấy tờ",
            address="Trụ sở Sở",
            problem="Thủ tục hành chính còn chậm",
            implementers="Bộ phận một cửa",
            expected_results="100% hồ sơ trả đúng hẹn",
        ),
    ),
    (
        State.IMPLEMENTING,
        dict(
            field=Field.QUOC_PHONG_AN_NINH,
            title="Camera an ninh do dân cùng làm",
            address="Xã Pà Cò",
            problem="Trộm cắp vặt tại thôn bản",
            implementers="Công an xã, Chi cục Thủy lợi",
            expected_results="Giảm 50% vụ trộm cắp",
        ),
    ),
]


def build_demo_campaigns() -> str:
    year = timezone.localdate().year
    made = []
    council = list(
        User.objects.filter(username__in=["hoidong1.bdv", "hoidong2.bdv", "hoidong3.bdv"])
    )
    for code, members in ((PROVINCE_COMMITTEE_CODE, council), (COMMUNE_COMMITTEE_CODE, [])):
        committee = Unit.objects.filter(code=code).first()
        if committee is None or Campaign.objects.filter(committee=committee, year=year).exists():
            continue
        services.create_campaign(
            actor=User.objects.filter(is_superuser=True).order_by("pk").first(),
            committee=committee,
            year=year,
            registration_deadline=datetime.date(year, 3, 31),
            allow_late_registration=True,
            quorum=2 if members else 1,
            council=members,
            **(_calendar(year) if code == PROVINCE_COMMITTEE_CODE else {}),
        )
        made.append(code)
    made_initiatives = _build_samples(year)
    return _("Đợt thi đua năm %(year)s: %(campaigns)s đợt mới, %(samples)s mô hình mẫu mới.") % {
        "year": year,
        "campaigns": len(made),
        "samples": made_initiatives,
    }


def _calendar(year: int) -> dict:
    """The province's calendar (DOMAIN.md "Levels"): honours announced on 15 October, communes
    nominating by the end of September; left open once that date has passed, so the demo can
    still nominate late in the year."""
    announcement = datetime.date(year, 10, 15)
    deadline = datetime.date(year, 9, 30)
    if timezone.localdate() > deadline:
        return {}
    return {"nomination_deadline": deadline, "announcement_date": announcement}


def _build_samples(year: int) -> int:
    unit = Unit.objects.filter(code=DEPARTMENT_CODE).first()
    if unit is None or Initiative.objects.filter(unit=unit, year=year).exists():
        return 0
    staff = User.objects.get(username="canbo.snn")
    head = User.objects.get(username="giamdoc.snn")
    reviewer = User.objects.get(username="chuyenvien.bdv")
    steps = {
        State.UNIT_REVIEW: lambda i: services.perform(i.pk, "submit", actor=staff),
        State.SCREENING: lambda i: services.perform(i.pk, "approve", actor=head),
        State.IMPLEMENTING: lambda i: services.perform(i.pk, "accept", actor=reviewer),
    }
    order = [State.UNIT_REVIEW, State.SCREENING, State.IMPLEMENTING]
    for target, fields in SAMPLES:
        initiative = services.create_initiative(unit=unit, actor=staff, year=year, **fields)
        for state in order:
            if initiative.state == target:
                break
            initiative = steps[state](initiative)
    return len(SAMPLES)
