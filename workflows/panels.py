"""Sections other apps add to an initiative's page, without workflows importing them: an app
registers a function (in its AppConfig.ready) that returns HTML for the person and the
initiative, or "" when it has nothing to show (awards: the decision and its signature check)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[object, object], str]
_PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def render_panels(request, initiative) -> SafeString:
    """Each panel renders through its own template (autoescaped there)."""
    return mark_safe("".join(panel(request, initiative) for panel in _PANELS))  # noqa: S308
