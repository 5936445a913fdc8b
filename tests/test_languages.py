"""Dates as written in Finland in every language, and texts of calls in the reader's language."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import formats, translation

from grants.models import GrantCall, ScoringCriterion
from tests.factories import ApplicationFactory, AreaRoleFactory, GrantCallFactory, area

MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.mark.parametrize(
    ("language", "short_date", "short_datetime", "long_date"),
    [
        ("en", "1.12.2026", "1.12.2026 9.00", "1 December 2026"),
        ("fi", "1.12.2026", "1.12.2026 9.00", "1. joulukuuta 2026"),
        ("sv", "2026-12-01", "2026-12-01 09:00", "1 december 2026"),
    ],
)
def test_dates_are_written_as_in_finland_or_iso(language, short_date, short_datetime, long_date):
    with translation.override(language):
        assert formats.date_format(MORNING, "SHORT_DATE_FORMAT") == short_date
        assert formats.date_format(MORNING, "SHORT_DATETIME_FORMAT") == short_datetime
        assert formats.date_format(MORNING, "DATE_FORMAT") == long_date


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_date_fields_are_filled_as_the_browsers_date_picker_takes_them(language):
    """A date picker drops a value like 01.12.2026: the payment form's default day would be lost."""
    field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    with translation.override(language):
        assert 'value="2026-12-01"' in field.widget.render("paid_on", datetime.date(2026, 12, 1))
        assert field.clean("1.12.2026") == field.clean("2026-12-01") == datetime.date(2026, 12, 1)


def test_english_forms_read_dates_typed_the_finnish_way():
    with translation.override("en"):
        assert forms.DateField().clean("1.12.2026") == datetime.date(2026, 12, 1)
        assert forms.DateField().clean("2026-12-01") == datetime.date(2026, 12, 1)
        assert forms.TimeField().clean("9.00") == datetime.time(9, 0)


@pytest.mark.django_db
def test_the_work_list_csv_names_calls_in_the_readers_language(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    call = GrantCallFactory(title_fi="Järjestöjen yleisavustukset", title_sv="Allmänna understöd till organisationer")
    ApplicationFactory.submitted(call=call)
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "sv"
    response = client.get(reverse("grants:work_list", kwargs={"code": "05"}), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "Allmänna understöd till organisationer"


# Finnish words that a Swedish title made by changing a Finnish one's ending keeps.
FINNISH = ("avustu", "järjest", "kumppanuus", "perhekeskus", "toiminta", "tavoit", "talou")


@pytest.mark.django_db
def test_the_demo_calls_and_criteria_are_in_real_swedish(settings):
    from grants import demo

    settings.DEMO_MODE = True
    people = [AreaRoleFactory.coordinator(area=area("05")).user for _ in range(3)]
    demo.seed(*people)
    swedish = [*GrantCall.objects.values_list("title_sv", flat=True)]
    swedish += ScoringCriterion.objects.values_list("name_sv", flat=True)
    assert len(swedish) > 6
    assert [text for text in swedish if not text or any(word in text.lower() for word in FINNISH)] == []
