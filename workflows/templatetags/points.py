from django import template

from core.numbers import format_points

register = template.Library()


@register.filter(name="points")
def points(value) -> str:
    """{{ initiative.total_score|points }} → "85,5" (core.numbers.format_points)."""
    return format_points(value)
