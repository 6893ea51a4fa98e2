"""The page form and the API serializer of an action, both derived from its inputs.

A reason (comment) is part of every action: required when the action needs one. Errors the
door finds later (a missing decision number, a score over the maximum) come back with the
same field names, so the page puts them beside the field and the API in `field_errors`.
"""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import StrictInput  # every API body of the service is strict
from core.numbers import format_points

from . import actions as a

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d", "iso-8601"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
COMMENT_MAX = 10000


def _comment_label(action):
    return _("Lý do") if action.needs_reason else _("Ý kiến")


# ---------------------------------------------------------------------------------------------
# The page form


class ActionForm(forms.Form):
    """Base of every derived action form; `door_data()` gives the door its keyword arguments."""

    action: a.Action
    points_input: a.Input | None = None

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.criteria = []
        if self.points_input is not None:
            self.criteria = list(self.points_input.items(subject))
            for key, label, most in self.criteria:
                self.fields[f"criterion_{key}"] = forms.DecimalField(
                    label=label,
                    min_value=0,
                    max_value=most,
                    decimal_places=2,
                    localize=True,
                    help_text=_("Tối đa %(max)s điểm") % {"max": format_points(most)},
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "data-max": str(most), "class": "score"}
                    ),
                    error_messages={"required": _("Cần chấm điểm tiêu chí này.")},
                )
            names = [f"criterion_{key}" for key, _l, _m in self.criteria]
            self.order_fields(names + [n for n in self.fields if n not in names])

    def criterion_fields(self):
        return [self[f"criterion_{key}"] for key, _l, _m in self.criteria]

    @property
    def max_total(self):
        return sum((most for _k, _l, most in self.criteria), 0)

    def door_data(self) -> dict:
        data = self.cleaned_data
        out = {"comment": data.get("comment", "")}
        for item in self.action.inputs:
            if item.kind == a.POINTS:
                out[item.name] = {key: data[f"criterion_{key}"] for key, _l, _m in self.criteria}
            elif item.kind == a.MODEL_FIELDS:
                out[item.name] = {name: data.get(name) for name in item.model_fields}
            else:
                out[item.name] = data.get(item.name)
        return out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _form_field(item: a.Input) -> forms.Field:
    common = {"label": item.label, "required": item.required, "help_text": item.help}
    if item.required_message:
        common["error_messages"] = {"required": item.required_message}
    if item.kind == a.TEXT:
        return forms.CharField(max_length=item.max_length, **common)
    if item.kind == a.LONG_TEXT:
        return forms.CharField(
            max_length=item.max_length, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if item.kind == a.DATE:
        return forms.DateField(widget=DATE_WIDGET, input_formats=DATE_INPUTS[:2], **common)
    if item.kind == a.CHOICE:
        return forms.ChoiceField(choices=item.choices, **common)
    if item.kind == a.NUMBER:
        return forms.IntegerField(min_value=0, max_value=10**15, **common)
    if item.kind == a.FILE:
        return forms.FileField(**common)
    if item.kind == a.FILES:
        return MultipleFileField(**common)
    raise ValueError(f"no page field for input kind {item.kind!r}")


def form_class(action: a.Action, model=None) -> type[ActionForm]:
    """The page form of `action` (model: the subject's, for MODEL_FIELDS inputs)."""
    attrs: dict = {"action": action}
    for item in action.inputs:
        if item.kind == a.POINTS:
            attrs["points_input"] = item
        elif item.kind == a.MODEL_FIELDS:
            attrs.update(fields_for_model(model, fields=list(item.model_fields)))
        else:
            attrs[item.name] = _form_field(item)
    attrs["comment"] = forms.CharField(
        label=_comment_label(action),
        required=action.needs_reason,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần nêu lý do.")},
    )
    return type(f"{action.name.title().replace('_', '')}Form", (ActionForm,), attrs)


# ---------------------------------------------------------------------------------------------
# The API body


def _api_field(item: a.Input, model) -> serializers.Field:
    common = {"required": item.required, "help_text": str(item.label)}
    if item.kind in (a.TEXT, a.LONG_TEXT):
        return serializers.CharField(
            allow_blank=not item.required, max_length=item.max_length or 20000, **common
        )
    if item.kind == a.DATE:
        return serializers.DateField(
            allow_null=not item.required, input_formats=DATE_INPUTS, **common
        )
    if item.kind == a.CHOICE:
        return serializers.ChoiceField(choices=item.choices, **common)
    if item.kind == a.NUMBER:
        return serializers.IntegerField(
            min_value=0, max_value=10**15, allow_null=not item.required, **common
        )
    if item.kind == a.FILE:
        return serializers.FileField(**common)
    if item.kind == a.FILES:
        return serializers.ListField(child=serializers.FileField(), **common)
    if item.kind == a.POINTS:
        return serializers.DictField(
            child=serializers.DecimalField(max_digits=6, decimal_places=2),
            help_text=f'{item.label}: {{"<mã tiêu chí>": điểm}}, ví dụ {{"12": 8.5}}.',
            required=item.required,
        )
    if item.kind == a.MODEL_FIELDS:
        if item.api_serializer:
            return import_string(item.api_serializer)(required=False, help_text=str(item.label))
        meta = type(
            "Meta",
            (),
            {
                "model": model,
                "fields": list(item.model_fields),
                "extra_kwargs": {n: {"required": False} for n in item.model_fields},
            },
        )
        name = f"{item.name.title()}Serializer"
        return type(name, (StrictInput, serializers.ModelSerializer), {"Meta": meta})(
            required=False, help_text=str(item.label)
        )
    raise ValueError(f"no API field for input kind {item.kind!r}")


_SERIALIZERS: dict[tuple, type] = {}


def serializer_class(
    action: a.Action, model=None, prefix: str = ""
) -> type[serializers.Serializer]:
    """The API body of `action`, one class per action (named for the OpenAPI schema)."""
    key = (prefix, action.name)
    if key not in _SERIALIZERS:
        attrs: dict = {item.name: _api_field(item, model) for item in action.inputs}
        # Not required here: the door answers a missing reason with `reason_required`.
        attrs["comment"] = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=COMMENT_MAX,
            help_text=str(_comment_label(action)),
        )
        name = f"{prefix}{action.name.title().replace('_', '')}ActionBody"
        _SERIALIZERS[key] = type(name, (StrictInput, serializers.Serializer), attrs)
    return _SERIALIZERS[key]
