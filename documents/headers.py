"""A unit's header on the documents it issues: the body above it and its own name (from its
IssuerProfile, else from the tree), the national heading of a Party or a State body, the place
in the date line."""

from __future__ import annotations

import datetime

from units.models import Unit

from .layout import STATE_NATIONAL, Header, date_line
from .models import issuer_is_state_body, profile_of


def issuer_lines(unit: Unit) -> tuple[str, str]:
    """('TỈNH ỦY HÒA BÌNH', 'BAN DÂN VẬN TỈNH ỦY'): the body above the unit and its name."""
    profile = profile_of(unit)
    parent = profile.parent_body if profile and profile.parent_body else ""
    if not parent and unit.depth > 1:
        parent = unit.get_parent().name
    return parent.upper(), unit.name.upper()


def place_of(unit: Unit) -> str:
    profile = profile_of(unit)
    return profile.place if profile and profile.place else ""


def header_for(unit: Unit, *, number: str, day: datetime.date | None, year: int) -> Header:
    """The header; without a day the date line is left blank for the pen ("ngày … tháng …")."""
    parent, name = issuer_lines(unit)
    place = place_of(unit)
    if day is not None:
        place_date = date_line(place, day)
    else:
        place_date = f"{place + ', ' if place else ''}ngày      tháng      năm {year}"
    header = Header(issuer_name=name, parent_body=parent, number=number, place_date=place_date)
    if issuer_is_state_body(unit):
        header.national = STATE_NATIONAL
    return header
