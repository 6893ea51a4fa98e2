"""Server-rendered bar charts: the geometry of an inline SVG, computed here, drawn by
templates/reports/_bar_chart.html. No JavaScript, nothing fetched from elsewhere."""

from __future__ import annotations

LABEL_WIDTH = 200
BAR_AREA = 240
BAR_HEIGHT = 20
GAP = 8


def bar_chart(items: list[tuple[str, int | float | None]], *, title: str) -> dict:
    """Horizontal bars, one per (label, value); values of None count as 0."""
    values = [float(v or 0) for _label, v in items]
    top = max(values, default=0) or 1
    bars = []
    for index, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": label,
                "value": value if value is not None else 0,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "width": round(BAR_AREA * number / top, 1),
                "value_x": LABEL_WIDTH + round(BAR_AREA * number / top, 1) + 6,
            }
        )
    return {
        "title": title,
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
        "width": LABEL_WIDTH + BAR_AREA + 50,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
    }
