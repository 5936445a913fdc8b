"""The portal's own decisions in the funding ledger: one row per granted application, kept in step
with its decision in the same transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from funding import figures
from funding.models import FundingRecord
from grants.models import Decision, FundsReturn
from grants.signals import decision_recorded, funds_settled


@receiver(decision_recorded, dispatch_uid="funding.ledger.record_decision")
def record_decision(sender: type[Decision], decision: Decision, **kwargs: Any) -> None:
    """One row for the decision's funding year and one for each later year of a multi-year
    grant, marked conditional until its year's appropriation is confirmed."""
    application = decision.application
    call = application.call
    later = list(decision.later_years.all()) if decision.is_grant else []
    figures.schedule_refresh(call.area, [call.funding_year, *(grant_year.year for grant_year in later)])
    if not decision.is_grant or not decision.amount:
        FundingRecord.objects.filter(application=application).delete()
        return
    years = [(call.funding_year, decision.amount, False)]
    years += [(grant_year.year, grant_year.amount, not grant_year.is_confirmed) for grant_year in later]
    FundingRecord.objects.filter(application=application).exclude(year__in=[year for year, *_ in years]).delete()
    for year, amount, conditional in years:
        FundingRecord.objects.update_or_create(
            application=application,
            year=year,
            defaults={
                "organisation": application.organisation,
                "funder_kind": FundingRecord.FunderKind.WELFARE_AREA,
                "funder_area": call.area,
                "funder_municipality": None,
                "funder_name": call.area.name_fi,
                "amount": amount,
                "conditional": conditional,
                "grant_type": call.grant_type,
                "purpose": application.title[:500],
                "source": FundingRecord.Source.DECISION,
            },
        )


@receiver(funds_settled, dispatch_uid="funding.ledger.settle_funds")
def settle_funds(sender: type[FundsReturn], funds_return: FundsReturn, **kwargs: Any) -> None:
    """After an accepted report: the row holds what the organisation keeps (paid, less what it
    returns), so continuity counts money actually used. Nothing kept, no row."""
    application = funds_return.application
    figures.schedule_refresh(application.call.area, [application.call.funding_year])
    final = funds_return.final_amount
    # The report is of the decision's own funding year; later years of a multi-year grant stay.
    own_year = FundingRecord.objects.filter(application=application, year=application.call.funding_year)
    if final <= 0:
        own_year.delete()
    else:
        own_year.update(amount=final)
