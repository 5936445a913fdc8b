"""The findings of the penetration test of issue 11, each reproduced as the person took it.

The flood of the security cache and the proxy are in ``test_rate_limits``, staff without
two-factor in the access matrix, and ten identical posts racing in ``test_double_posts``.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from funding.models import ContinuityReport, FundingRecord
from funding.tasks import build_continuity_report
from grants import services
from grants.models import Review
from organisations.models import Invitation, JoinRequest, Membership, Organisation
from portal.models import AreaRole
from tests.conftest import PASSWORD, once
from tests.factories import (
    GROUNDS,
    AgreementFactory,
    ApplicationFactory,
    AreaRoleFactory,
    DocumentFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)
from tests.test_organisations import registration
from tests.test_reports import scenario

pytestmark = pytest.mark.django_db

REGISTER = reverse("organisations:register")


def english(client):
    client.cookies["django_language"] = "en"
    return client


# --- 1. Taking over an organisation by claiming it ------------------------------------------------


def abandoned_organisation_with_history() -> Organisation:
    """An association whose only administrator has left: it applied, signed and kept documents."""
    organisation = OrganisationFactory.in_area("05", business_id="1234567-1")
    ApplicationFactory.in_state("decided", organisation=organisation)
    AgreementFactory(organisation=organisation, status="active")
    DocumentFactory(organisation=organisation)
    Organisation.objects.filter(pk=organisation.pk).update(first_member_at=timezone.now())
    return organisation


def test_a_stranger_registering_a_public_business_id_only_asks_the_coordinator(
    client, django_capture_on_commit_callbacks
):
    organisation = abandoned_organisation_with_history()
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    stranger = UserFactory()
    english(client).force_login(stranger)

    response = client.post(REGISTER, registration(business_id="1234567-1"))
    assert response.url == reverse("organisations:join", kwargs={"pk": organisation.pk})
    assert not Membership.objects.filter(organisation=organisation).exists()
    page = client.get(response.url).content.decode()
    assert "A coordinator of its wellbeing services county checks who you are" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"message": "Olen yhdistyksen uusi puheenjohtaja."})
    claim = JoinRequest.objects.get(organisation=organisation, user=stranger)
    assert claim.kind == JoinRequest.Kind.CLAIM
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "Olen yhdistyksen uusi puheenjohtaja." in mail.outbox[0].body

    # Until a coordinator has checked, the stranger sees nothing private.
    application = organisation.applications.get()
    for name, kwargs in [
        ("grants:organisation_applications", {"pk": organisation.pk}),
        ("grants:application", {"pk": application.pk}),
        ("organisations:documents", {"pk": organisation.pk}),
        ("familycentre:organisation_agreements", {"pk": organisation.pk}),
        ("familycentre:agreement", {"pk": organisation.cooperation_agreements.get().pk}),
        ("familycentre:agreement_pdf", {"pk": organisation.cooperation_agreements.get().pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    # Nor can the stranger decide their own claim.
    decide = reverse("organisations:decide_join_request", kwargs={"pk": organisation.pk, "request_pk": claim.pk})
    assert client.post(decide, {"decision": "accept"}).status_code == 403

    # The coordinator sees the claim on the organisation's page, checks, and accepts.
    client.force_login(coordinator)
    assert (
        "Olen yhdistyksen uusi puheenjohtaja."
        in client.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})).content.decode()
    )
    assert (
        organisation.name
        in client.get(reverse("organisations:area_organisations", kwargs={"code": "05"})).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "accept"})
    assert Membership.objects.get(organisation=organisation).user == stranger
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN
    assert mail.outbox[-1].to == [stranger.email]


def test_a_coordinator_of_another_area_cannot_hand_an_organisation_over(client):
    organisation = abandoned_organisation_with_history()
    claim = JoinRequest.objects.create(organisation=organisation, user=UserFactory(), kind=JoinRequest.Kind.CLAIM)
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    decide = reverse("organisations:decide_join_request", kwargs={"pk": organisation.pk, "request_pk": claim.pk})
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    assert not Membership.objects.exists()


def test_an_imported_record_nobody_ever_managed_is_claimed_at_once(client):
    imported = OrganisationFactory.unclaimed(name_fi="Vanha nimi ry")
    FundingRecord.objects.create(
        organisation=imported, funder_kind="municipality", funder_area=area("05"), funder_name="Turku",
        year=2024, amount=Decimal(500), source="import",
    )  # fmt: skip
    user = UserFactory()
    client.force_login(user)
    client.post(REGISTER, registration(business_id=imported.business_id))
    assert Membership.objects.get(organisation=imported).user == user


@pytest.mark.parametrize("history", ["past member", "application", "document", "agreement"])
def test_an_imported_record_with_history_is_not_claimed_without_a_check(client, history):
    imported = OrganisationFactory.unclaimed()
    if history == "past member":
        Organisation.objects.filter(pk=imported.pk).update(first_member_at=timezone.now())
    elif history == "application":
        ApplicationFactory.submitted(organisation=imported)
    elif history == "agreement":
        AgreementFactory(organisation=imported)
    else:
        DocumentFactory(organisation=imported)
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(business_id=imported.business_id))
    assert response.url == reverse("organisations:join", kwargs={"pk": imported.pk})
    assert not imported.memberships.exists()


def test_the_last_admin_of_an_organisation_with_history_hands_over_or_asks_to_close_first(
    client, django_capture_on_commit_callbacks
):
    admin = MembershipFactory.admin(organisation=OrganisationFactory.in_area("05"))
    organisation = admin.organisation
    ApplicationFactory.in_state("decided", organisation=organisation)
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    english(client).force_login(admin.user)

    page = client.get(reverse("portal:delete_account")).content.decode()
    assert "ask the area&#x27;s coordinator to close the organisation" in page
    client.post(reverse("portal:delete_account"), {"password": PASSWORD})
    assert Membership.objects.filter(pk=admin.pk).exists()

    closure = reverse("organisations:request_closure", kwargs={"pk": organisation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(closure, {"reason": "Yhdistys on purettu."})
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert client.post(reverse("portal:delete_account"), {"password": PASSWORD}).status_code == 302
    assert not Membership.objects.filter(pk=admin.pk).exists()

    # The coordinator closes it; it leaves the directory, and a stranger only asks.
    client.force_login(coordinator)
    client.post(reverse("organisations:close", kwargs={"pk": organisation.pk}))
    assert organisation.name not in client.get(reverse("organisations:directory")).content.decode()
    client.force_login(UserFactory())
    client.post(REGISTER, registration(business_id="", register_number=organisation.register_number))
    assert not organisation.memberships.exists()


# --- 3. Pages are never older than the permission to see them --------------------------------------


def test_a_removed_member_no_longer_sees_the_applications(client):
    member = MembershipFactory()
    ApplicationFactory.submitted(organisation=member.organisation, title="Salainen hanke")
    applications = reverse("grants:organisation_applications", kwargs={"pk": member.organisation_id})
    client.force_login(member.user)
    assert "Salainen hanke" in client.get(applications).content.decode()
    member.delete()
    assert client.get(applications).status_code == 403


def test_a_role_that_has_ended_opens_nothing_on_the_next_request(client):
    role = AreaRoleFactory.councillor(area=area("05"))
    dashboard = reverse("workspace:dashboard", kwargs={"code": "05"})
    client.force_login(role.user)
    assert client.get(dashboard).status_code == 200
    AreaRole.objects.filter(pk=role.pk).update(valid_to=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(dashboard).status_code == 403


# --- 5. A reviewer who joins the applicant --------------------------------------------------------


def test_a_reviewer_who_joins_the_applicant_loses_the_review_and_the_scores_are_flagged(client):
    application = ApplicationFactory.in_review()
    criteria = list(application.call.criteria.all())
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    assignment = application.assignments.create(reviewer=reviewer)
    review_page = reverse("grants:review", kwargs={"pk": assignment.pk})
    scores = {f"score_{criteria[0].pk}": "5", f"score_{criteria[1].pk}": "5", "recommended_outcome": "approve"}
    client.force_login(reviewer)
    assert client.post(review_page, scores).status_code == 302
    assert services.average_score(application, criteria) == Decimal("5.00")

    MembershipFactory(user=reviewer, organisation=application.organisation)
    assert client.get(review_page).status_code == 404
    assert client.post(review_page, scores | {f"score_{criteria[0].pk}": "0"}).status_code == 404
    assert Review.objects.get().scores[str(criteria[0].pk)] == 5  # unchanged
    assert str(application.title) not in client.get(reverse("grants:my_reviews")).content.decode()
    assert services.average_score(application, criteria) is None

    english(client).force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    page = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Joined the applicant organisation after being assigned" in page
    assert "Average weighted score" not in page


# --- 6. Money: a decision within what was asked and the call's largest grant -----------------------


def decide(client, application, **changes):
    data = {"outcome": "approved", "amount": "20000", "rationale": GROUNDS, **once()} | changes
    return client.post(reverse("grants:decision", kwargs={"pk": application.pk}), data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome": "partly_approved", "amount": "60000", "rationale": "x"}, "amount",
         "A grant cannot exceed the amount applied for (20"),
        ({"outcome": "partly_approved", "amount": "19000"}, "amount", "The call&#x27;s largest grant is 15"),
        ({"outcome": "approved", "amount": "12000"}, "outcome", "choose “Partly approved”"),
        ({"outcome": "partly_approved", "amount": "20000"}, "outcome", "choose “Approved”"),
        ({"outcome": "rejected", "amount": "", "rationale": "x"}, "rationale", "at least 20 characters"),
    ],
)  # fmt: skip
def test_a_decision_beyond_the_limits_is_refused_beside_its_field(client, changes, field, message):
    call = GrantCallFactory(max_amount=Decimal("15000") if "largest" in message else Decimal("30000"))
    application = ApplicationFactory.in_review(call=call)
    english(client).force_login(AreaRoleFactory.decision_maker(area=area("05")).user)
    response = decide(client, application, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    error = html.partition(f'id="id_{field}_error"')[2].partition("</div>")[0]
    assert message in error, html.partition('class="error-summary"')[2][:1500]
    application.refresh_from_db()
    assert application.status == "in_review"
    assert not FundingRecord.objects.exists()


def test_the_service_refuses_an_amount_above_the_request_even_without_the_form():
    application = ApplicationFactory.in_review()
    decision_maker = AreaRoleFactory.decision_maker(area=area("05")).user
    with pytest.raises(services.ValidationError):
        services.record_decision(
            application, decision_maker, outcome="partly_approved", amount=Decimal(60000), rationale=GROUNDS
        )
    assert not FundingRecord.objects.exists()


# --- 7. The low findings ---------------------------------------------------------------------------


def test_invitations_are_limited_per_sender_and_say_so_beside_the_address(client):
    admin = MembershipFactory.admin()
    english(client).force_login(admin.user)
    invite = reverse("organisations:invite", kwargs={"pk": admin.organisation_id})
    statuses = [
        client.post(invite, {"email": f"stranger{n}@example.net", "role": "member", **once()}).status_code
        for n in range(25)
    ]
    assert statuses.count(302) == services_limit()
    assert Invitation.objects.count() == services_limit()
    response = client.post(invite, {"email": "one-more@example.net", "role": "member", **once()})
    assert response.status_code == 400
    assert "invitations in the last hour" in response.content.decode().partition('id="id_email_error"')[2][:300]


def test_invitations_are_limited_per_organisation_whoever_sends_them(client):
    """Several admins cannot together send the portal's emails to strangers in bulk."""
    from organisations.services import INVITATIONS_PER_ORGANISATION_PER_DAY

    organisation = OrganisationFactory()
    for number in range(INVITATIONS_PER_ORGANISATION_PER_DAY):
        Invitation.objects.create(
            organisation=organisation, email=f"earlier{number}@example.net", role="member",
            invited_by=MembershipFactory.admin(organisation=organisation).user,
        )  # fmt: skip
    admin = MembershipFactory.admin(organisation=organisation)
    english(client).force_login(admin.user)
    response = client.post(
        reverse("organisations:invite", kwargs={"pk": organisation.pk}),
        {"email": "one-more@example.net", "role": "member", **once()},
    )
    assert response.status_code == 400
    beside = response.content.decode().partition('id="id_email_error"')[2][:300]
    assert f"The organisation has sent {INVITATIONS_PER_ORGANISATION_PER_DAY} invitations today" in beside
    assert not Invitation.objects.filter(email="one-more@example.net").exists()


def services_limit() -> int:
    from organisations.services import INVITATIONS_PER_SENDER_PER_HOUR

    return INVITATIONS_PER_SENDER_PER_HOUR


def test_the_invitation_email_names_the_inviter_by_address_and_is_not_html_escaped(
    client, django_capture_on_commit_callbacks
):
    admin = MembershipFactory.admin(
        organisation=OrganisationFactory(name_fi="A & B ry"), user__full_name="Anna <Admin>"
    )
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:invite", kwargs={"pk": admin.organisation_id}),
            {"email": "kollega@example.org", "role": "member", **once()},
        )
    body = mail.outbox[0].body
    assert "A & B ry" in body and "&amp;" not in body
    assert "Anna <Admin>" in body and admin.user.email in body


def test_a_published_report_page_shows_the_figures_of_its_pdf_not_todays_ledger(client):
    report = scenario()
    build_continuity_report(report.pk)
    report.refresh_from_db()
    ContinuityReport.objects.filter(pk=report.pk).update(published_at=timezone.now())
    # After the report: a large grant is recorded in the ledger.
    FundingRecord.objects.create(
        organisation=OrganisationFactory(name_fi="Myöhempi Yhdistys ry"), funder_kind="welfare_area",
        funder_area=area("05"), funder_name="Alue", year=2026, amount=Decimal(300808), source="import",
    )  # fmt: skip
    client.force_login(AreaRoleFactory.councillor(area=area("05")).user)
    page = client.get(reverse("funding:report_html", kwargs={"pk": report.pk})).content.decode()
    page = page.replace("\xa0", " ").replace("\u202f", " ")
    assert "Vakaa Yhdistys ry" in page and "Katkennut Yhdistys ry" in page
    assert "Myöhempi Yhdistys ry" not in page
    assert "301 708" not in page and "300 808" not in page


def test_a_national_viewer_downloads_their_own_data(client):
    viewer = UserFactory()
    AreaRole.objects.create(user=viewer, role=AreaRole.Role.NATIONAL_VIEWER)
    client.force_login(viewer)
    response = client.get(reverse("portal:my_data"))
    assert response.status_code == 200
    assert json.loads(response.content)["area_roles"] == [
        {"area": None, "role": "national_viewer", "valid_from": str(timezone.localdate()), "valid_to": ""}
    ]


def test_signed_in_pages_and_downloads_are_not_stored_by_browsers_or_proxies(client):
    member = MembershipFactory()
    document = DocumentFactory(organisation=member.organisation, file=ContentFile(b"%PDF-1.4 x", name="x.pdf"))
    assert "no-store" not in client.get(reverse("organisations:directory")).get("Cache-Control", "")
    client.force_login(member.user)
    for path in (
        reverse("workspace:home"),
        reverse("organisations:directory"),
        reverse("organisations:download_document", kwargs={"pk": member.organisation_id, "document_pk": document.pk}),
    ):
        cache_control = client.get(path)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, path
