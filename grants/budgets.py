"""The totals of an application's budget, and the limits the amount applied for must keep."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from grants.models import Application, BudgetLine, GrantCall
from portal.money import euros

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class BudgetTotals:
    expenses: Decimal
    income: Decimal
    requested: Decimal | None
    largest: Decimal | None  # the call's largest grant

    @property
    def net(self) -> Decimal:
        """What the activity costs beyond its own income: the most a grant may cover."""
        return self.expenses - self.income

    @property
    def share_of_net(self) -> Decimal | None:
        if not self.requested or self.net <= 0:
            return None
        return (self.requested / self.net * 100).quantize(Decimal("1"))

    def problem(self) -> StrOrPromise | None:
        """Why the amount applied for is too large, naming the limit; None when it is not."""
        if not self.requested:
            return None
        if self.largest and self.requested > self.largest:
            return _("The call's largest grant is %(largest)s.") % {"largest": euros(self.largest)}
        if self.expenses and self.requested > self.net:
            return _("The amount applied for cannot exceed the net cost of the budget (%(net)s).") % {
                "net": euros(self.net)
            }
        return None


def budget_totals(lines: Iterable[tuple[str, Decimal]], requested: Decimal | None, call: GrantCall) -> BudgetTotals:
    """Totals of budget lines given as (kind, amount)."""
    expenses = income = Decimal("0")
    for kind, amount in lines:
        if kind == BudgetLine.Kind.EXPENSE:
            expenses += amount
        elif kind == BudgetLine.Kind.INCOME:
            income += amount
    return BudgetTotals(expenses=expenses, income=income, requested=requested, largest=call.max_amount)


def saved_budget_totals(application: Application) -> BudgetTotals:
    lines = application.budget_lines.values_list("kind", "amount")
    return budget_totals(lines, application.requested_amount, application.call)
