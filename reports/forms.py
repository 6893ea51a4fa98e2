from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormImport(forms.Form):
    """Upload of a filled-in registration form into one of the person's units."""

    unit = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"), empty_label=None)
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Để trống thì lấy năm ghi trên tiêu đề biểu mẫu."),
    )
    file = forms.FileField(label=_("Tệp biểu mẫu (.xlsx)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = timezone.localdate().year


class ReplicateForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=None, label=_("Đơn vị nhân rộng mô hình"), empty_label=None
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
