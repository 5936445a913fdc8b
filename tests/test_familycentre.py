from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from familycentre import services
from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from tests.conftest import once
from tests.factories import (
    AgreementFactory,
    AreaRoleFactory,
    FamilyCentreFactory,
    MembershipFactory,
    OrganisationFactory,
    area,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    return AreaRoleFactory.coordinator(area=area("05")).user


def step(client, agreement, name: str):
    return client.post(reverse("familycentre:agreement_step", kwargs={"pk": agreement.pk, "name": name}))


def test_the_agreement_is_signed_by_both_sides_and_rendered_as_a_pdf(
    client, coordinator, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory()
    admin = MembershipFactory.admin(organisation=agreement.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(coordinator)
        step(client, agreement, "send")
        client.force_login(admin)
        step(client, agreement, "sign")
        client.force_login(coordinator)
        step(client, agreement, "countersign")
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert (agreement.sent_by, agreement.signed_by, agreement.countersigned_by) == (coordinator, admin, coordinator)
    assert agreement.pdf_is_current
    for person in (admin, coordinator):
        client.force_login(person)
        response = client.get(reverse("familycentre:agreement_pdf", kwargs={"pk": agreement.pk}))
        assert response["Content-Disposition"].startswith("attachment")
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
        )
        assert agreement.centre.name_fi in text
        assert agreement.organisation.name_fi in text
        assert agreement.organisation.business_id in text
        assert "1.1.2027" in text and "31.12.2027" in text


def test_rendering_twice_does_the_work_once():
    agreement = AgreementFactory(status="sent")
    assert services.render_pdf(agreement.pk) is True
    first = CooperationAgreement.objects.get(pk=agreement.pk).pdf.name
    assert services.render_pdf(agreement.pk) is False
    assert CooperationAgreement.objects.get(pk=agreement.pk).pdf.name == first


def test_ngo_a_can_neither_see_nor_sign_bs_agreement(client):
    agreement = AgreementFactory(status="sent")
    outsider = MembershipFactory.admin().user
    client.force_login(outsider)
    assert client.get(reverse("familycentre:agreement", kwargs={"pk": agreement.pk})).status_code == 403
    assert client.get(reverse("familycentre:agreement_pdf", kwargs={"pk": agreement.pk})).status_code == 403
    assert step(client, agreement, "sign").status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "sent"


def test_a_plain_member_cannot_sign_for_the_organisation(client):
    agreement = AgreementFactory(status="sent")
    client.force_login(MembershipFactory(organisation=agreement.organisation).user)
    step(client, agreement, "sign")
    agreement.refresh_from_db()
    assert agreement.status == "sent"


def test_a_coordinator_of_another_area_cannot_touch_the_centre(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    agreement = AgreementFactory(status="signed")
    centre = agreement.centre
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    for name, kwargs in [
        ("familycentre:centre_edit", {"pk": centre.pk}),
        ("familycentre:network", {"pk": centre.pk}),
        ("familycentre:agreement_create", {"centre_pk": centre.pk}),
        ("familycentre:agreement", {"pk": agreement.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    assert (
        client.post(reverse("familycentre:network", kwargs={"pk": centre.pk}), {"member_type": "parish"}).status_code
        == 403
    )
    assert step(client, agreement, "countersign").status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert centre.members.count() == 1


def test_an_agreement_about_to_end_gets_exactly_one_reminder(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    soon = AgreementFactory.active_until(today + datetime.timedelta(days=30))
    later = AgreementFactory.active_until(today + datetime.timedelta(days=90))
    admin = MembershipFactory.admin(organisation=soon.organisation, user__preferred_language="sv").user
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    MembershipFactory.admin(organisation=later.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.send_reminders()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([admin.email, coordinator.email])
    swedish = next(message for message in mail.outbox if message.to == [admin.email])
    assert "upphör" in swedish.subject


def test_ended_agreements_expire():
    ended = AgreementFactory.active_until(timezone.localdate() - datetime.timedelta(days=1))
    assert services.expire_ended() == 1
    ended.refresh_from_db()
    assert ended.status == "expired"


def test_centres_without_an_active_ngo_representative_are_flagged(client, coordinator):
    FamilyCentreFactory.with_ngo(OrganisationFactory(), name_fi="Edustettu keskus")
    lonely = FamilyCentreFactory(name_fi="Yksinäinen keskus")
    NetworkMember.objects.create(
        centre=lonely, member_type="ngo", organisation=OrganisationFactory(), representative_name="Lähtenyt",
        joined_on=datetime.date(2024, 1, 1), left_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    flagged = [c.name_fi for c in FamilyCentre.objects.with_ngo_representation() if not c.has_ngo_representative]
    assert flagged == ["Yksinäinen keskus"]
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("familycentre:overview", kwargs={"code": "05"})).content.decode()
    assert html.count("No active NGO representative") == 1


def test_an_ngo_in_the_network_lists_an_activity_that_families_find(client):
    organisation = OrganisationFactory()
    centre = FamilyCentreFactory.with_ngo(organisation)
    centre.municipalities.add(*area("05").municipalities.filter(code="853"))
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    response = client.post(
        reverse("familycentre:activities", kwargs={"pk": organisation.pk}),
        {
            "centre": centre.pk, "name": "Vauvakahvila", "description": "Avoin kahvila.", "target_group": "babies",
            "age_from": "0", "age_to": "2", "languages": ["fi", "sv"], "time_and_place": "Ti 10–12",
            "contact": "info@example.org", **once(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    client.logout()
    public = reverse("familycentre:centre", kwargs={"pk": centre.pk})
    assert "Vauvakahvila" in client.get(public, {"language": "sv", "municipality": "853"}).content.decode()
    assert "Vauvakahvila" not in client.get(public, {"target_group": "young_people"}).content.decode()
    area_page = reverse("familycentre:area_centres", kwargs={"code": "05"})
    assert "Vauvakahvila" in client.get(area_page, {"target_group": "babies"}).content.decode()


def test_an_ngo_outside_the_network_cannot_list_activities_there(client):
    centre = FamilyCentreFactory.with_ngo(OrganisationFactory())
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    client.post(
        reverse("familycentre:activities", kwargs={"pk": outsider.organisation_id}),
        {"centre": centre.pk, "name": "Tunkeilija", "description": "x", "target_group": "babies", "languages": ["fi"],
         "time_and_place": "x", "contact": "x"},
    )  # fmt: skip
    assert not FamilyCentreActivity.objects.exists()


def test_an_agreement_that_ends_before_it_begins_is_refused(client, coordinator):
    organisation = OrganisationFactory()
    centre = FamilyCentreFactory.with_ngo(organisation)
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("familycentre:agreement_create", kwargs={"centre_pk": centre.pk}),
        {"organisation": organisation.pk, "language": "fi", "scope": "x", "responsibilities": "y", "area_contact": "a",
         "organisation_contact": "b", "area_privacy_contact": "c", "organisation_privacy_contact": "d",
         "valid_from": "2027-05-01", "valid_to": "2027-01-01"},
    )  # fmt: skip
    assert "cannot end before it begins" in response.content.decode()
    assert not CooperationAgreement.objects.exists()
