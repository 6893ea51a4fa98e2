"""How numbers read in the service: one Vietnamese format for points everywhere."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def format_points(value) -> str:
    """Points as people write them here: at most two decimals, a decimal comma, no trailing
    zeros ("100", "85,5", "7,25"); the same rule as the score sheet's running total."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
