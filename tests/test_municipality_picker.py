"""Choosing municipalities: grouped by wellbeing area, a whole area at once, the list built once per language."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from grants.forms import ApplicationForm
from organisations.forms import OrganisationForm
from portal import municipalities
from portal.models import Municipality, WelfareArea
from tests.conftest import once
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def area_05_keys() -> set[str]:
    return {str(pk) for pk in Municipality.objects.filter(area__code="05").values_list("pk", flat=True)}


def test_every_area_is_a_fieldset_with_a_legend_and_a_choice_for_the_whole_area():
    with translation.override("en"):
        html = str(OrganisationForm()["municipalities"])
    assert "<select" not in html
    assert html.count("<fieldset>") == WelfareArea.objects.count() == 22
    assert '<legend class="visually-hidden">Wellbeing services county of Southwest Finland</legend>' in html
    assert 'value="area:05"' in html
    assert "The whole area (all 27 municipalities)" in html
    assert len(re.findall(r'type="checkbox" name="municipalities"', html)) == Municipality.objects.count() + 22
    # Nothing chosen yet: every area folded.
    assert '<details class="municipality-picker__area" open>' not in html


def test_names_in_the_language_in_its_alphabetical_order():
    with translation.override("sv"):
        groups = {group.code: group for group in municipalities.area_groups()}
    names = [name for _key, name in groups["05"].municipalities]
    assert groups["05"].name == "Egentliga Finlands välfärdsområde"
    assert names[0] == "Aura" and names[-1] == "Åbo"
    assert sorted(["Öja", "Ähtäri", "Åbo", "Zorro"], key=municipalities._sort_key) == ["Zorro", "Åbo", "Ähtäri", "Öja"]


def test_the_list_is_built_once_per_language_and_forgotten_when_the_reference_data_changes():
    municipalities.forget()
    with translation.override("fi"):
        municipalities.area_groups()
        with CaptureQueriesContext(connection) as queries:
            OrganisationForm()["municipalities"].as_widget()
            municipalities.area_groups()
        assert len(queries) == 0
        kaarina = Municipality.objects.get(code="202")
        kaarina.name_fi = "Kaarinan kaupunki"
        kaarina.save()
        names = [name for group in municipalities.area_groups() for _key, name in group.municipalities]
    assert "Kaarinan kaupunki" in names


def test_a_whole_area_chooses_all_its_municipalities_and_more_can_be_added():
    helsinki = str(Municipality.objects.get(code="091").pk)
    field = OrganisationForm().fields["municipalities"]
    assert set(field.clean(["area:05", helsinki])) == area_05_keys() | {helsinki}
    assert field.clean([]) == []


@pytest.mark.parametrize("value", ["05", "area:99", "area:", "999999999", "x" * 1000, "area:05\x00"])
def test_anything_else_is_refused(value):
    field = OrganisationForm().fields["municipalities"]
    with pytest.raises(ValidationError):
        field.clean([value])


def test_an_organisation_operating_in_a_whole_area_sees_it_ticked_and_open(client):
    organisation = OrganisationFactory.in_area("05")
    organisation.municipalities.set(Municipality.objects.filter(area__code="05"))
    with translation.override("en"):
        html = str(OrganisationForm(instance=organisation)["municipalities"])
    whole = re.search(r'<input type="checkbox" name="municipalities" value="area:05"[^>]*>', html).group(0)
    assert "checked" in whole
    assert html.count('<details class="municipality-picker__area" open>') == 1
    assert "27 of 27 chosen" in html


def test_registering_with_a_whole_area_and_one_more_municipality(client):
    admin = MembershipFactory.admin().user
    organisation = admin.memberships.get().organisation
    helsinki = Municipality.objects.get(code="091")
    client.force_login(admin)
    response = client.post(
        reverse("organisations:edit", kwargs={"pk": organisation.pk}),
        {"name_fi": organisation.name_fi, "business_id": organisation.business_id or "",
         "register_number": organisation.register_number or "", "kind": organisation.kind,
         "home_municipality": organisation.home_municipality_id, "municipalities": ["area:05", str(helsinki.pk)],
         **once()},
    )  # fmt: skip
    assert response.status_code == 302
    assert {str(pk) for pk in organisation.municipalities.values_list("pk", flat=True)} == area_05_keys() | {
        str(helsinki.pk)
    }


def test_the_application_form_uses_the_same_picker():
    application = ApplicationFactory()
    application.municipalities.set([Municipality.objects.get(code="202")])
    with translation.override("fi"):
        html = str(ApplicationForm(instance=application)["municipalities"])
    assert "data-municipality-picker" in html
    kaarina = Municipality.objects.get(code="202").pk
    assert re.search(rf'value="{kaarina}" id="id_municipalities_{kaarina}" checked', html)
