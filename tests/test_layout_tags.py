"""The layout tags of every page: tables that scroll in their own region, and filters in use."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.template import Context, Template, TemplateSyntaxError

from organisations.filters import OrganisationFilter


def test_a_wide_table_scrolls_in_a_focusable_region_named_by_its_caption():
    html = Template(
        "{% scrolls_sideways %}<table><caption class='x'>Jäsenet</caption><tr><td>1</td></tr></table>"
        "{% endscrolls_sideways %}"
    ).render(Context())
    region = re.match(r'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="([\w-]+)">', html)
    assert region
    assert f"<caption id=\"{region.group(1)}\" class='x'>Jäsenet</caption>" in html


def test_a_table_without_a_caption_is_refused_when_the_template_is_read():
    with pytest.raises(TemplateSyntaxError, match="needs a <caption>"):
        Template("{% scrolls_sideways %}<table><tr><td>1</td></tr></table>{% endscrolls_sideways %}")


@pytest.mark.django_db
def test_the_filters_in_use_are_counted():
    template = Template("{{ form|filters_in_use }}")
    used = OrganisationFilter(QueryDict("q=kaarina&area=&kind=local&page=2"))
    assert template.render(Context({"form": used.form})) == "2"
    assert template.render(Context({"form": OrganisationFilter(None).form})) == "0"
