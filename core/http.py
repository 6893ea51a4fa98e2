"""Services' refusals as the pages answer them, in one place (the API's is core.api)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .errors import DomainError, NotAllowed, NotFound


def refuse_as_http(exc: DomainError) -> None:
    """Out of scope reads exactly like a missing page (404); a role that may not act is 403.
    Other refusals return, for the caller to show beside the form."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(str(exc.message)) from None
