"""Change requests on a granted application (issue 15, item 6): the organisation asks for a longer
period of use, for money moved between budget lines or for a change of content; the coordinator
accepts, accepts with changes or rejects, each with a decision document; an accepted extension
moves the report's due date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from funding.models import FundingRecord
from grants.models import ChangeRequest, DecisionDocument, Status
from tests.conftest import once
from tests.factories import AreaRoleFactory, MembershipFactory, area
from tests.test_decision_documents import decided, pdf_text, publish, short

D = datetime.date
GROUNDS = "Tilat valmistuvat vasta syksyllä, joten ryhmät alkavat myöhemmin kuin suunniteltiin."
RESOLUTION = "Viivästys johtuu tiloista, joihin järjestö ei voi vaikuttaa; jatko on perusteltu."


@pytest.fixture
def coordinator(client, db):
    user = AreaRoleFactory.coordinator(area=area("05"), user__full_name="Kaisa Koordinaattori").user
    client.force_login(user)
    return user


@pytest.fixture
def granted(client, coordinator, django_capture_on_commit_callbacks):
    decision = decided("fi")
    publish(client, decision, django_capture_on_commit_callbacks)
    decision.refresh_from_db()
    return decision


def admin_of(decision):
    return decision.application.organisation.memberships.get(role="admin").user


def ask(client, decision, **data):
    url = reverse("grants:file_change_request", kwargs={"pk": decision.application_id})
    return client.post(url, {"description": "Ryhmät alkavat syyskuussa.", "grounds": GROUNDS, **once(), **data})


def resolve(client, request, **data):
    return client.post(reverse("grants:change_request", kwargs={"pk": request.pk}), {"grounds": RESOLUTION, **data})


def test_an_accepted_extension_moves_the_period_and_the_report_and_is_a_decision_document(
    client, coordinator, granted, django_capture_on_commit_callbacks
):
    decision = granted
    year = decision.application.call.funding_year
    assert decision.use_period[1] == D(year, 12, 31) and decision.report_due_on == D(year + 1, 4, 30)
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "Ask for a change" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, decision, kind="extension", new_use_until=f"{year + 1}-06-30")
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert (request.kind, request.new_use_until) == ("extension", D(year + 1, 6, 30))
    assert [m for m in mail.outbox if m.to == [coordinator.email] and "Muutoshakemus" in m.subject]
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "waiting for a resolution" in page and "Ask for a change" not in page

    client.force_login(coordinator)
    before = list(FundingRecord.objects.filter(application=decision.application).values_list("year", "amount"))
    with django_capture_on_commit_callbacks(execute=True):
        assert resolve(client, request, resolution="accepted").status_code == 302
    # None of the three kinds of change alters the amount granted: the ledger holds the funding year as it was.
    assert list(FundingRecord.objects.filter(application=decision.application).values_list("year", "amount")) == before
    decision.refresh_from_db()
    assert decision.use_period[1] == D(year + 1, 6, 30)
    assert decision.report_due_on == D(year + 1, 4, 30) + (D(year + 1, 6, 30) - D(year, 12, 31))
    document = DecisionDocument.objects.get(change_request=request)
    assert document.kind == "change" and document.language == "fi"
    text = pdf_text(document)
    for expected in (
        "Päätös muutoshakemukseen", "Hyväksytty", short(D(year + 1, 6, 30), "fi"), short(decision.report_due_on, "fi"),
        "Oikaisuvaatimusohje", short(document.review_deadline, "fi"), "§ 123/2026", RESOLUTION[:40],
    ):  # fmt: skip
        assert expected in text, expected
    # The grant decision stays the one in force; the change is listed beside it.
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert short(D(year + 1, 6, 30), "en") in page and "Decision on a change request" in page


def test_accepted_with_changes_gives_a_shorter_extension_between_the_two(client, coordinator, granted):
    decision = granted
    year = decision.application.call.funding_year
    client.force_login(admin_of(decision))
    ask(client, decision, kind="extension", new_use_until=f"{year + 1}-06-30")
    request = ChangeRequest.objects.get()
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    refused = resolve(client, request, resolution="accepted_with_changes", accepted_use_until=f"{year + 1}-08-31")
    assert refused.status_code == 400 and "between the present one and the one asked for" in refused.content.decode()
    resolve(client, request, resolution="accepted_with_changes", accepted_use_until=f"{year + 1}-03-31")
    decision.refresh_from_db()
    assert decision.use_period[1] == D(year + 1, 3, 31)


def test_a_budget_move_is_checked_and_a_rejection_leaves_the_grant_as_it_was(
    client, coordinator, granted, django_capture_on_commit_callbacks
):
    decision = granted
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "en"
    same = ask(client, decision, kind="budget", move_from="travel", move_to="travel", move_amount="1 000")
    assert same.status_code == 400 and "Choose two different budget lines." in same.content.decode()
    too_much = ask(client, decision, kind="budget", move_from="travel", move_to="premises", move_amount="25 000")
    assert "More than the grant cannot be moved." in too_much.content.decode()
    earlier = ask(client, decision, kind="extension", new_use_until="2026-01-01")
    assert "give a later day" in earlier.content.decode()
    assert not ChangeRequest.objects.exists()
    ask(client, decision, kind="budget", move_from="travel", move_to="premises", move_amount="1 500,00")
    request = ChangeRequest.objects.get()
    assert request.move_amount == Decimal("1500.00")

    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        resolve(client, request, resolution="rejected")
    decision.refresh_from_db()
    assert decision.use_until is None and decision.amount == Decimal("20000")
    text = pdf_text(DecisionDocument.objects.get(change_request=request))
    assert "Hylätty" in text and "Avustuspäätös pysyy voimassa sellaisenaan." in text


def test_only_the_areas_coordinator_resolves_and_only_while_the_grant_is_in_use(client, coordinator, granted):
    decision = granted
    client.force_login(admin_of(decision))
    ask(client, decision, kind="content", description="Ryhmät kokoontuvat verkossa.")
    request = ChangeRequest.objects.get()
    assert resolve(client, request, resolution="accepted").status_code == 403  # the applicant itself
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    assert client.get(reverse("grants:change_request", kwargs={"pk": request.pk})).status_code == 403
    client.force_login(MembershipFactory(organisation=decision.application.organisation).user)  # a plain member
    assert client.get(reverse("grants:file_change_request", kwargs={"pk": decision.application_id})).status_code == 403

    request.resolution = "rejected"
    request.save()
    decision.application.status = Status.REPORT_SUBMITTED
    decision.application.save()
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:file_change_request", kwargs={"pk": decision.application_id})).content.decode()
    assert "The period of use is over" in page
