"""A committee's campaign: opened and changed only by the committee's leader, each change in
the audit trail; the criteria are fixed once the council has scored against them. The pages,
the API and the admin all come here."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import InvalidData, NotAllowed, NotFound
from core.request import NO_META, RequestMeta
from units.models import Role

from .. import access, audit
from ..models import DEFAULT_CRITERIA, Campaign, Criterion, Scorecard, default_deadline
from ..recording import full_clean, jsonable

# What the leader may change after opening (the year and the committee stay).
CAMPAIGN_FIELDS = (
    "title",
    "registration_deadline",
    "allow_late_registration",
    "pass_mark",
    "quorum",
    "quota_per_unit",
    "public_comment_days",
    "review_days",
    "screening_days",
    "scoring_days",
    "deciding_days",
    "commending_days",
    "nomination_quota",
    "nomination_deadline",
    "announcement_date",
)


def _require_leader(actor, committee_id: int) -> None:
    if actor.is_superuser:
        return
    if not access.led_committees(actor).filter(pk=committee_id).exists():
        raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới thiết lập đợt thi đua."))


def criteria_locked(campaign: Campaign) -> bool:
    """Whether anyone has scored against the campaign's criteria (they are fixed from then)."""
    return Scorecard.objects.filter(initiative__campaign=campaign).exists()


def _criteria_rows(campaign) -> list:
    return [[c.name, str(c.max_points)] for c in campaign.criteria.all()]


def _set_criteria(campaign: Campaign, criteria) -> None:
    campaign.criteria.all().delete()
    # Criteria are the committee's data, read by every council member: the defaults are stored
    # in Vietnamese whatever language the leader's interface is in.
    with translation.override("vi"):
        rows = [
            Criterion(campaign=campaign, position=i, name=str(name), max_points=Decimal(points))
            for i, (name, points) in enumerate(criteria or DEFAULT_CRITERIA, start=1)
        ]
    Criterion.objects.bulk_create(rows)


def _audit(campaign, action, actor, changes, meta) -> None:
    audit.append(
        committee_id=campaign.committee_id,
        initiative_id=None,
        subject_type="campaign",
        subject_id=campaign.pk,
        actor_id=actor.pk,
        action=action,
        changes=changes,
        role=Role.COMMITTEE_LEADER,
        unit_id=campaign.committee_id,
        request_id=meta.request_id,
        ip=meta.ip,
    )


@transaction.atomic
def create_campaign(
    *, actor, committee, year: int, meta: RequestMeta = NO_META, **fields
) -> Campaign:
    """A committee's campaign for a year, with the default criteria when none are given."""
    if not committee.is_committee:
        raise InvalidData(_("Chỉ Ban Dân vận mới tổ chức đợt thi đua."))
    _require_leader(actor, committee.pk)
    criteria = fields.pop("criteria", None) or DEFAULT_CRITERIA
    council = list(fields.pop("council", ()))
    fields.setdefault("registration_deadline", default_deadline(year))
    with translation.override("vi"):
        fields.setdefault(
            "title", _("Phong trào thi đua “Dân vận khéo” năm %(year)s") % {"year": year}
        )
    campaign = Campaign(committee=committee, year=year, **fields)
    full_clean(campaign)
    campaign.save()
    _set_criteria(campaign, criteria)
    campaign.council.set(council)
    changes = {name: [None, jsonable(getattr(campaign, name))] for name in ("year", *fields)}
    changes["criteria"] = [None, _criteria_rows(campaign)]
    changes["council"] = [None, sorted(p.pk for p in council)]
    _audit(campaign, "create_campaign", actor, changes, meta)
    return campaign


@transaction.atomic
def update_campaign(
    campaign_id: int,
    *,
    actor,
    criteria=None,
    council=None,
    meta: RequestMeta = NO_META,
    **fields,
) -> Campaign:
    """A committee leader changes their campaign: deadline, pass mark, quorum, quota, council;
    the criteria only while nobody has scored against them."""
    campaign = access.campaigns_led(actor).select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Không tìm thấy đợt thi đua."))
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise InvalidData(field_errors={k: [_("Trường không được phép sửa.")] for k in unknown})
    changes = {}
    for name, value in fields.items():
        before = jsonable(getattr(campaign, name))
        setattr(campaign, name, value)
        if jsonable(value) != before:
            changes[name] = [before, jsonable(value)]
    full_clean(campaign)
    campaign.save()
    if council is not None:
        before = sorted(campaign.council.values_list("pk", flat=True))
        campaign.council.set(council)
        after = sorted(getattr(p, "pk", p) for p in council)
        if before != after:
            changes["council"] = [before, after]
    if criteria is not None:
        if criteria_locked(campaign):
            raise InvalidData(
                _("Hội đồng đã chấm điểm theo bộ tiêu chí này nên không sửa được tiêu chí."),
                field_errors={"criteria": [_("Đã có phiếu chấm: không sửa được tiêu chí.")]},
            )
        before = _criteria_rows(campaign)
        _set_criteria(campaign, criteria)
        after = _criteria_rows(campaign)
        if before != after:
            changes["criteria"] = [before, after]
    if changes:
        _audit(campaign, "update_campaign", actor, changes, meta)
    return campaign
