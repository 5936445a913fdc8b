from __future__ import annotations

import pytest
from django.utils import translation

from portal.models import ActivityType, Municipality, Theme, WelfareArea

pytestmark = pytest.mark.django_db


def test_all_areas_and_municipalities_are_loaded():
    assert WelfareArea.objects.count() == 22
    assert Municipality.objects.count() == 293
    assert Municipality.objects.filter(area__code="05").count() == 27
    assert Municipality.objects.filter(area__code="19").count() == 30
    assert list(Municipality.objects.filter(area__code="90").values_list("code", flat=True)) == ["091"]


@pytest.mark.parametrize(
    ("code", "name_fi", "name_sv", "area_code"),
    [("853", "Turku", "Åbo", "05"), ("091", "Helsinki", "Helsingfors", "90"), ("734", "Salo", "Salo", "05")],
)
def test_municipality_spot_checks(code, name_fi, name_sv, area_code):
    municipality = Municipality.objects.get(code=code)
    assert (municipality.name_fi, municipality.name_sv, municipality.area.code) == (name_fi, name_sv, area_code)


def test_area_names_follow_the_active_language():
    area = WelfareArea.objects.get(code="05")
    with translation.override("fi"):
        assert area.name == "Varsinais-Suomen hyvinvointialue"
    with translation.override("sv"):
        assert area.name == "Egentliga Finlands välfärdsområde"
    with translation.override("en"):
        assert area.name == "Wellbeing services county of Southwest Finland"


def test_municipality_names_in_english_fall_back_to_finnish():
    turku = Municipality.objects.get(code="853")
    with translation.override("en"):
        assert turku.name == "Turku"
    with translation.override("sv"):
        assert turku.name == "Åbo"


@pytest.mark.parametrize("model", [Theme, ActivityType, WelfareArea])
def test_reference_lists_have_names_in_all_three_languages(model):
    rows = list(model.objects.all())
    assert rows
    for row in rows:
        assert row.name_fi and row.name_sv and row.name_en, row.code
