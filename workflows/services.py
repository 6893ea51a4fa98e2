"""Writes. `perform` is the one door every lifecycle action goes through (ARCHITECTURE.md)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from viewflow.workflow.status import PROCESS, STATUS

from notifications.services import Message, enqueue
from units.models import Membership, Role
from units.selectors import committee_of

from . import audit, notify
from .conditions import missing_registration_fields
from .exceptions import (
    ConditionFailed,
    Conflict,
    InvalidData,
    NotAllowed,
    NotFound,
    ReasonRequired,
    UnknownAction,
    WrongState,
)
from .flows import InitiativeFlow, eligible_holders
from .models import (
    DEFAULT_CRITERIA,
    Attachment,
    Campaign,
    Commendation,
    CommendationForm,
    Criterion,
    Delegation,
    Initiative,
    InitiativeTask,
    ProgressReport,
    Score,
    Scorecard,
    default_deadline,
)
from .policy import ACTIONS, acting_role
from .selectors import can_view

User = get_user_model()

# The FSM method for each action (`return` is a Python keyword).
METHODS = {"return": "return_to_unit"}
ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# What a unit may fill in on its registration (seed 002's form and the fuller online forms).
EDITABLE_FIELDS = (
    "field",
    "title",
    "form",
    "person_name",
    "person_position",
    "address",
    "problem",
    "implementers",
    "expected_results",
    "kind",
    "replicates",
    "topic",
    "start_date",
    "situation",
    "objectives",
    "method",
    "beneficiaries",
    "lead_forces",
    "cooperating_forces",
    "resources_timeline",
    "outputs",
    "sustainability",
)
RESULT_FIELDS = (
    "result_achieved",
    "result_people_reached",
    "result_funds_mobilised",
    "result_lessons",
)


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


NO_META = RequestMeta()


# ---------------------------------------------------------------------------------------------
# Campaigns


@transaction.atomic
def create_campaign(*, committee, year: int, **fields) -> Campaign:
    """A committee's campaign for a year, with the default criteria when none are given."""
    if not committee.is_committee:
        raise InvalidData(_("Chỉ Ban Dân vận mới tổ chức đợt thi đua."))
    criteria = fields.pop("criteria", None) or DEFAULT_CRITERIA
    council = fields.pop("council", ())
    fields.setdefault("registration_deadline", default_deadline(year))
    fields.setdefault("title", _("Phong trào thi đua “Dân vận khéo” năm %(year)s") % {"year": year})
    campaign = Campaign(committee=committee, year=year, **fields)
    _full_clean(campaign)
    campaign.save()
    Criterion.objects.bulk_create(
        Criterion(campaign=campaign, position=i, name=str(name), max_points=Decimal(points))
        for i, (name, points) in enumerate(criteria, start=1)
    )
    campaign.council.set(council)
    return campaign


# ---------------------------------------------------------------------------------------------
# Registration


def create_initiative(
    *, unit, actor, year: int | None = None, meta: RequestMeta = NO_META, **fields
) -> Initiative:
    """A new draft of `unit` for `year`, made by the unit's staff or head, with its process."""
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
        initiative = Initiative(unit=unit, campaign=campaign, year=year, created_by=actor, **fields)
        _full_clean(initiative, exclude=["state"], partial=True)
        initiative.save()
        for upload in files:
            _attach(initiative, upload, Attachment.Purpose.EVIDENCE, actor)
        InitiativeFlow.start.run(initiative=initiative)
        audit.append(
            initiative_id=initiative.pk,
            actor_id=actor.pk,
            action="create",
            to_state=initiative.state,
            changes={
                name: [None, _jsonable(getattr(initiative, _attname(name)))]
                for name in fields
                if getattr(initiative, _attname(name)) not in ("", None)
            },
            role=Role.UNIT_STAFF,
            unit_id=unit.pk,
            request_id=meta.request_id,
            ip=meta.ip,
        )
    return initiative


# ---------------------------------------------------------------------------------------------
# The one door


def perform(
    initiative_id: int,
    action: str,
    *,
    actor,
    comment: str = "",
    meta: RequestMeta = NO_META,
    **data,
) -> Initiative:
    """Lock, check, complete the task, transition, audit, notify — or raise a WorkflowError.

    Everything happens in one transaction; a person who loses the race for the initiative's
    row lock gets Conflict at once instead of waiting (NOWAIT).
    """
    if action not in ACTIONS:
        raise UnknownAction()
    try:
        with transaction.atomic():
            return _perform(
                initiative_id,
                action,
                actor=actor,
                comment=(comment or "").strip(),
                meta=meta,
                data=data,
            )
    except DatabaseError as exc:
        if isinstance(exc, IntegrityError) or _is_lock_conflict(exc):
            raise Conflict() from exc
        raise


def _is_lock_conflict(exc: DatabaseError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    # 55P03 lock_not_available (NOWAIT), 40001 serialization failure, 40P01 deadlock.
    return sqlstate in {"55P03", "40001", "40P01"} or "database is locked" in str(exc)


def _perform(initiative_id, action, *, actor, comment, meta, data) -> Initiative:
    spec = ACTIONS[action]
    initiative = _lock(initiative_id)
    principal, membership = _principal_for(initiative, actor, action)
    method = getattr(initiative, METHODS.get(action, action))
    if not can_proceed(method, check_conditions=False):
        raise WrongState(
            _("Không thể “%(action)s” khi mô hình đang ở trạng thái “%(state)s”.")
            % {"action": spec.label, "state": initiative.get_state_display()}
        )
    if spec.needs_reason and not comment:
        raise ReasonRequired(
            _("Cần nêu lý do khi “%(action)s”.") % {"action": spec.label},
            field_errors={"comment": [_("Cần nêu lý do.")]},
        )

    active = list(
        InitiativeTask.objects.filter(initiative=initiative, status__in=ACTIVE).select_related(
            "owner"
        )
    )
    task = _open_task(initiative, action, principal, active)
    before = _snapshot(initiative)
    from_state = initiative.state
    active_before = {t.pk for t in active}
    open_holders = _open_task_holders(initiative) if action == "withdraw" else []

    kwargs = _prepare(
        action, initiative, principal=principal, actor=actor, comment=comment, data=data
    )
    _check_conditions(method, initiative)
    method(**kwargs)
    after = _snapshot(initiative)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    changed_fields = [k for k in changes if k != "state"]
    initiative.save(update_fields=[*changed_fields, "state", "updated"])
    _after(action, initiative, principal=principal, actor=actor, data=data, changes=changes)

    if task is not None:
        _complete(
            task, action, initiative=initiative, principal=principal, actor=actor, comment=comment
        )
    elif action == "withdraw":
        _cancel_process(initiative)

    new_tasks = list(
        InitiativeTask.objects.filter(initiative=initiative, status__in=ACTIVE)
        .exclude(pk__in=active_before)
        .exclude(role="")
        .select_related("scope_unit")
    )
    _notify(
        action,
        initiative,
        actor=actor,
        comment=comment,
        new_tasks=new_tasks,
        open_holders=open_holders,
    )
    # Last: the chain head's row lock serialises every transition in the service, so it is
    # taken just before COMMIT and held as briefly as possible (ARCHITECTURE.md).
    audit.append(
        initiative_id=initiative.pk,
        actor_id=actor.pk,
        action=action,
        from_state=from_state,
        to_state=initiative.state,
        comment=comment,
        changes=changes,
        role=membership.role,
        unit_id=membership.unit_id,
        on_behalf_of_id=principal.pk if principal.pk != actor.pk else None,
        request_id=meta.request_id,
        ip=meta.ip,
    )
    return initiative


def _lock(initiative_id: int) -> Initiative:
    try:
        return (
            Initiative.objects.select_for_update(nowait=True, of=("self",))
            .select_related("campaign", "unit", "process")
            .get(pk=initiative_id)
        )
    except Initiative.DoesNotExist:
        raise NotFound() from None


def delegators_of(user, *, on: datetime.date | None = None) -> list:
    """People who have named `user` their substitute for today (or `on`)."""
    day = on or timezone.localdate()
    return list(
        User.objects.filter(
            delegations_given__substitute=user,
            delegations_given__starts_on__lte=day,
            delegations_given__ends_on__gte=day,
            is_active=True,
        ).distinct()
    )


def _principal_for(initiative, actor, action):
    """Who the actor acts as: themself, or someone on leave who named them substitute."""
    # The actor first: delegations are looked up only when they cannot act themself.
    membership = acting_role(initiative, actor, action)
    if membership is not None:
        return actor, membership
    for principal in delegators_of(actor):
        membership = acting_role(initiative, principal, action)
        if membership is not None:
            return principal, membership
    if not can_view(actor, initiative):
        raise NotFound()
    spec = ACTIONS[action]
    if spec.not_by_submitter and initiative.submitted_by_id == actor.pk:
        raise NotAllowed(_("Người đã gửi đăng ký không được tự duyệt, thẩm định hay chấm điểm."))
    if spec.not_by_scorer and initiative.scorecards.filter(member=actor).exists():
        raise NotAllowed(_("Thành viên đã chấm điểm không được tự quyết định công nhận."))
    raise NotAllowed()


def _open_task(initiative, action, principal, active) -> InitiativeTask | None:
    """The task this action completes, among the initiative's active tasks (already loaded)."""
    step = InitiativeFlow.step_for_action(action, initiative.state)
    if step is None:
        return None
    tasks = sorted((t for t in active if t.flow_task == step), key=lambda t: t.pk)
    if action == "score":
        tasks = [t for t in tasks if t.owner_id == principal.pk]
    task = tasks[0] if tasks else None
    if task is None:
        if action == "score":
            if Scorecard.objects.filter(
                initiative=initiative, round=initiative.scoring_round, member=principal
            ).exists():
                raise Conflict(_("Bạn đã chấm điểm mô hình này trong vòng chấm hiện tại."))
            raise NotAllowed(_("Bạn không có nhiệm vụ chấm điểm mô hình này."))
        raise Conflict()
    if task.owner_id not in (None, principal.pk):
        raise Conflict(_("Nhiệm vụ đang do %(owner)s xử lý.") % {"owner": task.owner})
    return task


def _check_conditions(method, initiative) -> None:
    transition = method._django_fsm.get_transition(initiative.state)
    for condition in transition.conditions:
        if not condition(initiative):
            field_errors = {}
            if condition.__name__ == "registration_complete":
                field_errors = {
                    k: [str(v)] for k, v in missing_registration_fields(initiative).items()
                }
            raise ConditionFailed(condition.message, field_errors=field_errors)


def _prepare(action, initiative, *, principal, actor, comment, data) -> dict:
    """Validate the action's own data and stage what the transition needs."""
    if action == "edit":
        _apply_fields(initiative, data.get("fields") or {}, EDITABLE_FIELDS)
        return {}
    if action == "submit":
        return {"by": principal}
    if action == "report_progress":
        text = (data.get("text") or "").strip()
        if not text and not data.get("attachments"):
            raise InvalidData(
                _("Cần nhập nội dung hoặc đính kèm tệp báo cáo tiến độ."),
                field_errors={"text": [_("Cần nhập nội dung báo cáo.")]},
            )
        return {}
    if action == "nominate":
        _apply_fields(initiative, data.get("result") or {}, RESULT_FIELDS)
        return {}
    if action == "score":
        return {}
    if action == "close_scoring":
        totals = list(
            initiative.scorecards.filter(round=initiative.scoring_round).values_list(
                "total", flat=True
            )
        )
        mean = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
        return {"total": mean}
    if action == "recognize":
        return _recognition(initiative, data)
    if action == "commend":
        _validate_commendation(data)
        return {}
    return {}


def _recognition(initiative, data) -> dict:
    errors = {}
    number = (data.get("decision_number") or "").strip()
    signer = (data.get("decision_signer") or "").strip()
    date = _date(data.get("decision_date"))
    override = (data.get("override_reason") or "").strip()
    if not number:
        errors["decision_number"] = [_("Cần nhập số quyết định công nhận.")]
    if date is None:
        errors["decision_date"] = [_("Cần nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
    if not signer:
        errors["decision_signer"] = [_("Cần nhập người ký quyết định.")]
    total = initiative.total_score
    if (total is None or total < initiative.campaign.pass_mark) and not override:
        errors["override_reason"] = [
            _("Điểm bình quân %(total)s dưới điểm đạt %(pass)s: cần nêu lý do nếu vẫn công nhận.")
            % {"total": total if total is not None else "—", "pass": initiative.campaign.pass_mark}
        ]
    if errors:
        raise InvalidData(field_errors=errors)
    return {
        "number": number,
        "date": date,
        "signer": signer,
        "override_reason": override,
        "at": timezone.now(),
    }


def _validate_commendation(data) -> None:
    errors = {}
    if data.get("form") not in CommendationForm.values:
        errors["form"] = [_("Chọn hình thức khen thưởng.")]
    if not (data.get("authority") or "").strip():
        errors["authority"] = [_("Cần nhập cơ quan, người quyết định khen thưởng.")]
    if not (data.get("decision_number") or "").strip():
        errors["decision_number"] = [_("Cần nhập số quyết định khen thưởng.")]
    if _date(data.get("decision_date")) is None:
        errors["decision_date"] = [_("Cần nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
    if not data.get("signed_file"):
        errors["signed_file"] = [_("Cần đính kèm tệp quyết định đã ký.")]
    else:
        try:
            validate_upload(data["signed_file"])
        except InvalidData as exc:
            errors["signed_file"] = [str(exc.message)]
    if errors:
        raise InvalidData(field_errors=errors)


def _after(action, initiative, *, principal, actor, data, changes) -> None:
    """What an action writes besides the initiative's own row."""
    for upload in data.get("attachments") or ():
        purpose = {
            "report_progress": Attachment.Purpose.PROGRESS,
            "nominate": Attachment.Purpose.RESULT,
        }.get(action, Attachment.Purpose.EVIDENCE)
        attachment = _attach(initiative, upload, purpose, actor)
        changes.setdefault("attachments", [None, []])[1].append(attachment.original_name)
    if action == "report_progress" and (data.get("text") or "").strip():
        ProgressReport.objects.create(
            initiative=initiative, text=data["text"].strip(), author=actor
        )
        changes["progress_report"] = [None, data["text"].strip()]
    elif action == "score":
        _record_scores(initiative, principal, data, changes)
    elif action == "commend":
        signed = _attach(initiative, data["signed_file"], Attachment.Purpose.COMMENDATION, actor)
        commendation = Commendation.objects.create(
            initiative=initiative,
            form=data["form"],
            authority=data["authority"].strip(),
            decision_number=data["decision_number"].strip(),
            decision_date=_date(data["decision_date"]),
            signed_file=signed,
            proposal_number=(data.get("proposal_number") or "").strip(),
            recorded_by=actor,
        )
        changes["commendation"] = [
            None,
            {
                "form": commendation.form,
                "authority": commendation.authority,
                "decision_number": commendation.decision_number,
                "decision_date": commendation.decision_date.isoformat(),
                "file": signed.original_name,
            },
        ]


def _record_scores(initiative, member, data, changes) -> None:
    criteria = list(initiative.campaign.criteria.all())
    given = {str(k): v for k, v in (data.get("points") or {}).items()}
    errors = {}
    values = {}
    for criterion in criteria:
        raw = given.get(str(criterion.pk))
        try:
            value = Decimal(str(raw).replace(",", ".")) if raw not in (None, "") else None
        except InvalidOperation:
            value = None
        if value is None:
            errors[f"criterion_{criterion.pk}"] = [_("Cần chấm điểm tiêu chí này.")]
        elif not (0 <= value <= criterion.max_points) or not value.is_finite():
            errors[f"criterion_{criterion.pk}"] = [
                _("Điểm phải từ 0 đến %(max)s.") % {"max": criterion.max_points}
            ]
        else:
            values[criterion] = value.quantize(Decimal("0.01"))
    extra = set(given) - {str(c.pk) for c in criteria}
    if extra:
        errors["points"] = [_("Có tiêu chí không thuộc đợt thi đua này.")]
    if errors:
        raise InvalidData(_("Phiếu chấm chưa hợp lệ."), field_errors=errors)
    total = sum(values.values(), Decimal(0))
    card = Scorecard.objects.create(
        initiative=initiative,
        round=initiative.scoring_round,
        member=member,
        total=total,
        comment=(data.get("score_comment") or "").strip(),
    )
    Score.objects.bulk_create(
        Score(scorecard=card, criterion=c, points=v) for c, v in values.items()
    )
    changes["scorecard"] = [
        None,
        {
            "member": member.pk,
            "round": card.round,
            "total": str(total),
            "points": {str(c.pk): str(v) for c, v in values.items()},
        },
    ]


def _complete(task, action, *, initiative, principal, actor, comment) -> None:
    """Finish the viewflow task.

    The initiative's row lock, held since `_lock`, already serialises everything done to its
    process (every writer comes through this door or `_lock_task`), so viewflow's own process
    lock would only add a savepoint and two queries. The process and initiative already loaded
    are handed to the activation so the next step does not read them again.
    """
    process = initiative.process
    process.initiative = initiative
    task.process = process
    task.initiative = initiative
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(principal)
        task.assigned = timezone.now()
    activation.start(None)
    task.action = action
    task.finished_by = actor
    task.on_behalf_of = principal if principal.pk != actor.pk else None
    task.comment = comment
    activation.execute()


def _cancel_process(initiative) -> None:
    process = initiative.process
    with InitiativeFlow.lock(process.pk):
        for task in process.task_set.filter(
            status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
        ):
            activation = task.flow_task.activation_class(task)
            activation.cancel()
        process.status = PROCESS.CANCELED
        process.finished = timezone.now()
        process.save(update_fields=["status", "finished"])


def _open_task_holders(initiative) -> list[int]:
    return list(
        InitiativeTask.objects.filter(
            initiative=initiative, status__in=ACTIVE, owner__isnull=False
        ).values_list("owner_id", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Who is told


def _notify(action, initiative, *, actor, comment, new_tasks, open_holders) -> None:
    audiences = notify.WHO_IS_TOLD.get(action, ())
    if not audiences:
        return
    messages: list[Message] = []
    for audience in audiences:
        if audience == notify.NEW_TASK_HOLDERS:
            for task in new_tasks:
                if not notify.announced(task):
                    continue
                if task.owner_id:
                    messages.append(Message(task.owner_id, "task", task.pk))
                else:
                    # The people the flow offered the task to (looked up once, in flows).
                    for pk in eligible_holders(initiative.process, task.role):
                        messages.append(Message(pk, "task", task.pk))
        elif audience == notify.UNIT:
            for pk in Membership.objects.filter(
                unit_id=initiative.unit_id,
                is_active=True,
                role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD),
            ).values_list("user_id", flat=True):
                messages.append(Message(pk, "unit"))
        elif audience == notify.SUBMITTER and initiative.submitted_by_id:
            messages.append(Message(initiative.submitted_by_id, "submitter"))
        elif audience == notify.PRIOR_ACTORS:
            for pk in (
                initiative.audit_entries.exclude(actor=None)
                .values_list("actor_id", flat=True)
                .distinct()
            ):
                messages.append(Message(pk, "prior_actor"))
        elif audience == notify.COUNCIL:
            for pk in initiative.campaign.council.values_list("pk", flat=True):
                messages.append(Message(pk, "council"))
        elif audience == notify.OPEN_TASK_HOLDERS:
            messages.extend(Message(pk, "task_cancelled") for pk in open_holders)
        else:
            messages.extend(notify.resolve(audience, initiative))
    enqueue(
        event=action,
        subject_id=initiative.pk,
        messages=[m for m in messages if m.recipient_id != actor.pk],
        payload={
            "title": initiative.title,
            "state": initiative.state,
            "actor": str(actor),
            "comment": comment,
            "unit_id": initiative.unit_id,
            "committee_id": initiative.campaign.committee_id,  # whose webhooks hear it
        },
    )


# ---------------------------------------------------------------------------------------------
# Tasks: claim, release, reassign


def _lock_task(task_id: int) -> InitiativeTask:
    try:
        task = InitiativeTask.objects.select_related(
            "initiative__campaign", "initiative__unit"
        ).get(pk=task_id)
    except InitiativeTask.DoesNotExist:
        raise NotFound(_("Không tìm thấy nhiệm vụ.")) from None
    _lock(task.initiative_id)
    task.refresh_from_db(fields=["status", "owner"])
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or not task.role:
        raise Conflict(_("Nhiệm vụ đã được xử lý xong hoặc đã hủy."))
    return task


def _may_hold(task, user) -> bool:
    action = task.flow_task.actions[0]
    return acting_role(task.initiative, user, action) is not None


def _task_transaction(func):
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except DatabaseError as exc:
            if _is_lock_conflict(exc):
                raise Conflict() from exc
            raise

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_task_transaction
def claim_task(task_id: int, *, actor, meta: RequestMeta = NO_META) -> InitiativeTask:
    """Take a task from the queue into my inbox."""
    task = _lock_task(task_id)
    principal = next((p for p in [actor, *delegators_of(actor)] if _may_hold(task, p)), None)
    if principal is None:
        if not can_view(actor, task.initiative):
            raise NotFound(_("Không tìm thấy nhiệm vụ."))
        raise NotAllowed(_("Bạn không thể nhận nhiệm vụ này."))
    if task.owner_id is not None:
        raise Conflict(_("Nhiệm vụ đã có người nhận."))
    _set_owner(task, principal, action="claim", actor=actor, meta=meta)
    return task


@_task_transaction
def release_task(task_id: int, *, actor, meta: RequestMeta = NO_META) -> InitiativeTask:
    """Put a task I hold back in the queue."""
    task = _lock_task(task_id)
    if task.owner_id is None:
        raise Conflict(_("Nhiệm vụ chưa có người nhận."))
    if task.owner_id != actor.pk and task.owner_id not in {p.pk for p in delegators_of(actor)}:
        raise NotAllowed(_("Chỉ người đang giữ nhiệm vụ mới trả lại được."))
    if task.flow_task is InitiativeFlow.instance.score:
        raise NotAllowed(
            _("Nhiệm vụ chấm điểm gắn với từng thành viên hội đồng, không trả lại được.")
        )
    _set_owner(task, None, action="release", actor=actor, meta=meta)
    return task


@_task_transaction
def reassign_task(task_id: int, *, actor, to_user, meta: RequestMeta = NO_META) -> InitiativeTask:
    """A committee leader hands a task to another person who may hold it."""
    task = _lock_task(task_id)
    committee_id = task.initiative.campaign.committee_id
    if not Membership.objects.filter(
        user=actor, role=Role.COMMITTEE_LEADER, unit_id=committee_id, is_active=True
    ).exists():
        if not can_view(actor, task.initiative):
            raise NotFound(_("Không tìm thấy nhiệm vụ."))
        raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới giao lại nhiệm vụ."))
    if task.flow_task is InitiativeFlow.instance.score:
        raise NotAllowed(
            _("Nhiệm vụ chấm điểm gắn với từng thành viên hội đồng, không giao lại được.")
        )
    if not _may_hold(task, to_user):
        raise InvalidData(
            _("Người được giao không có vai trò phù hợp với nhiệm vụ này."),
            field_errors={"to_user": [_("Người này không thể nhận nhiệm vụ.")]},
        )
    _set_owner(task, to_user, action="reassign", actor=actor, meta=meta)
    return task


def _set_owner(task, owner, *, action, actor, meta) -> None:
    before = task.owner_id
    task.owner = owner
    task.status = STATUS.ASSIGNED if owner else STATUS.NEW
    task.assigned = timezone.now() if owner else None
    task.save(update_fields=["owner", "status", "assigned"])
    state = task.initiative.state
    audit.append(
        initiative_id=task.initiative_id,
        actor_id=actor.pk,
        action=action,
        from_state=state,
        to_state=state,
        changes={"task": [task.pk, task.pk], "owner": [before, owner.pk if owner else None]},
        role=task.role,
        unit_id=task.scope_unit_id,
        request_id=meta.request_id,
        ip=meta.ip,
    )
    if owner is not None and owner.pk != actor.pk:
        enqueue(
            event="task_assigned",
            subject_id=task.initiative_id,
            messages=[Message(owner.pk, "task", task.pk)],
            payload={"title": task.initiative.title, "actor": str(actor), "task": task.pk},
        )


# ---------------------------------------------------------------------------------------------
# Delegation and flags


@transaction.atomic
def delegate(
    *, principal, substitute, starts_on: datetime.date, ends_on: datetime.date, reason: str = ""
) -> Delegation:
    if principal.pk == substitute.pk:
        raise InvalidData(field_errors={"substitute": [_("Không thể tự ủy quyền cho chính mình.")]})
    if ends_on < starts_on:
        raise InvalidData(field_errors={"ends_on": [_("Ngày kết thúc phải sau ngày bắt đầu.")]})
    return Delegation.objects.create(
        principal=principal,
        substitute=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )


@transaction.atomic
def set_open_case(
    initiative_id: int, *, actor, open_case: bool, comment: str, meta: RequestMeta = NO_META
) -> Initiative:
    """The committee flags (or clears) an open discipline, inspection or complaint case."""
    initiative = _lock(initiative_id)
    if not Membership.objects.filter(
        user=actor,
        is_active=True,
        unit_id=initiative.campaign.committee_id,
        role__in=(Role.COMMITTEE_LEADER, Role.COMMITTEE_REVIEWER),
    ).exists():
        if not can_view(actor, initiative):
            raise NotFound()
        raise NotAllowed()
    if not comment.strip():
        raise ReasonRequired(field_errors={"comment": [_("Cần nêu lý do.")]})
    before = initiative.has_open_case
    initiative.has_open_case = open_case
    initiative.save(update_fields=["has_open_case", "updated"])
    audit.append(
        initiative_id=initiative.pk,
        actor_id=actor.pk,
        action="flag_case",
        from_state=initiative.state,
        to_state=initiative.state,
        comment=comment.strip(),
        changes={"has_open_case": [before, open_case]},
        unit_id=initiative.campaign.committee_id,
        request_id=meta.request_id,
        ip=meta.ip,
    )
    return initiative


# ---------------------------------------------------------------------------------------------
# Helpers


def validate_upload(upload) -> None:
    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in settings.ATTACHMENT_EXTENSIONS:
        raise InvalidData(
            _("Tệp “%(name)s” không được chấp nhận. Chỉ nhận các loại: %(types)s.")
            % {"name": name, "types": ", ".join(settings.ATTACHMENT_EXTENSIONS)}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidData(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {
                "name": name,
                "size": round(upload.size / 1048576, 1),
                "max": round(settings.ATTACHMENT_MAX_BYTES / 1048576, 1),
            }
        )


def _attach(initiative, upload, purpose, actor) -> Attachment:
    validate_upload(upload)
    return Attachment.objects.create(
        initiative=initiative,
        purpose=purpose,
        file=upload,
        original_name=os.path.basename(upload.name)[:255],
        size=upload.size,
        uploaded_by=actor,
    )


def _attname(name: str) -> str:
    return "replicates_id" if name == "replicates" else name


def _apply_fields(initiative, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidData(
            field_errors={name: [_("Trường không được phép sửa.")] for name in unknown}
        )
    for name, value in fields.items():
        if name == "replicates":
            initiative.replicates_id = getattr(value, "pk", value) or None
        else:
            setattr(initiative, name, value)
    _full_clean(initiative, exclude=["state"], partial=True)


def _full_clean(obj, *, exclude=(), partial=False) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=True)
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        if partial:
            # A draft may be incomplete; submit's condition enforces the required fields.
            errors = {
                k: v
                for k, v in errors.items()
                if not all(m == str(_("This field cannot be blank.")) for m in v)
            }
        if errors:
            raise InvalidData(field_errors=errors) from None


def _snapshot(initiative) -> dict:
    return {
        field.attname: _jsonable(getattr(initiative, field.attname))
        for field in Initiative._meta.concrete_fields
        if field.attname not in ("updated", "created")
    }


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# Campaign changes (the leader's set-up page)

CAMPAIGN_FIELDS = (
    "title",
    "registration_deadline",
    "allow_late_registration",
    "pass_mark",
    "quorum",
    "quota_per_unit",
    "public_comment_days",
)


@transaction.atomic
def update_campaign(campaign_id: int, *, actor, criteria=None, council=None, **fields) -> Campaign:
    """A committee leader changes their campaign: deadline, pass mark, quorum, quota, council;
    the criteria only while nobody has scored against them."""
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Không tìm thấy đợt thi đua."))
    if not Membership.objects.filter(
        user=actor, role=Role.COMMITTEE_LEADER, unit_id=campaign.committee_id, is_active=True
    ).exists():
        raise NotFound(_("Không tìm thấy đợt thi đua."))
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise InvalidData(field_errors={k: [_("Trường không được phép sửa.")] for k in unknown})
    for name, value in fields.items():
        setattr(campaign, name, value)
    _full_clean(campaign)
    campaign.save()
    if council is not None:
        campaign.council.set(council)
    if criteria is not None:
        if Scorecard.objects.filter(initiative__campaign=campaign).exists():
            raise InvalidData(
                _("Hội đồng đã chấm điểm theo bộ tiêu chí này nên không sửa được tiêu chí."),
                field_errors={"criteria": [_("Đã có phiếu chấm: không sửa được tiêu chí.")]},
            )
        campaign.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(campaign=campaign, position=i, name=str(name), max_points=Decimal(points))
            for i, (name, points) in enumerate(criteria or DEFAULT_CRITERIA, start=1)
        )
    return campaign
