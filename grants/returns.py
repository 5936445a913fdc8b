"""Unused funds: when a report on the use of funds is accepted showing less used than was paid,
the difference is to be returned, unless a coordinator waives it with a reason. Both record the
final amount in the funding ledger (``funds_settled``), so continuity counts money actually used."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Application, FundsReturn, Payment, UseOfFundsReport
from grants.signals import funds_settled
from organisations.models import Membership
from portal import emails

if TYPE_CHECKING:
    from portal.models import User

# A waiver is a decision about public money: a word or two is no reason.
WAIVER_REASON_MIN_LENGTH = 10


def settle(application: Application) -> FundsReturn | None:
    """On accepting the report: record what is to be returned, if anything, and tell the ledger."""
    report = UseOfFundsReport.objects.filter(application=application).first()
    if report is None:
        return None
    paid = sum((p.amount for p in Payment.objects.filter(decision__application=application)), Decimal("0"))
    unused = paid - report.amount_used
    if unused <= 0:
        FundsReturn.objects.filter(application=application).delete()
        return None
    funds_return, _created = FundsReturn.objects.update_or_create(
        application=application,
        defaults={
            "paid": paid, "used": report.amount_used, "amount": unused, "state": FundsReturn.State.DUE,
            "recorded_at": timezone.now(), "waived_by": None, "waived_at": None, "waiver_reason": "",
        },
    )  # fmt: skip
    funds_settled.send(sender=FundsReturn, funds_return=funds_return)
    _tell_organisation(funds_return)
    return funds_return


@transaction.atomic
def waive(funds_return: FundsReturn, user: User, reason: str) -> FundsReturn:
    """A coordinator lets the organisation keep the unused money, saying why."""
    funds_return = FundsReturn.objects.select_for_update().select_related("application").get(pk=funds_return.pk)
    if funds_return.state != FundsReturn.State.DUE:
        raise ValidationError(_("The return has already been waived."), code="waived")
    if len(reason.strip()) < WAIVER_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the return is waived, in at least %(count)s characters: the organisation reads it."),
                    code="reason",
                    params={"count": WAIVER_REASON_MIN_LENGTH},
                )
            }
        )
    funds_return.state = FundsReturn.State.WAIVED
    funds_return.waived_by = user
    funds_return.waived_at = timezone.now()
    funds_return.waiver_reason = reason.strip()
    funds_return.save(update_fields=["state", "waived_by", "waived_at", "waiver_reason"])
    funds_settled.send(sender=FundsReturn, funds_return=funds_return)
    _tell_organisation(funds_return)
    return funds_return


def _tell_organisation(funds_return: FundsReturn) -> None:
    application = funds_return.application
    link = settings.PORTAL_BASE_URL + reverse("grants:application", kwargs={"pk": application.pk})
    emails.send_to_each(
        Membership.objects.filter(organisation=application.organisation).people(),
        "grants/email/funds_return",
        {"funds_return": funds_return, "application": application, "link": link},
    )
