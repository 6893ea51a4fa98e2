"""Small writes and checks the lifecycle's hooks and services share: uploads, a group of fields
applied with the model's own validation, the before/after snapshot the audit entry records."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import InvalidData

from .models import Attachment


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


def attach(initiative, upload, purpose, actor) -> Attachment:
    validate_upload(upload)
    return Attachment.objects.create(
        initiative=initiative,
        purpose=purpose,
        file=upload,
        original_name=os.path.basename(upload.name)[:255],
        size=upload.size,
        uploaded_by=actor,
    )


def attname(name: str) -> str:
    return "replicates_id" if name == "replicates" else name


def apply_fields(obj, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidData(
            field_errors={name: [_("Trường không được phép sửa.")] for name in unknown}
        )
    for name, value in fields.items():
        if name == "replicates":
            obj.replicates_id = getattr(value, "pk", value) or None
        else:
            setattr(obj, name, value)
    full_clean(obj, exclude=["state"], partial=True)


def full_clean(obj, *, exclude=(), partial=False) -> None:
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


def snapshot(obj) -> dict:
    return {
        field.attname: jsonable(getattr(obj, field.attname))
        for field in type(obj)._meta.concrete_fields
        if field.attname not in ("updated", "created")
    }


def jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def parse_date(value) -> datetime.date | None:
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
