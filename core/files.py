"""Stored files: random storage names, and the one way a file leaves the service.

Nothing serves MEDIA_ROOT directly (config/urls.py adds no /media/ route, with DEBUG on or
off). A view decides who may have a file by its object's access rule, then answers with
`serve_file`: in production, when FILES_X_ACCEL_REDIRECT_PREFIX is set, an empty response whose
`X-Accel-Redirect` header tells nginx which file to send from its `internal` location (README,
"Files"); otherwise Django streams the file itself. Either way the download is named after the
file's original name (RFC 5987 for non-ASCII names), never after its storage name.
"""

from __future__ import annotations

import mimetypes
import posixpath
import uuid
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header


@deconstructible
class RandomName:
    """A FileField's upload_to: `<folder>/<yyyy>/<mm>/<32 random hex digits><.ext>`. The name
    says nothing of the file, and cannot be guessed from another one."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = posixpath.splitext(filename or "")[1].lower()
        if not extension[1:].isalnum() or len(extension) > 10:
            extension = ""
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def serve_file(field_file, filename: str, *, content_type: str | None = None) -> HttpResponse:
    """The stored file as a download named `filename`; Http404 when it is not on the disk.
    Callers check access first."""
    if not field_file or not field_file.name:
        raise Http404
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = getattr(settings, "FILES_X_ACCEL_REDIRECT_PREFIX", "")
    if prefix:
        if not field_file.storage.exists(field_file.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = field_file.storage.open(field_file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    # Someone's own file: no shared cache keeps it.
    patch_cache_control(response, private=True)
    return response
