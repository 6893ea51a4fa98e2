"""Every spreadsheet the service writes puts its values through here.

Text that people typed (a title, an address, an audit comment, a unit's name) is untrusted in a
spreadsheet in two ways:

- Excel runs text that starts with = + - @ (or a tab or carriage return) as a formula
  (`=HYPERLINK(...)`, DDE): such text is written with a leading apostrophe, as text, never as
  a formula. The CSV export uses the same quoting (quote_formula).
- Control characters (U+0000–U+001F but tab, line feed and carriage return) cannot be held in
  an .xlsx file: openpyxl refuses them, which made a comment such as "ok\\u0005" a server
  error. They are dropped.

Use write(cell, value) for a cell of a normal sheet and safe_cell(value) for each value given
to a write-only sheet's append(). Imports Django and openpyxl only, never an app.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a spreadsheet program takes as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def clean(text: str) -> str:
    """`text` without the control characters an .xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def quote_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, with an apostrophe in front; any other
    value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def unquote(text: str) -> str:
    """What quote_formula() quoted, back as it was (for reading our own files back in)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def safe_cell(value: Any) -> Any:
    """`value` as it may go into an .xlsx cell: text cleaned, then quoted (in that order, so
    "\\x05=1" cannot turn into a formula once cleaned); numbers, dates and None unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return quote_formula(clean(value))
    return value


def write(cell, value: Any):
    """Put `value` into `cell` (of any sheet, write-only ones included) through safe_cell(),
    text always typed as text; returns the cell so that styles can follow."""
    cell.value = safe_cell(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
