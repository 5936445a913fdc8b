"""Layout tags every page template may use without loading them (a builtin of the HTML engine)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from django import template
from django.forms import Form
from django.template.base import Parser, TextNode, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption(?=[\s>])")


class ScrollsSidewaysNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        html: str = self.nodelist.render(context)
        # The region is named by the table's caption, which gets an id for it.
        caption = f"caption-{secrets.token_hex(4)}"
        html = CAPTION.sub(f'<caption id="{caption}"', html, count=1)
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{}">{}</div>',
            caption,
            mark_safe(html),  # noqa: S308 - rendered by the template engine, escaped there
        )


@register.tag
def scrolls_sideways(parser: Parser, token: Token) -> ScrollsSidewaysNode:
    """A table wider than a phone scrolls sideways in a region of its own, never the page (WCAG 2.1
    1.4.10 Reflow). The region is focusable, so that the keyboard scrolls it, and named by the
    table's caption.

    {% scrolls_sideways %}<table><caption>…</caption>…</table>{% endscrolls_sideways %}
    """
    nodelist = parser.parse(("endscrolls_sideways",))
    parser.delete_first_token()
    texts = nodelist.get_nodes_by_type(TextNode)
    if not any(CAPTION.search(node.s) for node in texts):  # type: ignore[attr-defined]  # stubs: list[Node]
        raise template.TemplateSyntaxError("The table in {% scrolls_sideways %} needs a <caption> to name it.")
    return ScrollsSidewaysNode(nodelist)


# Fields of a filter form that order the list rather than narrow it.
NOT_FILTERS = frozenset({"sort"})


@register.filter
def filters_in_use(form: Form) -> int:
    """How many of a filter form's fields narrow the list now."""
    if not form.is_bound:
        return 0
    narrowing = [name for name in form.fields if name not in NOT_FILTERS]
    return sum(1 for name in narrowing if any(value.strip() for value in _values(form.data, name)))


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(data, "getlist"):  # a query string
        return data.getlist(name)
    value = data.get(name)
    return [] if value is None else [str(value)]
