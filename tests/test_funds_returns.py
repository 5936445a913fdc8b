"""Returning unused funds (issue 15, item 7): an accepted report that used less than was paid
leaves an amount to return, or a coordinator waives it with a reason; both sides see it, and the
funding ledger holds what the organisation keeps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from funding.models import FundingRecord
from grants.models import Decision, FundsReturn, UseOfFundsReport
from grants.signals import decision_recorded
from tests.factories import ApplicationFactory, AreaRoleFactory, MembershipFactory, area

pytestmark = pytest.mark.django_db


def page(client, application) -> str:
    html = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    return " ".join(html.replace("\u00a0", " ").split())


@pytest.fixture
def submitted_report():
    """20 000 € granted and paid; the report says 15 000 € was used."""
    application = ApplicationFactory.in_state("report_submitted")
    decision_recorded.send(sender=Decision, decision=application.decision)  # its row in the ledger
    UseOfFundsReport.objects.filter(application=application).update(amount_used=Decimal("15000"))
    MembershipFactory(organisation=application.organisation, user__preferred_language="fi", user__email="j@x.fi")
    return application


def accept(client, application, capture):
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    with capture(execute=True):
        client.post(reverse("grants:transition", kwargs={"pk": application.pk, "name": "accept_report"}))
    return coordinator


def test_an_accepted_report_with_unused_money_leaves_it_to_return_and_the_ledger_counts_what_was_used(
    client, submitted_report, django_capture_on_commit_callbacks
):
    application = submitted_report
    assert FundingRecord.objects.get(application=application).amount == Decimal("20000")
    accept(client, application, django_capture_on_commit_callbacks)

    funds_return = FundsReturn.objects.get(application=application)
    assert (funds_return.paid, funds_return.used, funds_return.amount, funds_return.state) == (
        Decimal("20000"), Decimal("15000"), Decimal("5000"), "due",
    )  # fmt: skip
    assert FundingRecord.objects.get(application=application).amount == Decimal("15000")
    staff = page(client, application)
    assert "Unused funds" in staff and "To be returned" in staff and "5,000.00 €" in staff
    assert "Waive the return" in staff
    to_member = next(m for m in mail.outbox if m.to == ["j@x.fi"] and "palautettava" in m.subject.lower())
    assert "5 000,00 €" in to_member.body.replace("\u00a0", " ")

    client.force_login(application.organisation.memberships.get(user__email="j@x.fi").user)
    client.cookies["django_language"] = "en"
    own = page(client, application)
    assert "To be returned" in own and "The organisation keeps</dt><dd>15,000.00 €" in own
    assert "Waive the return" not in own


def test_a_coordinator_waives_the_return_with_a_reason_and_the_ledger_keeps_what_was_paid(
    client, submitted_report, django_capture_on_commit_callbacks
):
    application = submitted_report
    coordinator = accept(client, application, django_capture_on_commit_callbacks)
    coordinator.full_name = "Kaisa Koordinaattori"
    coordinator.save()
    waive = reverse("grants:waive_return", kwargs={"pk": application.pk})

    refused = client.post(waive, {"reason": "Koska"}, follow=True)
    assert "Say why the return is waived" in refused.content.decode()
    assert FundsReturn.objects.get(application=application).state == "due"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(waive, {"reason": "Kulut siirtyivät alkuvuodelle, toiminta jatkuu."})
    funds_return = FundsReturn.objects.get(application=application)
    assert funds_return.state == "waived" and funds_return.waived_by == coordinator
    assert FundingRecord.objects.get(application=application).amount == Decimal("20000")
    assert any("Kulut siirtyivät alkuvuodelle" in m.body for m in mail.outbox if m.to == ["j@x.fi"])

    client.force_login(application.organisation.memberships.get(user__email="j@x.fi").user)
    client.cookies["django_language"] = "en"
    own = page(client, application)
    assert "Return waived" in own and "Kaisa Koordinaattori" in own and "Kulut siirtyivät alkuvuodelle" in own

    client.force_login(coordinator)  # waiving again changes nothing
    client.post(waive, {"reason": "Uudelleen, varmuuden vuoksi."})
    assert FundsReturn.objects.get(application=application).waiver_reason.startswith("Kulut")


def test_a_report_that_used_all_that_was_paid_leaves_nothing_to_return(
    client, submitted_report, django_capture_on_commit_callbacks
):
    application = submitted_report
    UseOfFundsReport.objects.filter(application=application).update(amount_used=Decimal("21000"))
    accept(client, application, django_capture_on_commit_callbacks)
    assert not FundsReturn.objects.filter(application=application).exists()
    assert FundingRecord.objects.get(application=application).amount == Decimal("20000")
    assert "Unused funds" not in page(client, application)


def test_only_the_areas_coordinator_waives(client, submitted_report, django_capture_on_commit_callbacks):
    application = submitted_report
    accept(client, application, django_capture_on_commit_callbacks)
    waive = reverse("grants:waive_return", kwargs={"pk": application.pk})
    for person in (
        application.organisation.memberships.first().user,
        AreaRoleFactory.decision_maker(area=area("05")).user,
        AreaRoleFactory.coordinator(area=area("90")).user,
    ):
        client.force_login(person)
        assert client.post(waive, {"reason": "Kulut siirtyivät alkuvuodelle."}).status_code == 403
    assert FundsReturn.objects.get(application=application).state == "due"
