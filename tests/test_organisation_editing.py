"""Who changes what of an organisation's profile: its administrators what it is and how it is
reached and paid; every member what it does and where."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Theme
from tests.conftest import once
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

IBAN = "FI21 1234 5600 0007 85"


@pytest.fixture
def organisation():
    organisation = OrganisationFactory.in_area("05", name_fi="Salon Seniorit ry", iban="FI2112345600000785")
    MembershipFactory.admin(organisation=organisation, user__full_name="Anna Pääkäyttäjä")
    return organisation


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_member_sees_the_bank_account_but_edits_only_the_description_of_activity(client, organisation):
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    detail = text(client.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})))
    assert IBAN in detail
    assert "Edit the description of activity" in detail
    assert "Edit details" not in detail

    response = client.get(reverse("organisations:edit", kwargs={"pk": organisation.pk}))
    assert response.status_code == 200
    page = text(response)
    for field in ("name_fi", "business_id", "register_number", "iban", "contact_email", "phone", "home_municipality",
                  "municipalities"):  # fmt: skip
        assert f'name="{field}"' not in page, field
    assert 'name="description_fi"' in page
    assert "changed by its administrators: Anna Pääkäyttäjä." in page


def test_a_member_cannot_change_the_name_or_the_bank_account(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation).user)
    theme = Theme.objects.get(code="older-people")
    response = client.post(
        reverse("organisations:edit", kwargs={"pk": organisation.pk}),
        {"name_fi": "Kaapattu ry", "iban": "FI49 5000 9420 0287 30", "contact_email": "huijari@example.org",
         "description_fi": "Kävelyryhmiä.", "themes": [theme.pk], "languages": ["fi"], **once()},
    )  # fmt: skip
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description_fi == "Kävelyryhmiä."
    assert list(organisation.themes.all()) == [theme]
    assert (organisation.name_fi, organisation.iban) == ("Salon Seniorit ry", "FI2112345600000785")
    assert organisation.contact_email != "huijari@example.org"


def test_an_admin_edits_the_whole_profile(client, organisation):
    client.force_login(organisation.memberships.get(role="admin").user)
    client.cookies["django_language"] = "en"
    detail = text(client.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})))
    assert "Edit details" in detail
    page = text(client.get(reverse("organisations:edit", kwargs={"pk": organisation.pk})))
    assert 'name="iban"' in page and 'name="name_fi"' in page
    response = client.post(
        reverse("organisations:edit", kwargs={"pk": organisation.pk}),
        {"name_fi": "Salon Seniorit ry", "business_id": organisation.business_id or "",
         "register_number": organisation.register_number or "", "kind": organisation.kind,
         "home_municipality": organisation.home_municipality_id, "iban": "FI49 5000 9420 0287 30", **once()},
    )  # fmt: skip
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.iban == "FI4950009420028730"


def test_members_still_keep_the_documents(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation).user)
    page = text(client.get(reverse("organisations:documents", kwargs={"pk": organisation.pk})))
    assert 'type="file"' in page
