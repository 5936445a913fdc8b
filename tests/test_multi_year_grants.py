"""Multi-year partnership grants (issue 15, item 8): a decision covers up to three funding years;
each later year has its own ledger row, conditional on that year's appropriation until a
coordinator confirms it; continuity and the dashboard show confirmed and conditional money apart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding import continuity, figures
from funding.models import FundingRecord
from grants.models import Decision, FundsReturn, GrantYear, Status
from grants.returns import settle
from tests.conftest import once
from tests.factories import GROUNDS, ApplicationFactory, AreaRoleFactory, area
from tests.test_continuity import fund
from tests.test_decision_documents import decided, pdf_text, publish


@pytest.fixture
def coordinator(client, db):
    user = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def decide(client, application, **changes: object):
    data = {"outcome": "approved", "amount": "20000", "rationale": GROUNDS, **once(), **changes}
    return client.post(reverse("grants:decision", kwargs={"pk": application.pk}), data)


def ledger(application) -> list[tuple[int, Decimal, bool]]:
    rows = FundingRecord.objects.filter(application=application).order_by("year")
    return [(row.year, row.amount, row.conditional) for row in rows]


def test_a_three_year_grant_writes_a_conditional_row_for_each_later_year(client, coordinator):
    application = ApplicationFactory.in_review()
    year = application.call.funding_year
    form = client.get(reverse("grants:decision", kwargs={"pk": application.pk})).content.decode()
    assert f"Grant for {year + 1} (EUR)" in form and f"Grant for {year + 2} (EUR)" in form
    assert decide(client, application, second_year_amount="18 000", third_year_amount="15 000").status_code == 302
    assert ledger(application) == [
        (year, Decimal("20000"), False), (year + 1, Decimal("18000"), True), (year + 2, Decimal("15000"), True),
    ]  # fmt: skip
    page = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Later funding years" in page and "conditional on the appropriation" in page
    assert f"Confirm the grant for {year + 1}" in page

    # Continuity of the next year: the money is conditional, not current, and counts as pending.
    fund(application.organisation, year, 20000)  # a baseline from the municipality
    result = continuity.compute(area("05"), year + 1)
    row = next(r for r in result.rows if r.organisation == application.organisation)
    assert (row.current, row.conditional, row.status) == (Decimal("0"), Decimal("18000"), continuity.PENDING)
    figures.store(result)
    assert figures.latest(area("05"), year + 1).conditional == Decimal("18000")

    # The coordinator confirms the year's grant once its budget is approved.
    client.post(reverse("grants:confirm_year", kwargs={"pk": application.pk, "year": year + 1}))
    assert ledger(application)[1] == (year + 1, Decimal("18000"), False)
    row = next(r for r in continuity.compute(area("05"), year + 1).rows if r.organisation == application.organisation)
    assert (row.current, row.conditional) == (Decimal("18000"), Decimal("0"))

    # Changing the decision keeps a confirmed year as it was unless its amount changes.
    decide(client, application, second_year_amount="18 000", third_year_amount="12 000", change_reason="Supistus.")
    assert ledger(application)[1:] == [(year + 1, Decimal("18000"), False), (year + 2, Decimal("12000"), True)]
    # A rejection leaves nothing in the ledger.
    decide(client, application, outcome="rejected", amount="", change_reason="Ei avustuskelpoinen.")
    assert ledger(application) == [] and not GrantYear.objects.exists()


def test_later_years_are_checked(client, coordinator):
    application = ApplicationFactory.in_review()
    response = decide(client, application, third_year_amount="10 000")
    assert (
        response.status_code == 400
        and "A grant for the third year needs one for the second." in response.content.decode()
    )
    response = decide(client, application, second_year_amount="40 000")
    assert "largest grant is 30,000.00 € a year." in response.content.decode().replace("\u00a0", " ")
    assert not Decision.objects.exists()


def test_the_decision_document_lists_the_later_years_as_conditional(
    client, coordinator, django_capture_on_commit_callbacks
):

    decision = decided("fi")
    year = decision.application.call.funding_year
    GrantYear.objects.create(decision=decision, year=year + 1, amount=Decimal("18000"))
    document = publish(client, decision, django_capture_on_commit_callbacks)
    text = pdf_text(document)
    assert "Myöhemmät rahoitusvuodet" in text and f"{year + 1}: 18 000,00 €" in text and "ehdollinen" in text


def test_a_return_settles_the_decisions_own_year_and_leaves_the_later_years(db):
    application = ApplicationFactory.in_state("report_submitted")
    year = application.call.funding_year
    decision = application.decision
    GrantYear.objects.create(decision=decision, year=year + 1, amount=Decimal("18000"))
    from grants.signals import decision_recorded

    decision_recorded.send(sender=Decision, decision=decision)
    application.use_of_funds_report.amount_used = Decimal("15000")
    application.use_of_funds_report.save()
    application.status = Status.CLOSED
    application.save()
    settle(application)
    assert FundsReturn.objects.get(application=application).amount == Decimal("5000")
    assert ledger(application) == [(year, Decimal("15000"), False), (year + 1, Decimal("18000"), True)]
