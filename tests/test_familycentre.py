from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from familycentre import services
from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from tests.conftest import once
from tests.factories import (
    AgreementFactory,
    AreaRoleFactory,
    FamilyCentreActivityFactory,
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
            "centres": [centre.pk], "name_fi": "Vauvakahvila", "description_fi": "Avoin kahvila.",
            "time_and_place_fi": "Ti 10–12", "name_sv": "Babycafé", "description_sv": "Ett öppet café.",
            "time_and_place_sv": "Tis 10–12", "target_group": "babies", "age_from": "0", "age_to": "2",
            "languages": ["fi", "sv"], "contact": "info@example.org", **once(),
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
        {"centres": [centre.pk], "name_fi": "Tunkeilija", "description_fi": "x", "target_group": "babies",
         "languages": ["fi"], "time_and_place_fi": "x", "contact": "x", **once()},
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


def test_an_activity_of_two_centres_is_listed_once_in_the_area_and_on_each_centres_page(client):
    organisation = OrganisationFactory()
    turku = FamilyCentreFactory.with_ngo(organisation, name_fi="Turun perhekeskus")
    network = FamilyCentreFactory.with_ngo(organisation, name_fi="Turun seudun perhekeskusverkosto")
    for centre in (turku, network):  # both serve Turku: a join through them would list the activity twice
        centre.municipalities.add(*area("05").municipalities.filter(code="853"))
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    client.post(
        reverse("familycentre:activities", kwargs={"pk": organisation.pk}),
        {"centres": [turku.pk, network.pk], "name_fi": "Vauvakahvila", "description_fi": "Avoin kahvila.",
         "time_and_place_fi": "Ti 10–12", "target_group": "babies", "languages": ["fi"],
         "contact": "info@example.org", **once()},
    )  # fmt: skip
    activity = FamilyCentreActivity.objects.get()
    assert set(activity.centres.all()) == {turku, network}
    client.logout()
    area_page = reverse("familycentre:area_centres", kwargs={"code": "05"})
    for query in ({}, {"municipality": "853"}, {"municipality": "853", "language": "fi"}):
        html = client.get(area_page, query).content.decode()
        assert html.count("<h3>Vauvakahvila</h3>") == 1, query
        assert "Turun perhekeskus</a>" in html and "Turun seudun perhekeskusverkosto</a>" in html
    for centre in (turku, network):
        html = client.get(reverse("familycentre:centre", kwargs={"pk": centre.pk})).content.decode()
        assert html.count("<h3>Vauvakahvila</h3>") == 1


def test_families_read_activities_and_centres_in_their_language_or_else_in_finnish(client):
    centre = FamilyCentreFactory(
        name_fi="Turun perhekeskus", name_sv="Åbo familjecentral",
        meeting_places_fi="Perhekahvila\nLeikkipuisto", meeting_places_sv="Familjecafé\nLekpark",
    )  # fmt: skip
    FamilyCentreActivityFactory(
        centres=[centre], name_fi="Vauvakahvila", name_sv="Babycafé", name_en="Baby café",
        description_fi="Avoin kahvila.", description_sv="Ett öppet café.", time_and_place_fi="Tiistaisin",
        time_and_place_sv="Tisdagar", serves_sv=True,
    )  # fmt: skip
    page = reverse("familycentre:centre", kwargs={"pk": centre.pk})
    client.cookies["django_language"] = "sv"
    html = client.get(page).content.decode()
    for swedish in ("Åbo familjecentral", "Lekpark", "Babycafé", "Ett öppet café.", "Tisdagar"):
        assert swedish in html, swedish
    assert "Vauvakahvila" not in html and "Leikkipuisto" not in html
    client.cookies["django_language"] = "en"
    html = client.get(page).content.decode()
    # English where it was written, Finnish where it was not.
    for shown in ("Baby café", "Avoin kahvila.", "Tiistaisin", "Turun perhekeskus", "Leikkipuisto"):
        assert shown in html, shown


def test_an_activity_offered_in_swedish_needs_its_swedish_texts(client):
    organisation = OrganisationFactory()
    centre = FamilyCentreFactory.with_ngo(organisation)
    client.force_login(MembershipFactory(organisation=organisation).user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("familycentre:activities", kwargs={"pk": organisation.pk}),
        {"centres": [centre.pk], "name_fi": "Vauvakahvila", "description_fi": "Avoin kahvila.",
         "time_and_place_fi": "Ti 10–12", "name_sv": "Babycafé", "target_group": "babies",
         "languages": ["fi", "sv"], "contact": "info@example.org", **once()},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Write this in Swedish too: the activity is offered in Swedish.") == 2 * 2  # summary, field
    assert not FamilyCentreActivity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_one_activity_of_its_rows_per_centre_with_the_texts_in_finnish(reference_data):
    before = [("familycentre", "0002_agreement_pdf_failed_at")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Centre = old.get_model("familycentre", "FamilyCentre")
    Activity = old.get_model("familycentre", "FamilyCentreActivity")
    organisation = OrganisationFactory().pk  # the organisations' tables are as they are now
    turku, salo = (Centre.objects.create(area_id=area("05").pk, name_fi=name, meeting_places="Perhekahvila")
                   for name in ("Turun perhekeskus", "Salon perhekeskus"))  # fmt: skip
    same = {"organisation_id": organisation, "name": "Vauvakahvila", "description": "Avoin kahvila.",
            "target_group": "babies", "time_and_place": "Ti 10–12", "contact": "x@example.org"}  # fmt: skip
    Activity.objects.create(centre=turku, **same)
    Activity.objects.create(centre=salo, **same)
    Activity.objects.create(centre=salo, **{**same, "name": "Isäkerho"})

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    cafe, club = FamilyCentreActivity.objects.order_by("name_fi").reverse()
    assert (cafe.name_fi, cafe.description_fi, cafe.time_and_place_fi, cafe.name_sv) == (
        "Vauvakahvila", "Avoin kahvila.", "Ti 10–12", "",
    )  # fmt: skip
    assert sorted(cafe.centres.values_list("name_fi", flat=True)) == ["Salon perhekeskus", "Turun perhekeskus"]
    assert list(club.centres.values_list("name_fi", flat=True)) == ["Salon perhekeskus"]
    assert FamilyCentre.objects.get(name_fi="Turun perhekeskus").meeting_places_fi == "Perhekahvila"
