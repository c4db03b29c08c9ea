"""Bar charts drawn on the server as accessible SVG: a title, a description, no script."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, BAR, GAP, LABEL = 640, 22, 8, 200
# What fits left of the bars at the chart's font size; the table beside has the full names.
LABEL_CHARACTERS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the reader sees it (a count, a percentage)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    scale: float,
    *,
    right_to_left: bool = False,
) -> Markup:
    """Horizontal bars, `scale` being the value of a full-width bar.

    Right to left, the chart is mirrored: labels on the right, bars growing leftwards. The
    text anchors stay the same, since "start" and "end" follow the SVG's own direction.
    """
    height = max(1, len(bars)) * (BAR + GAP) + GAP
    plot = WIDTH - LABEL - 70

    def x(position: int, width: int = 0) -> int:
        return WIDTH - position - width if right_to_left else position

    direction = "rtl" if right_to_left else "ltr"
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" direction="{direction}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR + GAP)
        width = round(plot * bar.value / scale) if scale else 0
        label = _shortened(bar.label)
        parts += [
            f'<text x="{x(LABEL - 6)}" y="{y + BAR - 6}" text-anchor="end">'
            f"<title>{escape(bar.label)}</title>{escape(label)}</text>",
            f'<rect x="{x(LABEL, width)}" y="{y}" width="{width}" height="{BAR}"></rect>',
            f'<text x="{x(LABEL + width + 6)}" y="{y + BAR - 6}">{escape(bar.shown)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _shortened(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"
