"""Writes, each taking the person acting: prepare a decision (or proposal) from the council's
results, give it its number from the committee's register, record the signed file, which
recognises (or commends) every model on it through the one door, in one transaction."""

from __future__ import annotations

import datetime
import os

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, InvalidData, NotAllowed, NotFound
from core.request import NO_META, RequestMeta
from documents.models import profile_of
from documents.services import register_document
from documents.signatures import Verdict, Verification, verify_pdf
from units.models import Role
from workflows import access as workflow_access
from workflows import audit
from workflows import services as workflow_services
from workflows.models import Attachment, Campaign, CommendationForm
from workflows.recording import parse_date, validate_upload

from . import access, selectors
from .documents import MOVEMENT, document_kind
from .models import Award, AwardItem, AwardKind, AwardStatus


def _require_leader(actor, campaign: Campaign) -> None:
    if not access.sees_campaign(actor, campaign):
        raise NotFound(_("Không tìm thấy đợt thi đua."))
    if not access.leads_campaign(actor, campaign):
        raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới lập và ghi nhận quyết định, tờ trình."))


def _principal(actor, committee_id: int):
    """The leader a substitute acts for on this committee's documents, or None when the
    actor leads it themself (or is a superuser acting as such)."""
    if actor.is_superuser or workflow_access.holds_committee_role(
        actor, committee_id, [Role.COMMITTEE_LEADER], delegated=False
    ):
        return None
    return next(
        (
            p
            for p in workflow_access.delegators_of(actor)
            if workflow_access.holds_committee_role(
                p, committee_id, [Role.COMMITTEE_LEADER], delegated=False
            )
        ),
        None,
    )


def _audit(award: Award, action: str, actor, changes: dict, meta: RequestMeta) -> None:
    principal = _principal(actor, award.campaign.committee_id)
    audit.append(
        committee_id=award.campaign.committee_id,
        initiative_id=None,
        subject_type="award",
        subject_id=award.pk,
        actor_id=actor.pk,
        on_behalf_of_id=principal.pk if principal else None,
        action=action,
        changes=changes,
        role=Role.COMMITTEE_LEADER,
        unit_id=award.campaign.committee_id,
        request_id=meta.request_id,
        ip=meta.ip,
    )


@transaction.atomic
def create_award(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    picks: list[tuple[int, str]],
    signer_capacity: str = "",
    signer_title: str = "",
    signer_name: str = "",
    commendation_form: str = "",
    authority: str = "",
    meta: RequestMeta = NO_META,
) -> Award:
    """A draft decision (or proposal) listing the picked models, each with the reason for
    recognising it under the pass mark where that applies."""
    _require_leader(actor, campaign)
    if kind not in AwardKind.values:
        raise InvalidData(field_errors={"kind": [_("Loại văn bản không hợp lệ.")]})
    errors: dict[str, list[str]] = {}
    available = {i.pk: i for i in selectors.candidates(campaign, kind)}
    picks = [(int(pk), (reason or "").strip()) for pk, reason in picks]
    if not picks:
        errors["items"] = [_("Chọn ít nhất một mô hình.")]
    seen: set[int] = set()
    for pk, reason in picks:
        initiative = available.get(pk)
        if initiative is None or pk in seen:
            errors.setdefault("items", []).append(
                _(
                    "Mô hình #%(id)s không thể đưa vào văn bản này (không ở bước phù hợp, "
                    "đã có trong văn bản khác, hoặc chọn hai lần)."
                )
                % {"id": pk}
            )
            continue
        seen.add(pk)
        if (
            kind == AwardKind.RECOGNITION
            and not selectors.preselected(campaign, kind, initiative)
            and not reason
        ):
            errors[f"reason_{pk}"] = [
                _("“%(title)s” dưới điểm đạt: cần nêu lý do nếu vẫn công nhận.")
                % {"title": initiative.title}
            ]
    if kind == AwardKind.COMMENDATION:
        if commendation_form not in CommendationForm.values:
            errors["commendation_form"] = [_("Chọn hình thức khen thưởng đề nghị.")]
        if not (authority or "").strip():
            errors["authority"] = [_("Cần nhập cơ quan có thẩm quyền khen thưởng.")]
    if errors:
        raise InvalidData(field_errors=errors)
    profile = profile_of(campaign.committee)
    award = Award.objects.create(
        campaign=campaign,
        kind=kind,
        signer_capacity=(signer_capacity or (profile.signer_capacity if profile else "")).strip(),
        signer_title=(signer_title or (profile.signer_title if profile else "")).strip(),
        signer_name=(signer_name or (profile.signer_name if profile else "")).strip(),
        commendation_form=commendation_form if kind == AwardKind.COMMENDATION else "",
        authority=(authority or "").strip() if kind == AwardKind.COMMENDATION else "",
        created_by=actor,
    )
    AwardItem.objects.bulk_create(
        AwardItem(
            award=award,
            initiative_id=pk,
            position=position,
            override_reason=reason if kind == AwardKind.RECOGNITION else "",
        )
        for position, (pk, reason) in enumerate(picks, start=1)
    )
    _audit(
        award,
        "prepare_award",
        actor,
        {"kind": [None, kind], "initiatives": [None, [pk for pk, _r in picks]]},
        meta,
    )
    return award


def _locked(award_id: int) -> Award:
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("campaign__committee", "registered")
        .filter(pk=award_id)
        .first()
    )
    if award is None:
        raise NotFound(_("Không tìm thấy văn bản."))
    return award


def subject_line(award: Award) -> str:
    year = award.campaign.year
    if award.kind == AwardKind.RECOGNITION:
        return f"Quyết định công nhận mô hình, điển hình {MOVEMENT} năm {year}"
    return f"Tờ trình đề nghị khen thưởng mô hình, điển hình {MOVEMENT} năm {year}"


@transaction.atomic
def issue_award(
    award_id: int,
    *,
    actor,
    issued_on: datetime.date | None = None,
    meta: RequestMeta = NO_META,
) -> Award:
    """Give the draft its number and date from the committee's register; the document is then
    printed (or signed digitally) as it stands."""
    award = _locked(award_id)
    _require_leader(actor, award.campaign)
    if award.status != AwardStatus.DRAFT:
        raise Conflict(_("Văn bản này đã được cấp số."))
    award.registered = register_document(
        actor=actor,
        issuer=award.campaign.committee,
        kind=document_kind(award),
        title=subject_line(award),
        issued_on=issued_on or timezone.localdate(),
    )
    award.status = AwardStatus.ISSUED
    award.save(update_fields=["registered", "status"])
    _audit(
        award,
        "issue_award",
        actor,
        {
            "number": [None, award.registered.symbol],
            "issued_on": [None, award.registered.issued_on.isoformat()],
        },
        meta,
    )
    return award


def check_signed_file(upload) -> tuple[bytes, Verification]:
    """The upload's bytes and what its signatures say; refuses what is not a PDF."""
    errors = {}
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        errors["signed_file"] = [_("Tệp đã ký phải là PDF.")]
    else:
        try:
            validate_upload(upload)
        except InvalidData as exc:
            errors["signed_file"] = [str(exc.message)]
    if errors:
        raise InvalidData(field_errors=errors)
    upload.seek(0)
    data = upload.read()
    return data, verify_pdf(data)


def _named(exc: DomainError, title: str) -> DomainError:
    """The door's refusal for one model, saying which model (same kind, same status)."""
    renamed = type(exc)(
        _("“%(title)s”: %(message)s") % {"title": title, "message": exc.message},
        field_errors=exc.field_errors,
    )
    return renamed


@transaction.atomic
def record_award(
    award_id: int,
    *,
    actor,
    upload,
    accept_unverified: bool = False,
    authority_decision_number: str = "",
    authority_decision_date=None,
    meta: RequestMeta = NO_META,
) -> Award:
    """Record the signed file. Its signatures are checked first: an altered file is refused;
    a file without a trusted signature only when the person confirms it (a scan of the signed
    paper). Then, in this one transaction, every model on the list goes through the door:
    recognised with the register's number and date (or commended with the authority's
    decision); any refusal for any model leaves everything as it was."""
    award = _locked(award_id)
    _require_leader(actor, award.campaign)
    if award.status != AwardStatus.ISSUED:
        raise Conflict(
            _("Văn bản chưa được cấp số.")
            if award.status == AwardStatus.DRAFT
            else _("Văn bản này đã được ghi nhận.")
        )
    errors: dict[str, list[str]] = {}
    decision_date = None
    if award.kind == AwardKind.COMMENDATION:
        if not (authority_decision_number or "").strip():
            errors["authority_decision_number"] = [_("Cần nhập số quyết định khen thưởng.")]
        decision_date = parse_date(authority_decision_date)
        if decision_date is None:
            errors["authority_decision_date"] = [_("Cần nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
    if upload is None:
        errors["signed_file"] = [_("Cần tải lên tệp PDF đã ký.")]
    if errors:
        raise InvalidData(field_errors=errors)
    data, verification = check_signed_file(upload)
    if verification.refused:
        raise InvalidData(
            _("Tệp bị từ chối: %(why)s.") % {"why": verification.summary()},
            field_errors={"signed_file": [verification.summary()]},
        )
    if verification.verdict != Verdict.VALID and not accept_unverified:
        raise InvalidData(
            _(
                "%(why)s. Nếu đây là bản quét văn bản giấy đã ký, đóng dấu, hãy xác nhận để ghi "
                "nhận."
            )
            % {"why": verification.summary()},
            field_errors={"accept_unverified": [verification.summary()]},
        )

    original = os.path.basename(upload.name)[:255]
    award.signed_file.save(original, ContentFile(data), save=False)
    award.signed_name = original
    award.signature_verdict = verification.verdict
    award.signature_details = verification.as_data()
    reg = award.registered
    # What is stored (the summary, the timeline's comment) is the committee's record: in
    # Vietnamese, whatever language the person's screen is in.
    with translation.override("vi"):
        award.signature_summary = verification.summary()[:500]
        comment = _("%(kind)s số %(number)s ngày %(date)s — %(signature)s") % {
            "kind": "Quyết định" if award.kind == AwardKind.RECOGNITION else "Tờ trình",
            "number": reg.symbol,
            "date": reg.issued_on.strftime("%d/%m/%Y"),
            "signature": award.signature_summary,
        }
    signer = award.signer_name or verification.signer or actor.get_full_name() or str(actor)
    for item in selectors.award_items(award):
        initiative = item.initiative
        try:
            if award.kind == AwardKind.RECOGNITION:
                workflow_services.perform(
                    initiative.pk,
                    "recognize",
                    actor=actor,
                    comment=comment,
                    meta=meta,
                    decision_number=reg.symbol,
                    decision_date=reg.issued_on,
                    decision_signer=signer[:150],
                    override_reason=item.override_reason,
                )
                Attachment.objects.create(
                    initiative=initiative,
                    purpose=Attachment.Purpose.DECISION,
                    file=award.signed_file.name,  # one stored file for the whole list
                    original_name=original,
                    size=len(data),
                    uploaded_by=actor,
                )
            else:
                workflow_services.perform(
                    initiative.pk,
                    "commend",
                    actor=actor,
                    comment=comment,
                    meta=meta,
                    form=award.commendation_form,
                    authority=award.authority,
                    decision_number=authority_decision_number.strip(),
                    decision_date=decision_date,
                    proposal_number=reg.symbol,
                    signed_file=ContentFile(data, name=original),
                )
        except DomainError as exc:
            raise _named(exc, initiative.title) from exc
    award.status = AwardStatus.RECORDED
    award.recorded_by = actor
    award.recorded_at = timezone.now()
    if award.kind == AwardKind.COMMENDATION:
        award.authority_decision_number = authority_decision_number.strip()
        award.authority_decision_date = decision_date
    award.save()
    _audit(
        award,
        "record_award",
        actor,
        {
            "signed_file": [None, original],
            "signature": [None, award.signature_summary],
            "initiatives": [None, [i.initiative_id for i in award.items.all()]],
        },
        meta,
    )
    return award
