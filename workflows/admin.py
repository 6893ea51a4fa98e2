"""The admin: campaigns and delegations are configuration and editable; initiatives, their tasks
and the audit trail are read-only here. Lifecycle changes from the admin go through the one door
(`services.perform`, `services.set_open_case`) as admin actions; nothing here writes `state` or
an audit row itself."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.status import STATUS

from core.errors import DomainError as WorkflowError
from core.request import meta_from as request_meta

from . import access, services
from .forms import CampaignAdminForm
from .lifecycle.actions import ACTIONS, action_label
from .models import (
    Attachment,
    AuditEntry,
    Campaign,
    Criterion,
    Delegation,
    Initiative,
    InitiativeTask,
    ModelReview,
    ProgressReport,
    Scorecard,
    State,
)
from .services.campaigns import CAMPAIGN_FIELDS, criteria_locked

FLAG_ON, FLAG_OFF = "flag_open_case", "clear_open_case"


def _plain(action) -> bool:
    """An action the admin can do for many initiatives at once: no data, no reason."""
    return not action.inputs and not action.needs_reason


# The registry's actions as the admin offers them: those without data as one admin action
# each, those needing a reason through the reason form, the others by a link to their page.
BULK_ACTIONS = [a.name for a in ACTIONS.values() if _plain(a)]
REASON_ACTIONS = [a.name for a in ACTIONS.values() if a.needs_reason]


def state_label(state: str) -> str:
    if not state:
        return ""
    try:
        return str(State(state).label)
    except ValueError:
        return state


def scoped(request: HttpRequest, queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Staff who are not superusers see only what their memberships let them see."""
    return access.scoped(request.user, queryset, prefix)


# ---------------------------------------------------------------------------------------------
# Initiatives: read-only, with admin actions through the door


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("purpose", "download", "size", "uploaded_by", "uploaded")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("tệp"))
    def download(self, attachment: Attachment) -> str:
        # Through the download view (the initiative's access rule), never a /media/ link.
        return format_html(
            '<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.original_name
        )


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ("created", "author", "text")
    readonly_fields = fields


class ScorecardInline(ReadOnlyInline):
    model = Scorecard
    fields = ("round", "member", "total", "comment", "created")
    readonly_fields = fields


class OpenTaskInline(ReadOnlyInline):
    model = InitiativeTask
    fk_name = "initiative"
    verbose_name = gettext_lazy("nhiệm vụ đang mở")
    verbose_name_plural = gettext_lazy("nhiệm vụ đang mở")
    fields = ("flow_task", "role", "scope_unit", "owner", "status", "due_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED))
            .exclude(role="")
            .select_related("scope_unit", "owner")
        )


class ReasonForm(forms.Form):
    """The intermediate page's form. `operation` and not `action`: the admin's own action form
    owns that name."""

    operation = forms.ChoiceField(label=gettext_lazy("Thao tác"))
    comment = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={"required": gettext_lazy("Cần nêu lý do.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = choices
        if len(choices) == 1:
            self.fields["operation"].initial = choices[0][0]


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete: records written only by the services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "year", "field", "state", "total_score")
    list_filter = ("state", "field", "year", "kind", "form", "imported")
    search_fields = ("title", "unit__name", "unit__code")
    list_select_related = ("unit", "campaign")
    inlines = (AttachmentInline, ProgressReportInline, ScorecardInline, OpenTaskInline)
    actions = (
        *(f"{name}_selected" for name in BULK_ACTIONS),
        "act_with_reason",
        "flag_open_case",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "unit",
                    "campaign",
                    "year",
                    "state",
                    "field",
                    "form",
                    "person_name",
                    "person_position",
                    "address",
                    "kind",
                    "replicates",
                    "topic",
                    "start_date",
                )
            },
        ),
        (
            gettext_lazy("Nội dung đăng ký"),
            {
                "fields": (
                    "problem",
                    "implementers",
                    "expected_results",
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
            },
        ),
        (
            gettext_lazy("Báo cáo kết quả"),
            {
                "fields": (
                    "result_achieved",
                    "result_people_reached",
                    "result_funds_mobilised",
                    "result_lessons",
                )
            },
        ),
        (
            gettext_lazy("Chấm điểm, công nhận"),
            {
                "fields": (
                    "scoring_round",
                    "total_score",
                    "decision_number",
                    "decision_date",
                    "decision_signer",
                    "override_reason",
                    "recognized_at",
                    "has_open_case",
                    "imported",
                )
            },
        ),
        (
            gettext_lazy("Người tạo, người gửi"),
            {"fields": ("created_by", "submitted_by", "submitted_via", "created", "updated")},
        ),
        (gettext_lazy("Thao tác"), {"fields": ("action_pages",)}),
        (gettext_lazy("Nhật ký"), {"fields": ("audit_timeline",)}),
    )
    reason_template = "admin/workflows/initiative/action_with_reason.html"

    # -- read-only (ReadOnlyAdmin): the door is the only writer of an initiative; the change
    # page renders view-only and Django refuses a posted change form (403).

    def get_readonly_fields(self, request, obj=None):
        return [
            f.name for f in self.model._meta.get_fields() if f.concrete and not f.auto_created
        ] + ["audit_timeline", "action_pages"]

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        raise PermissionDenied

    def delete_model(self, request, obj):
        raise PermissionDenied

    def get_queryset(self, request):
        return scoped(request, super().get_queryset(request))

    @admin.display(description=gettext_lazy("Nhật ký xử lý"))
    def audit_timeline(self, obj: Initiative) -> str:
        if obj is None or obj.pk is None:
            return ""
        entries = (
            AuditEntry.objects.filter(initiative=obj)
            .select_related("actor", "on_behalf_of")
            .order_by("seq")
        )
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"),
                    str(e.actor) if e.actor_id else "",
                    str(e.on_behalf_of) if e.on_behalf_of_id else "",
                    action_label(e.action),
                    state_label(e.from_state),
                    state_label(e.to_state),
                    e.comment,
                )
                for e in entries
            ),
        )
        if not rows:
            return _("Chưa có nhật ký.")
        return format_html(
            '<table class="audit-timeline"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Thời điểm"),
            _("Người thực hiện"),
            _("Thay mặt"),
            _("Thao tác"),
            _("Trạng thái"),
            _("Ý kiến"),
            rows,
        )

    # -- admin actions: each object goes through the door; a refusal is reported per object

    def _through_the_door(self, request, queryset, call, label) -> None:
        meta = request_meta(request)
        done = 0
        for initiative in queryset.order_by("pk"):
            try:
                call(initiative, meta)
            except WorkflowError as exc:
                self.message_user(
                    request,
                    _("“%(title)s”: %(message)s")
                    % {"title": initiative.title, "message": exc.message},
                    level=messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("Đã thực hiện “%(action)s” cho %(count)d mô hình.")
                % {"action": label, "count": done},
                level=messages.SUCCESS,
            )

    def _perform_selected(self, request, queryset, action: str, comment: str = "") -> None:
        self._through_the_door(
            request,
            queryset,
            lambda initiative, meta: services.perform(
                initiative.pk, action, actor=request.user, comment=comment, meta=meta
            ),
            str(ACTIONS[action].label),
        )

    def get_actions(self, request):
        found = super().get_actions(request)
        for name in BULK_ACTIONS:
            label = ACTIONS[name].label

            def run(modeladmin, req, queryset, name=name):
                modeladmin._perform_selected(req, queryset, name)

            found[f"{name}_selected"] = (run, f"{name}_selected", label)
        return found

    @admin.display(description=gettext_lazy("Thao tác trên trang"))
    def action_pages(self, obj: Initiative) -> str:
        """Links to the pages of the actions that take data (a form of their own)."""
        from django.urls import reverse

        links = [
            (
                reverse("workflows:initiative_edit", args=[obj.pk])
                if not action.on_page
                else reverse("workflows:action", args=[obj.pk, action.name]),
                action.label,
            )
            for action in ACTIONS.values()
            if not _plain(action) and not action.needs_reason
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description=gettext_lazy("Trả lại, rút, không công nhận… (cần nêu lý do)"))
    def act_with_reason(self, request, queryset):
        choices = [(name, ACTIONS[name].label) for name in REASON_ACTIONS]
        return self._reason_view(
            request, queryset, "act_with_reason", choices, _("Thao tác cần nêu lý do")
        )

    @admin.action(description=gettext_lazy("Đánh dấu/Bỏ đánh dấu vụ việc đang mở"))
    def flag_open_case(self, request, queryset):
        choices = [
            (FLAG_ON, _("Đánh dấu đang có vụ việc kỷ luật, thanh tra, khiếu nại")),
            (FLAG_OFF, _("Bỏ đánh dấu vụ việc đang mở")),
        ]
        return self._reason_view(
            request, queryset, "flag_open_case", choices, _("Đánh dấu/Bỏ đánh dấu vụ việc đang mở")
        )

    def _reason_view(
        self, request, queryset, admin_action: str, choices, title
    ) -> HttpResponse | None:
        """First call: the form. Posted back with `apply`: validate, then the door per object."""
        if "apply" in request.POST:
            form = ReasonForm(request.POST, choices=choices)
            if form.is_valid():
                operation = form.cleaned_data["operation"]
                comment = form.cleaned_data["comment"]
                if operation in (FLAG_ON, FLAG_OFF):
                    self._through_the_door(
                        request,
                        queryset,
                        lambda initiative, meta: services.set_open_case(
                            initiative.pk,
                            actor=request.user,
                            open_case=operation == FLAG_ON,
                            comment=comment,
                            meta=meta,
                        ),
                        dict(choices)[operation],
                    )
                else:
                    self._perform_selected(request, queryset, operation, comment)
                return None  # back to the changelist, with the messages
        else:
            form = ReasonForm(choices=choices)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "initiatives": queryset.select_related("unit").order_by("pk"),
            "admin_action": admin_action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.reason_template, context)


# ---------------------------------------------------------------------------------------------
# Configuration: campaigns and delegations


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("position", "name", "max_points")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """A leader's own campaigns, changed through services.update_campaign (scope, the audit
    trail, criteria fixed once scored). Campaigns are opened on the leader's page, which goes
    through services.create_campaign."""

    list_display = ("committee", "year", "registration_deadline", "pass_mark", "quorum")
    list_filter = ("year",)
    search_fields = ("title", "committee__name", "committee__code")
    list_select_related = ("committee",)
    filter_horizontal = ("council",)
    readonly_fields = ("committee", "year")
    fields = ("committee", "year", *CAMPAIGN_FIELDS, "council")
    form = CampaignAdminForm

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.campaigns_led(request.user).values("pk"))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_inlines(self, request, obj):
        # Once the council has scored, the criteria are not offered for editing at all.
        if obj is None or criteria_locked(obj):
            return ()
        return (CriterionInline,)

    def save_model(self, request, obj, form, change):
        # Nothing is written yet: the fields, the council and the criteria go to the service
        # together in save_related, so that one save is one audit entry.
        pass

    def save_related(self, request, form, formsets, change):
        changes = {k: form.cleaned_data[k] for k in CAMPAIGN_FIELDS if k in form.changed_data}
        if "council" in form.changed_data:
            changes["council"] = list(form.cleaned_data["council"])
        for formset in formsets:
            if formset.model is Criterion and formset.has_changed():
                rows = sorted(
                    (
                        (
                            f.cleaned_data.get("position") or 0,
                            f.cleaned_data["name"],
                            f.cleaned_data["max_points"],
                        )
                        for f in formset.forms
                        if f.cleaned_data and not f.cleaned_data.get("DELETE")
                    ),
                    key=lambda row: row[0],
                )
                changes["criteria"] = [r[1:] for r in rows]
            # What the admin's change message reads (the service wrote the rows).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        self._service(request, form.instance, **changes)

    def _service(self, request, obj, **changes) -> None:
        try:
            services.update_campaign(
                obj.pk, actor=request.user, meta=request_meta(request), **changes
            )
        except WorkflowError as exc:
            raise PermissionDenied(str(exc.message)) from None


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("principal", "substitute", "starts_on", "ends_on", "reason")
    list_filter = ("starts_on",)
    search_fields = (
        "principal__username",
        "principal__full_name",
        "substitute__username",
        "substitute__full_name",
        "reason",
    )
    list_select_related = ("principal", "substitute")
    autocomplete_fields = ("principal", "substitute")


# ---------------------------------------------------------------------------------------------
# Records: tasks and the audit trail, read-only


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "initiative", "actor", "action", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("comment", "actor__username")
    list_select_related = ("initiative", "actor")

    def get_queryset(self, request):
        return scoped(request, super().get_queryset(request), "initiative")


@admin.register(InitiativeTask)
class InitiativeTaskAdmin(ReadOnlyAdmin):
    list_display = ("initiative", "flow_task", "role", "owner", "status", "due_at")
    list_filter = ("status", "role")
    search_fields = ("initiative__title", "owner__username")
    list_select_related = ("initiative", "owner")

    def get_queryset(self, request):
        return scoped(request, super().get_queryset(request), "initiative")


@admin.register(ModelReview)
class ModelReviewAdmin(ReadOnlyAdmin):
    """The annual reviews' entries (workflows.levels): written only through the door's
    report_state and review actions, read here within the initiative's scope."""

    list_display = ("initiative", "review", "outcome", "people_reached", "decided_by")
    list_filter = ("outcome", "review__year")
    search_fields = ("initiative__title",)
    list_select_related = ("initiative", "review__committee", "decided_by")

    def get_queryset(self, request):
        return scoped(request, super().get_queryset(request), "initiative")
