"""The API's body parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): DRF's, with the limits
Django applies to its own forms.

- A JSON or form body longer than DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is read
  (RequestDataTooBig: 413 `too_large`), as Django refuses it for `request.body`; DRF reads the
  stream itself and would not. Multipart bodies are checked by Django's parser (fields only:
  files have their own limit, ATTACHMENT_MAX_BYTES).
- JSON nested deeper than MAX_DEPTH is malformed (400): the decoder's RecursionError on a very
  deep document, and anything deeper than any request needs, which code walking it
  recursively (validation, error flattening) would choke on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class TooDeep(ParseError):
    default_detail = _("Nội dung JSON lồng nhau quá sâu.")


def check_size(parser_context) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    request = (parser_context or {}).get("request")
    if limit is None or request is None:
        return
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH") or meta.get("HTTP_CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        length = 0
    if length > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")


def deeper_than(data, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        check_size(parser_context)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise TooDeep() from None
        if deeper_than(data, MAX_DEPTH):
            raise TooDeep()
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        check_size(parser_context)
        return super().parse(stream, media_type, parser_context)


MultiPartParser = parsers.MultiPartParser
