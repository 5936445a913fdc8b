"""Deciding, paying and reporting as the people do it, and what each side is told (issue 12, items
1-5 and 13-15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from grants import workflow
from grants.models import ApplicationEvent, Decision, Payment, Review, ReviewAssignment, Status
from organisations.models import Organisation
from tests.conftest import once
from tests.factories import (
    GROUNDS,
    ApplicationFactory,
    AreaRoleFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision_maker(client):
    user = AreaRoleFactory.decision_maker(area=area("05"), user__preferred_language="en").user
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def decide(client, application, **changes):
    data = {"outcome": "approved", "amount": "20000", "rationale": GROUNDS, **once()} | changes
    return client.post(reverse("grants:decision", kwargs={"pk": application.pk}), data)


def test_the_decision_form_shows_what_it_is_decided_on(client, decision_maker):
    """Item 1: requested, largest grant, remaining appropriation, the reviewers' recommendations."""
    application = ApplicationFactory.in_review()
    reviewer = AreaRoleFactory.reviewer(area=area("05"), user__full_name="Rita Arvioija").user
    assignment = application.assignments.create(reviewer=reviewer)
    criteria = list(application.call.criteria.all())
    Review.objects.create(
        assignment=assignment, scores={str(c.pk): 4 for c in criteria}, comment="Vahva hakemus.",
        recommended_outcome=Review.Outcome.APPROVE_PARTLY, recommended_amount=Decimal("15000"),
    )  # fmt: skip
    html = client.get(reverse("grants:decision", kwargs={"pk": application.pk})).content.decode()
    facts = html.partition('class="decision-facts"')[2].replace("\u00a0", " ")
    assert "Amount applied for</dt><dd>20,000.00 €" in facts
    assert "The call's largest grant</dt><dd>30,000.00 €" in facts
    assert "Remaining</dt><dd>100,000.00 €" in facts
    assert "Rita Arvioija" in facts and "Approve in part, 15,000.00 €" in facts and "score 4.00 / 5" in facts
    assert "Vahva hakemus." in facts


def test_a_decision_and_its_change_are_events_and_emails_stating_outcome_and_amount(
    client, decision_maker, django_capture_on_commit_callbacks
):
    """Item 2."""
    application = ApplicationFactory.in_review()
    finn = MembershipFactory(organisation=application.organisation, user__preferred_language="fi").user
    swede = MembershipFactory(organisation=application.organisation, user__preferred_language="sv").user
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, application)
    to_finn = next(m for m in mail.outbox if m.to == [finn.email])
    assert "Hyväksytty, 20\u00a0000,00\u00a0€" in to_finn.body and f"/applications/{application.pk}/" in to_finn.body
    to_swede = next(m for m in mail.outbox if m.to == [swede.email])
    assert "Beviljad, 20\u00a0000,00\u00a0€" in to_swede.body
    assert len([m for m in mail.outbox if m.to == [finn.email]]) == 1  # not a second "status changed" email

    mail.outbox.clear()
    response = decide(client, application, outcome="partly_approved", amount="15000")
    assert "Say why the decision is changed" in response.content.decode()  # a change needs its reason
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, application, outcome="partly_approved", amount="15000", change_reason="Määräraha ei riitä.")
    change = ApplicationEvent.objects.filter(kind="decision").order_by("pk").last()
    assert (change.outcome_before, change.amount_before, change.outcome_after, change.amount_after) == (
        "approved", Decimal("20000"), "partly_approved", Decimal("15000"),
    )  # fmt: skip
    assert (change.actor, change.text) == (decision_maker, "Määräraha ei riitä.")
    to_finn = next(m for m in mail.outbox if m.to == [finn.email])
    assert "Päätöstä on muutettu" in to_finn.subject or "Päätöstä muutettiin" in to_finn.subject
    assert "20\u00a0000,00\u00a0€" in to_finn.body and "15\u00a0000,00\u00a0€" in to_finn.body
    assert "Määräraha ei riitä." in to_finn.body

    client.force_login(finn)
    client.cookies["django_language"] = "en"
    timeline = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    timeline = timeline.replace("\u00a0", " ")
    assert "The decision was changed: Approved, 20,000.00 € → Partly approved, 15,000.00 €" in timeline
    assert "Määräraha ei riitä." in timeline


def test_deciding_for_an_unverified_organisation_needs_a_recorded_confirmation(client, decision_maker):
    """Item 3."""
    application = ApplicationFactory.in_review(organisation=OrganisationFactory.unverified(name_fi="Tarkistamaton ry"))
    html = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Not verified by a coordinator" in html and "Bank account of the grant (IBAN)" in html
    response = decide(client, application)
    assert "No coordinator has verified Tarkistamaton ry" in response.content.decode()
    assert not Decision.objects.exists()
    decide(client, application, confirm_unverified="on")
    decision = Decision.objects.get()
    assert decision.unverified_confirmed_by == decision_maker and decision.unverified_confirmed_at is not None

    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(coordinator)
    pay = reverse("grants:payment", kwargs={"pk": application.pk})
    response = client.post(pay, {"amount": "5000", "paid_on": "2027-02-01", **once()})
    assert response.status_code == 400 and "No coordinator has verified" in response.content.decode()
    client.post(pay, {"amount": "5000", "paid_on": "2027-02-01", "confirm_unverified": "on", **once()})
    assert Payment.objects.get().unverified_confirmed


def test_the_applicant_sees_that_the_organisation_is_verified_and_not_the_iban(client):
    application = ApplicationFactory.submitted()
    Organisation.objects.filter(pk=application.organisation_id).update(iban="FI2112345600000785")
    client.force_login(MembershipFactory(organisation=application.organisation).user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Verified" in html and "FI21" not in html
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    assert (
        "FI21 1234 5600 0007 85"
        in client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    )


def test_the_report_form_shows_granted_paid_and_due_and_both_sides_read_the_difference(client):
    """Item 4: 4 500 € used against 4 000 € paid was accepted without a word."""
    application = ApplicationFactory.in_state("paid")
    Payment.objects.filter(decision__application=application).update(amount=Decimal("4000"))
    member = MembershipFactory(organisation=application.organisation).user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    page = (
        client.get(reverse("grants:use_of_funds", kwargs={"pk": application.pk}))
        .content.decode()
        .replace("\u00a0", " ")
    )
    assert "Granted</dt><dd>20,000.00 €" in page and "Paid</dt><dd>4,000.00 €" in page and "Report due" in page
    response = client.post(
        reverse("grants:use_of_funds", kwargs={"pk": application.pk}),
        {"amount_used": "4 500", "narrative": "Ryhmät pidettiin.", "results": "Hyvin.", **once()},
        follow=True,
    )
    said = response.content.decode().replace("\u00a0", " ")
    assert "You report 500.00 € more used than was paid" in said
    assert "500.00 € more was used than was paid" in said
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    staff = (
        client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode().replace("\u00a0", " ")
    )
    assert "500.00 € more was used than was paid" in staff

    client.force_login(member)
    response = client.post(
        reverse("grants:use_of_funds", kwargs={"pk": application.pk}),
        {"amount_used": "3 000", "narrative": "Ryhmät pidettiin.", "results": "Hyvin.", **once()},
        follow=True,
    )
    own = response.content.decode().replace("\u00a0", " ")
    assert "1,000.00 € less was used than was paid: this unused money may have to be returned." in own
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    staff = (
        client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode().replace("\u00a0", " ")
    )
    assert "1,000.00 € less was used than was paid: this unused money may have to be returned." in staff


def test_the_payment_date_is_prefilled_as_a_date_box_takes_it_and_the_last_instalment_marks_it_paid(client):
    """Item 5."""
    application = ApplicationFactory.in_state("decided")
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    field = html.partition('name="paid_on"')[2].partition(">")[0]
    assert 'type="date"' in html.partition('name="paid_on"')[0][-60:] or 'type="date"' in field
    import re

    assert re.search(r'value="\d{4}-\d{2}-\d{2}"', field), field
    pay = reverse("grants:payment", kwargs={"pk": application.pk})
    client.post(pay, {"amount": "15 000", "paid_on": "2027-02-01", **once()})
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    response = client.post(pay, {"amount": "5 000", "paid_on": "2027-03-01", **once()}, follow=True)
    application.refresh_from_db()
    assert application.status == Status.PAID
    assert "The grant is now paid in full: the application is marked as paid." in response.content.decode()
    refused = client.post(pay, {"amount": "1", "paid_on": "2027-03-01", **once()})
    assert refused.status_code in (302, 400)
    assert Payment.objects.count() == 2


def test_a_reviewer_is_emailed_when_assigned_and_sees_pending_reviews_first(client, django_capture_on_commit_callbacks):
    """Item 13."""
    reviewer = AreaRoleFactory.reviewer(area=area("05"), user__preferred_language="en").user
    done, pending = ApplicationFactory.in_review(title="Valmis arvio"), ApplicationFactory.in_review(title="Odottava")
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        for application in (done, pending):
            client.post(reverse("grants:assign", kwargs={"pk": application.pk}), {"reviewer": reviewer.pk})
    assert [m.to for m in mail.outbox] == [[reviewer.email], [reviewer.email]]
    assert "Valmis arvio" in mail.outbox[0].body and "/reviews/" in mail.outbox[0].body
    Review.objects.create(assignment=done.assignments.get(), scores={}, recommended_outcome="approve")
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("grants:my_reviews")).content.decode()
    assert "Odottava" in html and "Valmis arvio" not in html
    assert "1 to do" in html and "1 done" in html
    html = client.get(reverse("grants:my_reviews"), {"show": "done"}).content.decode()
    assert "Valmis arvio" in html and "Odottava" not in html


def test_a_busy_reviewer_reads_their_list_a_page_at_a_time(client):
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    call = GrantCallFactory()
    for number in range(27):
        application = ApplicationFactory.in_review(call=call, title=f"Hakemus {number:02}")
        ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    first = client.get(reverse("grants:my_reviews")).content.decode()
    assert "27 to do" in first and "Page 1 of 2" in first
    assert "Hakemus 00" in first and "Hakemus 24" in first and "Hakemus 25" not in first
    second = client.get(reverse("grants:my_reviews"), {"page": "2"}).content.decode()
    assert "Hakemus 25" in second and "Hakemus 26" in second and "Hakemus 00" not in second
    done = client.get(reverse("grants:my_reviews"), {"show": "done"}).content.decode()
    assert "No review is done yet." in done


def test_an_answer_returns_the_application_to_the_review(client):
    """Item 14."""
    application = ApplicationFactory.in_state("info_requested")
    member = MembershipFactory(organisation=application.organisation).user
    client.force_login(member)
    client.post(reverse("grants:transition", kwargs={"pk": application.pk, "name": "answer"}), {"text": "Tässä."})
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not any(t.name == "start_review" for t in workflow.available(application, UserFactory()))


def test_the_work_lists_sort_options_are_words_and_no_two_filters_share_a_label(client):
    """Item 15."""
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "fi"
    html = client.get(reverse("grants:work_list", kwargs={"code": "05"})).content.decode()
    assert "descending" not in html and "(laskeva)" not in html
    assert "Uusimmat lähetetyt ensin" in html
    import re

    labels = re.findall(r'<label for="id_[^"]+">([^<]+)', html.partition('class="filters')[2] or html)
    labels = [label.strip() for label in labels]
    assert len(labels) == len(set(labels)), labels
