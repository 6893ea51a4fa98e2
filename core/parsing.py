"""Reading numbers and search text from query strings and forms without trusting them.

`str.isdigit()` also accepts digits such as "²" (U+00B2) that `int()` refuses, and PostgreSQL
refuses text holding a NUL byte: both turned a typed or forged URL into a server error.
"""

from __future__ import annotations


def parse_int(value, default=None, *, low: int | None = None, high: int | None = None):
    """`value` as an int when it is a plain ASCII number within [low, high], else `default`."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return default
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    return number


def parse_ints(values, *, low: int | None = 1, high: int | None = None) -> list[int]:
    """The plain ASCII numbers among `values` (a form's repeated field); the rest are dropped."""
    numbers = (parse_int(v, low=low, high=high) for v in values)
    return [n for n in numbers if n is not None]


def clean_text(value) -> str:
    """Free text for a search filter: stripped, without NUL bytes (PostgreSQL refuses them)."""
    return str(value or "").replace("\x00", "").strip()
