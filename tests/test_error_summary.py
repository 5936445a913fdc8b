"""Every form of the portal, sent with errors, lists each of them in the summary at the top of the
page, linked to its field, formset rows included: an error far down a long page is seen at once.

The forms are those of the hostile-input table, which names every form of the portal."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import World
from tests.test_hostile_input import FORMS, Case, Writes, baseline_of, is_html, start, submit, text_of, writes

pytestmark = pytest.mark.django_db

__all__ = ["writes"]  # the fixture, shared with the hostile-input test

FIELD_ERROR = re.compile(r'<div class="field-error" id="([^"]+)_error">')
VISIBLE = ("text", "textarea", "email", "number", "date", "datetime-local", "password", "url", "tel", "search")


def summary_targets(html: str) -> set[str]:
    summary = html.partition('class="error-summary"')[2].partition("</div>")[0]
    return set(re.findall(r'href="#([^"]+)"', summary))


@pytest.mark.parametrize("typed", ["", "x"], ids=["every box empty", "every box x"])
@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.id)
def test_the_error_summary_lists_every_error_of_the_page(
    client: Client, world: World, writes: Writes, case: Case, typed: str
) -> None:
    visit, opened = start(case, client, world, writes)
    data = baseline_of(case, visit, opened.form)
    for form_field in opened.form.inputs:
        if form_field.kind in VISIBLE and not form_field.name.endswith(("TOTAL_FORMS", "INITIAL_FORMS")):
            data[form_field.name] = [typed]
    outcome = submit(visit, opened.path, data, f"{case.id}, {typed!r}")
    page = outcome.pages[0]
    if not is_html(page) or page.status_code != 400:
        return  # accepted, or refused with a message on the next page: nothing to list
    html = text_of(page)
    errors = set(FIELD_ERROR.findall(html))
    listed = summary_targets(html)
    # A field is linked by its id; a group of choices (a fieldset) by its error's id.
    missing = {field_id for field_id in errors if field_id not in listed and f"{field_id}_error" not in listed}
    assert not missing, f"{case.id}: errors beside these fields are not in the summary: {sorted(missing)}"
