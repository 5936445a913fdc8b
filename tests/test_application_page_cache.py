"""The application page keeps its content between changes (grants/pages.py): every change a person
could make, or that happens to the people and things it names, shows on the next view; what one
viewer may see is never shown to another; each person's forms carry their own CSRF token."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants import services
from grants.models import Decision, DecisionDocument, Payment, Review, ReviewAssignment, ScoringCriterion
from grants.pages import CSRF_PLACEHOLDER, SUBMISSION_PLACEHOLDER
from tests.factories import (
    ApplicationFactory,
    AreaRoleFactory,
    MembershipFactory,
    UserFactory,
    area,
    enable_totp,
)

pytestmark = pytest.mark.django_db


def page(client: Client, application_id: int) -> str:
    answer = client.get(reverse("grants:application", kwargs={"pk": application_id}))
    assert answer.status_code == 200
    return answer.content.decode().replace("\u00a0", " ")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def coordinator():
    role = AreaRoleFactory.coordinator(area=area("05"))
    enable_totp(role.user)
    return role.user


def test_a_message_shows_on_the_next_view_of_a_kept_page(coordinator):
    application = ApplicationFactory.in_review()
    client = signed_in(coordinator)
    assert "Please send the budget again" not in page(client, application.pk)
    services.add_message(application, coordinator, "Please send the budget again", internal=False)
    assert "Please send the budget again" in page(client, application.pk)


def test_a_payment_a_review_and_a_new_weight_show_at_once(coordinator):
    application = ApplicationFactory.in_state("decided")
    reviewer = AreaRoleFactory.reviewer(area=area("05"), user=UserFactory(full_name="Rauni Arvioija")).user
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    client = signed_in(coordinator)
    first = page(client, application.pk)
    assert "Not reviewed yet" in first and "Payments" not in first

    Payment.objects.create(decision=application.decision, amount=Decimal("5000"), paid_on=timezone.localdate())
    review = Review.objects.create(assignment=assignment, scores={}, comment="Selkeä suunnitelma.")
    shown = page(client, application.pk)
    assert "5,000.00 €" in shown and "Selkeä suunnitelma." in shown

    criterion = ScoringCriterion.objects.filter(call=application.call).first()
    review.scores = {str(criterion.pk): 4}
    review.save()
    assert "Average weighted score: 4.00 / 5" in page(client, application.pk)


def test_a_reviewer_who_joins_the_applicant_is_shown_as_a_conflict_at_once(coordinator):
    application = ApplicationFactory.in_review()
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    client = signed_in(coordinator)
    assert "Joined the applicant organisation" not in page(client, application.pk)
    MembershipFactory(user=reviewer, organisation=application.organisation)
    assert "Joined the applicant organisation" in page(client, application.pk)


def test_a_renamed_organisation_and_a_renamed_or_deleted_person_show_at_once(
    coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory.in_review()
    author = UserFactory(full_name="Kaija Kirjoittaja")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(application, author, "Lisätietoa tulossa.", internal=False)
    client = signed_in(coordinator)
    assert "Kaija Kirjoittaja" in page(client, application.pk)

    application.organisation.name_fi = "Uusi Nimi ry"
    application.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        author.full_name = "Kaija Toinen"
        author.save()
    shown = page(client, application.pk)
    assert "Uusi Nimi ry" in shown and "Kaija Toinen" in shown and "Kaija Kirjoittaja" not in shown

    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    assert "Kaija Toinen" not in page(client, application.pk)


def test_a_decision_reference_set_in_bulk_and_the_first_opening_show(coordinator):
    application = ApplicationFactory.in_state("decided")
    client = signed_in(coordinator)
    assert "VH/2027/17" not in page(client, application.pk)
    services.set_reference([application.decision], "VH/2027/17")
    assert "VH/2027/17" in page(client, application.pk)
    document = DecisionDocument.objects.create(
        decision=application.decision,
        language="fi",
        decision_decided_at=timezone.now(),
        sent_at=timezone.now(),
        notified_on=timezone.localdate(),
        review_deadline=timezone.localdate(),
    )
    assert "not opened yet" in page(client, application.pk)
    from grants import documents

    member = MembershipFactory(organisation=application.organisation, user=UserFactory(full_name="Oili Avaaja")).user
    assert documents.record_opening(document, member)
    assert "Oili Avaaja" in page(client, application.pk)


def test_what_the_coordinator_sees_is_not_shown_to_the_applicant_from_the_kept_page(coordinator):
    application = ApplicationFactory.in_review()
    services.add_message(application, coordinator, "Sisäinen huomio: tarkista talous.", internal=True)
    member = MembershipFactory(organisation=application.organisation).user
    assert "Sisäinen huomio" in page(signed_in(coordinator), application.pk)  # kept for coordinators
    own = page(signed_in(member), application.pk)
    assert "Sisäinen huomio" not in own and "Reviews" not in own and "Assign a reviewer" not in own


def test_a_coordinator_whose_role_ended_is_refused_even_with_the_page_kept(coordinator):
    application = ApplicationFactory.in_review()
    client = signed_in(coordinator)
    page(client, application.pk)
    coordinator.area_roles.all().delete()
    assert client.get(reverse("grants:application", kwargs={"pk": application.pk})).status_code == 403


def test_each_person_gets_their_own_csrf_token_in_the_kept_forms(coordinator):
    application = ApplicationFactory.in_review()
    other = AreaRoleFactory.coordinator(area=area("05")).user
    enable_totp(other)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(coordinator)
    second.force_login(other)
    first.cookies["django_language"] = second.cookies["django_language"] = "en"
    url = reverse("grants:application", kwargs={"pk": application.pk})
    tokens = []
    for client in (first, second):
        html = client.get(url).content.decode()
        assert CSRF_PLACEHOLDER not in html
        message_form = html[html.index(reverse("grants:message", kwargs={"pk": application.pk})) :]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', message_form).group(1))
    sent = first.post(
        reverse("grants:message", kwargs={"pk": application.pk}),
        {"text": "Tarkistettu.", "csrfmiddlewaretoken": tokens[0], "submission": ""},
    )
    assert sent.status_code in (200, 302)
    refused = first.post(
        reverse("grants:message", kwargs={"pk": application.pk}),
        {"text": "Toisen avaimella.", "csrfmiddlewaretoken": tokens[1]},
    )
    assert refused.status_code == 403


# --- The reviewer's list ------------------------------------------------------------------------

MY_REVIEWS = reverse("grants:my_reviews")


def test_the_reviewers_list_follows_each_change_to_what_it_shows(django_capture_on_commit_callbacks):
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    first = ApplicationFactory.in_review(title="Ensimmäinen hakemus")
    assignment = ReviewAssignment.objects.create(application=first, reviewer=reviewer)
    client = signed_in(reviewer)
    shown = client.get(MY_REVIEWS).content.decode()
    assert "Ensimmäinen hakemus" in shown and "1 to do" in shown

    second = ApplicationFactory.in_review(title="Toinen hakemus")
    ReviewAssignment.objects.create(application=second, reviewer=reviewer)  # assigned
    assert "2 to do" in client.get(MY_REVIEWS).content.decode()

    Review.objects.create(assignment=assignment, scores={})  # reviewed
    shown = client.get(MY_REVIEWS).content.decode()
    assert "1 to do" in shown and "1 done" in shown and "Ensimmäinen hakemus" not in shown

    second.title = "Toinen hakemus, korjattu"  # retitled
    second.save()
    assert "Toinen hakemus, korjattu" in client.get(MY_REVIEWS).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        second.organisation.name_fi = "Nimetty Uudelleen ry"  # its organisation renamed
        second.organisation.save()
    assert "Nimetty Uudelleen ry" in client.get(MY_REVIEWS).content.decode()

    MembershipFactory(user=reviewer, organisation=second.organisation)  # joined the applicant
    assert "0 to do" in client.get(MY_REVIEWS).content.decode()


def test_a_withdrawn_application_leaves_the_reviewers_list():
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    application = ApplicationFactory.in_review(title="Peruttava hakemus")
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    client = signed_in(reviewer)
    assert "Peruttava hakemus" in client.get(MY_REVIEWS).content.decode()
    application.status = "withdrawn"
    application.save()
    assert "Peruttava hakemus" not in client.get(MY_REVIEWS).content.decode()


def test_a_reviewer_role_that_ended_empties_the_kept_list(monkeypatch):
    today = timezone.localdate()
    role = AreaRoleFactory.reviewer(area=area("05"), valid_to=today)
    application = ApplicationFactory.in_review(title="Arvioitava hakemus")
    ReviewAssignment.objects.create(application=application, reviewer=role.user)
    client = signed_in(role.user)
    assert "Arvioitava hakemus" in client.get(MY_REVIEWS).content.decode()
    import datetime

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert "Arvioitava hakemus" not in client.get(MY_REVIEWS).content.decode()


def test_the_organisations_list_of_applications_shows_each_change_at_once():
    application = ApplicationFactory.in_review(title="Kerhotoiminta")
    member = MembershipFactory(organisation=application.organisation).user
    client = signed_in(member)
    url = reverse("grants:organisation_applications", kwargs={"pk": application.organisation_id})
    assert "In review" in client.get(url).content.decode()
    ApplicationFactory(organisation=application.organisation, call=application.call, title="Uusi luonnos")
    application.status = "decided"
    application.save()
    Decision.objects.create(application=application, outcome="approved", amount=Decimal("12000"), rationale="Hyvä.")
    shown = client.get(url).content.decode().replace("\u00a0", " ")
    assert "Uusi luonnos" in shown and "12,000.00 €" in shown and "In review" not in shown


def test_two_people_on_the_kept_page_each_send_their_message(coordinator):
    """Each form's one-time token (portal.submissions) is new for every view of the kept page: a
    shared one would take the second person's message for a double click of the first's."""
    application = ApplicationFactory.in_review()
    other = AreaRoleFactory.coordinator(area=area("05")).user
    enable_totp(other)
    url = reverse("grants:message", kwargs={"pk": application.pk})
    tokens = []
    clients = [signed_in(coordinator), signed_in(other)]
    for client in clients:
        html = page(client, application.pk)
        assert SUBMISSION_PLACEHOLDER not in html
        form = html[html.index(url) :]
        tokens.append(re.search(r'name="submission" value="([0-9a-f]{32})"', form).group(1))
    assert tokens[0] != tokens[1]
    for client, token, text in zip(clients, tokens, ["Ensimmäinen viesti.", "Toinen viesti."], strict=True):
        client.post(url, {"text": text, "submission": token})
    assert {"Ensimmäinen viesti.", "Toinen viesti."} <= set(application.events.values_list("text", flat=True))
