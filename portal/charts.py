"""Small accessible SVG charts; every chart is shown with a table of the same figures."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Narrow, so that its text stays readable when a phone shrinks the chart to its 320 px.
WIDTH = 360
FONT_SIZE = 13
LINE_HEIGHT = 17
BAR_HEIGHT = 16
# Characters of a label line: wide letters (W, M, Ä) are about 0.8 em, so 32 of them fit in 360 units.
LABEL_CHARACTERS = 32
VALUE_ROOM = 70  # beside the longest bar, for its value


def bar_chart(title: str, rows: Sequence[tuple[str, int | Decimal]], colour: str = "#003a70") -> SafeString:
    """Horizontal bars, one per (label, value), each label on its own lines above its bar and the
    value beside it: however long a label, nothing is cut off at the chart's edge."""
    top = max([float(value) for _label, value in rows] + [1.0])
    slug = abs(hash(title)) % 10**8
    parts: list[str] = []
    y = 4
    for label, value in rows:
        for line in textwrap.wrap(label, LABEL_CHARACTERS, break_long_words=True) or [""]:
            y += LINE_HEIGHT
            parts.append(f'<text x="0" y="{y}" font-size="{FONT_SIZE}">{escape(line)}</text>')
        length = float(value) / top * (WIDTH - VALUE_ROOM)
        bar_top = y + 5
        parts.append(f'<rect x="0" y="{bar_top}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
        baseline = bar_top + BAR_HEIGHT - 3
        parts.append(f'<text x="{length + 6:.1f}" y="{baseline}" font-size="{FONT_SIZE}">{escape(str(value))}</text>')
        y = bar_top + BAR_HEIGHT + 8
    height = max(y, 10)
    description = _("The same figures are in the table below the chart.")  # outside the f-string for makemessages
    return mark_safe(  # noqa: S308 - every text inside is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart chart--bars" '
        f'aria-labelledby="chart-{slug}-title chart-{slug}-desc">'
        f'<title id="chart-{slug}-title">{escape(title)}</title>'
        f'<desc id="chart-{slug}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
