"""Page forms of plans, filings and the reporting calendar. They only read the request; the
rules (scope, dates, the task table) are checked by plans.services, whose field errors come
back beside the same fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.engine.inputs import DATE_INPUTS, DATE_WIDGET, MultipleFileField

from .figures import FIGURES
from .models import Frequency

TASK_ROWS_MIN = 5


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    basis = forms.CharField(
        label=_("Căn cứ (các văn bản kế hoạch này thực hiện)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    content = forms.CharField(
        label=_("Nội dung (mục đích, yêu cầu, tổ chức thực hiện)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    deadline = forms.DateField(
        label=_("Hạn các đơn vị gửi kế hoạch thực hiện"),
        widget=DATE_WIDGET,
        input_formats=DATE_INPUTS[:2],
    )
    all_units = forms.BooleanField(label=_("Gửi mọi đơn vị thuộc phạm vi của Ban"), required=False)
    targets = forms.MultipleChoiceField(
        label=_("Hoặc chọn các đơn vị nhận"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = [(str(u.pk), u.name) for u in units]


def task_rows(data, count: int) -> list[dict]:
    """The task table's rows as posted (tasks-<i>-<field>), blank rows left out."""
    rows = []
    for i in range(count):
        row = {
            "content": data.get(f"tasks-{i}-content", "").strip(),
            "lead_unit": data.get(f"tasks-{i}-lead_unit", "") or None,
            "cooperating": data.getlist(f"tasks-{i}-cooperating"),
            "ongoing": data.get(f"tasks-{i}-ongoing") == "on",
            "starts_on": data.get(f"tasks-{i}-starts_on", "").strip() or None,
            "ends_on": data.get(f"tasks-{i}-ends_on", "").strip() or None,
            "expected_output": data.get(f"tasks-{i}-expected_output", "").strip(),
        }
        if (
            any(row[k] for k in ("content", "lead_unit", "cooperating", "starts_on", "ends_on"))
            or row["ongoing"]
            or row["expected_output"]
        ):
            rows.append(row)
    return rows


class FilingForm(forms.Form):
    """A unit's draft: its plan's text and the task rows it implements, or its report's
    sections and figures (fields made from the period's form)."""

    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    content = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, filing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filing = filing
        if filing.plan_id:
            self.fields["implements"] = forms.MultipleChoiceField(
                label=_("Thực hiện các nhiệm vụ của kế hoạch"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(t.pk), str(t)) for t in filing.plan.tasks.all()],
                initial=[str(t.pk) for t in filing.implements.all()],
            )
        if filing.period_id:
            del self.fields["content"]
            for section in filing.period.sections:
                self.fields[f"section_{section['key']}"] = forms.CharField(
                    label=section["title"],
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=filing.sections.get(section["key"], ""),
                )
            items = [(k, str(label)) for k, label in FIGURES] + [
                (f["key"], f["title"]) for f in filing.period.extra_figures
            ]
            for key, label in items:
                known = filing.prefilled.get(key)
                self.fields[f"figure_{key}"] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=10**15 - 1,
                    initial=filing.figures.get(key, known),
                    help_text=(
                        _("Hệ thống tính: %(n)s") % {"n": known} if known is not None else ""
                    ),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
        self.fields["title"].initial = filing.title
        if "content" in self.fields:
            self.fields["content"].initial = filing.content

    def service_data(self) -> dict:
        data = self.cleaned_data
        out = {"title": data.get("title", "")}
        if "content" in data:
            out["content"] = data["content"]
        if "implements" in data:
            out["implements"] = [int(pk) for pk in data["implements"]]
        if self.filing.period_id:
            out["sections"] = {
                s["key"]: data.get(f"section_{s['key']}", "") for s in self.filing.period.sections
            }
            out["figures"] = {
                name[len("figure_") :]: value
                for name, value in data.items()
                if name.startswith("figure_") and value is not None
            }
        return out


class CalendarForm(forms.Form):
    committee = forms.ChoiceField(label=_("Ban"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    monthly_day = forms.IntegerField(
        label=_("Báo cáo tháng: hạn ngày (của tháng sau)"),
        min_value=1,
        max_value=28,
        required=False,
    )
    quarterly_day = forms.IntegerField(
        label=_("Báo cáo quý: hạn ngày"), min_value=1, max_value=28, required=False
    )
    half_year_day = forms.IntegerField(
        label=_("Báo cáo 6 tháng: hạn ngày"), min_value=1, max_value=28, required=False
    )
    year_day = forms.IntegerField(
        label=_("Báo cáo năm: hạn ngày"), min_value=1, max_value=28, required=False
    )
    sections = forms.CharField(
        label=_("Các mục viết của mẫu báo cáo (mỗi dòng một mục)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    extra_figures = forms.CharField(
        label=_("Số liệu đơn vị tự nhập (mỗi dòng một số liệu)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(str(c.pk), c.name) for c in committees]


class PeriodForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Loại kỳ"), choices=Frequency.choices)
    index = forms.IntegerField(
        label=_("Kỳ số (tháng 1–12, quý 1–4, 6 tháng 1–2, năm 1)"), min_value=1, max_value=12
    )
