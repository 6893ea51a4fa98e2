"""A unit registers a model or exemplar: the draft and its process."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Duplicate, InvalidData, NotAllowed
from core.request import NO_META, RequestMeta
from units.models import Membership, Role
from units.selectors import committee_of

from .. import audit, similar
from ..flows import InitiativeFlow
from ..models import EDITABLE_FIELDS, Attachment, Campaign, Initiative
from ..recording import attach, attname, full_clean, jsonable


def create_initiative(
    *,
    unit,
    actor,
    year: int | None = None,
    meta: RequestMeta = NO_META,
    check_similar: bool = False,
    **fields,
) -> Initiative:
    """A new draft of `unit` for `year`, made by the unit's staff or head, with its process.

    With `check_similar` (what a person registers through the page and the API, until they
    confirm after the warning), a title the unit already registered for the year, the same or
    nearly (workflows.similar), is refused with Duplicate. The form import checks its rows
    itself (reports.services); code that creates drafts in bulk (demo, benchmarks) does not."""
    year = year or timezone.localdate().year
    if not Membership.objects.filter(
        user=actor,
        is_active=True,
        role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD),
        unit__path__in=unit.ancestor_paths(),
    ).exists():
        raise NotAllowed(_("Chỉ cán bộ, thủ trưởng của đơn vị mới đăng ký mô hình cho đơn vị."))
    committee = committee_of(unit)
    if committee is None:
        raise InvalidData(_("Đơn vị chưa thuộc Ban Dân vận nào nên chưa thể đăng ký."))
    campaign = Campaign.objects.filter(committee=committee, year=year).first()
    if campaign is None:
        raise InvalidData(
            _("%(committee)s chưa mở đợt thi đua năm %(year)s.")
            % {"committee": committee, "year": year}
        )
    files = fields.pop("attachments", ())
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidData(
            field_errors={name: [_("Trường không được phép sửa.")] for name in unknown}
        )
    with transaction.atomic():
        # Every registration holds its unit's year, checked or not, so that a checked one
        # sees whatever another registration of the unit and year is inserting.
        similar.hold_titles([(unit.pk, year)])
        if check_similar:
            check_duplicates(fields.get("title", ""), unit=unit, year=year)
        initiative = Initiative(unit=unit, campaign=campaign, year=year, created_by=actor, **fields)
        full_clean(initiative, exclude=["state"], partial=True)
        initiative.save()
        for upload in files:
            attach(initiative, upload, Attachment.Purpose.EVIDENCE, actor)
        InitiativeFlow.start.run(initiative=initiative)
        audit.append(
            committee_id=campaign.committee_id,
            initiative_id=initiative.pk,
            actor_id=actor.pk,
            action="create",
            to_state=initiative.state,
            changes={
                name: [None, jsonable(getattr(initiative, attname(name)))]
                for name in fields
                if getattr(initiative, attname(name)) not in ("", None)
            },
            role=Role.UNIT_STAFF,
            unit_id=unit.pk,
            request_id=meta.request_id,
            ip=meta.ip,
        )
    return initiative


def check_duplicates(title: str, *, unit, year: int, exclude_pk: int | None = None) -> None:
    """Raise Duplicate when `unit` already has the same or a near title for `year`."""
    found = similar.duplicates(title, unit=unit, year=year, exclude_pk=exclude_pk)
    if not found:
        return
    message = _(
        "Đơn vị đã đăng ký năm %(year)d mô hình trùng hoặc gần trùng tên: %(models)s. Nếu đây "
        "là mô hình khác, hãy đặt tên phân biệt rõ hoặc xác nhận vẫn đăng ký."
    ) % {"year": year, "models": "; ".join(str(s) for s in found)}
    raise Duplicate(message, field_errors={"title": [message]}, similar=found)
