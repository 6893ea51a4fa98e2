"""Forms of the pages. They check the shape of what a person typed; the door checks the rest."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .lifecycle.actions import ACTIONS, OTHER_AUDIT_ACTIONS
from .lifecycle.conditions import NEEDED_TO_SUBMIT
from .models import REGISTRATION_FIELDS, Campaign, Field, Initiative, State

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


# What to write in each of the registration form's fields (workflows.models.REGISTRATION_FIELDS).
REGISTRATION_HELP = {
    "field": _("Một trong bốn lĩnh vực của biểu mẫu đăng ký (cột “Lĩnh vực”)."),
    "title": _("Tên ngắn gọn, nói rõ mô hình làm gì, ở đâu."),
    "form": _("Mô hình tập thể hay mô hình cá nhân (cột 2, 3 của biểu mẫu)."),
    "person_name": _("Chỉ ghi khi là mô hình cá nhân: họ và tên người thực hiện."),
    "person_position": _("Chỉ ghi khi là mô hình cá nhân: chức vụ, nơi công tác."),
    "address": _("Địa chỉ cụ thể nơi thực hiện mô hình (thôn, xã, cơ quan)."),
    "problem": _("Nêu tóm tắt mô hình giải quyết vấn đề gì."),
    "implementers": _("Tổ chức, cá nhân thực hiện và phối hợp."),
    "expected_results": _("Dự kiến kết quả mô hình đem lại, càng đo đếm được càng tốt."),
    "kind": _("Xây dựng mới hay nhân rộng một mô hình đã có."),
    "replicates": _("Khi nhân rộng: chọn mô hình gốc nếu đã có trong hệ thống."),
}


class RegistrationForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("Tệp minh chứng"),
        help_text=_(
            "Báo cáo, hình ảnh, biên bản (pdf, doc, xls, odt, jpg, png); chọn được nhiều tệp."
        ),
    )

    class Meta:
        model = Initiative
        fields = REGISTRATION_FIELDS
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "implementers": forms.Textarea(attrs={"rows": 3}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = REGISTRATION_HELP

    def __init__(self, *args, replicable=None, campaigns=None, ask_similar=False, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            # A new registration: the year among the campaigns open to the unit (part 5).
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Năm đăng ký (đợt thi đua)"),
                coerce=int,
                choices=[(c.year, campaign_choice_label(c)) for c in campaigns],
                # Not sent (a script, an old page): this year's campaign, or the only one open.
                required=False,
                empty_value=None,
                initial=default_year(campaigns),
                error_messages={
                    "invalid_choice": _(
                        "Năm %(value)s không có đợt thi đua đang mở đăng ký: hãy chọn một năm "
                        "trong danh sách."
                    )
                },
            )
            self.order_fields(["year"])
        if ask_similar:
            self.ask_similar()
        # A draft may be saved half-filled; "Gửi duyệt" asks for the rest.
        for name in REGISTRATION_FIELDS:
            self.fields[name].required = name in ("field", "title")
            if name in NEEDED_TO_SUBMIT:
                self.fields[name].label = f"{self.fields[name].label} *"
        self.fields["field"].choices = [("", _("— Chọn lĩnh vực —")), *Field.choices]
        self.fields["replicates"].queryset = (
            replicable if replicable is not None else Initiative.objects.none()
        )
        self.fields["replicates"].empty_label = _("— Không chọn —")

    def ask_similar(self) -> None:
        """Add the box that confirms a title like one the unit already registered."""
        if "allow_similar" not in self.fields:
            self.fields["allow_similar"] = forms.BooleanField(
                label=_(
                    "Tôi đã xem các mô hình gần trùng ở trên: đây là mô hình khác, vẫn đăng ký"
                ),
                required=False,
            )

    def registration_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REGISTRATION_FIELDS}


def default_year(campaigns) -> int | None:
    years = [c.year for c in campaigns]
    this_year = timezone.localdate().year
    if this_year in years:
        return this_year
    return years[0] if len(years) == 1 else None


def campaign_choice_label(campaign: Campaign) -> str:
    deadline = campaign.registration_deadline
    if deadline >= timezone.localdate():
        return _("Năm %(year)d (hạn đăng ký %(deadline)s)") % {
            "year": campaign.year,
            "deadline": deadline.strftime("%d/%m/%Y"),
        }
    return _("Năm %(year)d (đăng ký muộn, hạn %(deadline)s đã qua)") % {
        "year": campaign.year,
        "deadline": deadline.strftime("%d/%m/%Y"),
    }


class UnitChoiceField(forms.ModelChoiceField):
    """The unit a person registers for, when they belong to several."""


class TaskFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    field = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("Tất cả"))] + Field.choices
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), required=False, queryset=Unit.objects.none(), empty_label=_("Tất cả")
    )
    state = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + State.choices
    )
    overdue = forms.BooleanField(label=_("Chỉ việc quá hạn"), required=False)
    order = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[("due", _("Hạn xử lý gần nhất trước")), ("-due", _("Hạn xử lý xa nhất trước"))],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        result = {k: data[k] for k in ("year", "field", "unit", "state", "overdue") if data[k]}
        if data.get("order"):
            result["order"] = data["order"]
        return result


class AuditSearchForm(forms.Form):
    actor = forms.CharField(
        label=_("Người thực hiện"),
        required=False,
        help_text=_("Tên đăng nhập hoặc họ tên, gõ một phần cũng được."),
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), required=False, queryset=Unit.objects.none(), empty_label=_("Tất cả")
    )
    action = forms.ChoiceField(label=_("Thao tác"), required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + State.choices
    )
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["action"].choices = (
            [("", _("Tất cả"))]
            + [(name, spec.label) for name, spec in ACTIONS.items()]
            + list(OTHER_AUDIT_ACTIONS.items())
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("“Đến ngày” phải sau “Từ ngày”."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _council_label(person) -> str:
    if person.is_activated:
        return str(person)
    return _("%(name)s (chưa kích hoạt)") % {"name": person}


class OptionalQuotaMixin:
    """The nomination quota (workflows.levels) keeps its value when a form leaves it out:
    campaigns set up before levels existed, and forms that do not show it, stay as they were."""

    def _optional_quota(self) -> None:
        if "nomination_quota" in self.fields:
            self.fields["nomination_quota"].required = False

    def clean_nomination_quota(self):
        value = self.cleaned_data.get("nomination_quota")
        return self.instance.nomination_quota if value is None else value


class CampaignAdminForm(OptionalQuotaMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._optional_quota()


class CampaignForm(OptionalQuotaMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = (
            "year",
            "title",
            "registration_deadline",
            "allow_late_registration",
            "pass_mark",
            "quorum",
            "quota_per_unit",
            "public_comment_days",
            "nomination_quota",
            "nomination_deadline",
            "announcement_date",
            "council",
        )
        localized_fields = ("pass_mark",)
        widgets = {
            "registration_deadline": DATE_INPUT,
            "nomination_deadline": DATE_INPUT,
            "announcement_date": DATE_INPUT,
            "council": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "registration_deadline": _(
                "Ngày cuối đơn vị gửi đăng ký (dd/mm/yyyy), thường là 31/3."
            ),
            "pass_mark": _("Mô hình có điểm bình quân từ mức này trở lên thì đạt."),
            "quorum": _("Số thành viên hội đồng tối thiểu phải chấm trước khi kết thúc chấm điểm."),
            "quota_per_unit": _("Số mô hình tối thiểu mỗi đơn vị đăng ký trong năm."),
            "council": _("Chọn các thành viên hội đồng bình xét của năm."),
        }

    def __init__(self, *args, council_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self._optional_quota()
        self.fields["council"].queryset = council_choices
        # Someone who never set a password cannot sign in to score: say so beside the name.
        self.fields["council"].label_from_instance = _council_label
        self.fields["title"].required = False
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("year", year)
            self.initial.setdefault("registration_deadline", datetime.date(year, 3, 31))

    def _post_clean(self):
        # The committee is set by the service; uniqueness is checked there.
        pass


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("Tiêu chí"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("Tên tiêu chí")}),
    )
    max_points = forms.DecimalField(
        label=_("Điểm tối đa"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"aria-label": _("Điểm tối đa"), "inputmode": "decimal"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("max_points") is None:
            self.add_error("max_points", _("Cần nhập điểm tối đa."))
        if data.get("max_points") is not None and not data.get("name"):
            self.add_error("name", _("Cần nhập tên tiêu chí."))
        return data


CriterionFormSet = forms.formset_factory(CriterionForm, extra=3, max_num=30)


class HistoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
