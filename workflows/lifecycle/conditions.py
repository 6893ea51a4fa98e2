"""FSM conditions: facts about the initiative alone (not the caller's input).

Each carries a Vietnamese `message` so the door can say which one failed.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _message(text):
    def wrap(func):
        func.message = text
        return func

    return wrap


# What "Gửi thủ trưởng duyệt" asks for; the registration page marks these with a star.
NEEDED_TO_SUBMIT = ("field", "title", "address", "problem", "implementers", "expected_results")


def missing_registration_fields(initiative) -> dict[str, str]:
    missing = {
        name: _("Trường này là bắt buộc trước khi gửi.")
        for name in NEEDED_TO_SUBMIT
        if not str(getattr(initiative, name) or "").strip()
    }
    if initiative.form == "individual" and not initiative.person_name.strip():
        missing["person_name"] = _("Mô hình cá nhân cần ghi rõ họ tên người thực hiện.")
    return missing


@_message(_("Bản đăng ký còn thiếu thông tin bắt buộc."))
def registration_complete(initiative) -> bool:
    return not missing_registration_fields(initiative)


@_message(_("Đã quá hạn đăng ký của đợt thi đua và Ban Dân vận không cho phép đăng ký muộn."))
def campaign_open(initiative) -> bool:
    campaign = initiative.campaign
    return (
        campaign.allow_late_registration or timezone.localdate() <= campaign.registration_deadline
    )


@_message(_("Cần có báo cáo kết quả cuối năm trước khi đề nghị công nhận."))
def result_report_present(initiative) -> bool:
    return bool(initiative.result_achieved.strip())


@_message(_("Chưa đủ số thành viên hội đồng chấm điểm theo quy định."))
def quorum_scored(initiative) -> bool:
    done = initiative.scorecards.filter(round=initiative.scoring_round).count()
    return done >= initiative.campaign.quorum


@_message(_("Đang có vụ việc kỷ luật, thanh tra hoặc khiếu nại: chưa thể khen thưởng."))
def no_open_case(initiative) -> bool:
    return not initiative.has_open_case


@_message(_("Thành tích này đã được khen thưởng; mỗi thành tích chỉ nhận một hình thức."))
def not_yet_commended(initiative) -> bool:
    from ..models import Commendation

    return not Commendation.objects.filter(initiative=initiative).exists()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@_message(_("Chưa hết thời hạn lấy ý kiến công khai trước khi khen thưởng."))
def public_comment_over(initiative) -> bool:
    days = initiative.campaign.public_comment_days
    if not days:
        return True
    if initiative.recognized_at is None:
        return False
    recognized_on = timezone.localtime(initiative.recognized_at).date()
    return timezone.localdate() > add_working_days(recognized_on, days)
