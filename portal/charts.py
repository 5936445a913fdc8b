"""Small accessible SVG charts; every chart is shown with a table of the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def bar_chart(title: str, rows: Sequence[tuple[str, int | Decimal]], colour: str = "#003a70") -> SafeString:
    """Horizontal bars, one per (label, value), labelled with the value."""
    width, row_height, label_width = 640, 26, 230
    height = max(len(rows), 1) * row_height + 10
    top = max([float(value) for _label, value in rows] + [1.0])
    slug = abs(hash(title)) % 10**8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="chart-{slug}-title chart-{slug}-desc">',
        f'<title id="chart-{slug}-title">{escape(title)}</title>',
        f'<desc id="chart-{slug}-desc">{escape(_("The same figures are in the table below the chart."))}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * row_height
        length = float(value) / top * (width - label_width - 80)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_height - 8}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="13">{escape(str(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above
