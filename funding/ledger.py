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
    application = decision.application
    figures.schedule_refresh(application.call.area, [application.call.funding_year])
    if not decision.is_grant or not decision.amount:
        FundingRecord.objects.filter(application=application).delete()
        return
    call = application.call
    FundingRecord.objects.update_or_create(
        application=application,
        defaults={
            "organisation": application.organisation,
            "funder_kind": FundingRecord.FunderKind.WELFARE_AREA,
            "funder_area": call.area,
            "funder_municipality": None,
            "funder_name": call.area.name_fi,
            "year": call.funding_year,
            "amount": decision.amount,
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
    if final <= 0:
        FundingRecord.objects.filter(application=application).delete()
    else:
        FundingRecord.objects.filter(application=application).update(amount=final)
