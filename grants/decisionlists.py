"""The decision list of a call for one meeting of the decision-making body: the decisions proposed
(recorded and not yet published) with the applicant, its Business ID, what it applied for, what is
proposed and the grounds in short, as a PDF for the agenda and as CSV. After the meeting one
reference is set for all of them and publishing sends their documents together
(``services.set_reference``, ``services.publish_decisions``)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from grants.models import Decision, GrantCall
from portal.csvsafe import safe_row

if TYPE_CHECKING:
    from django.db.models import QuerySet

GROUNDS_IN_SHORT = 200


def proposed(call: GrantCall) -> QuerySet[Decision]:
    """The call's decisions recorded and not yet published, by applicant."""
    return (
        Decision.objects.filter(application__call=call, published_at__isnull=True)
        .select_related("application__organisation")
        .order_by("application__organisation__name_fi", "pk")
    )


def grounds_in_short(decision: Decision) -> str:
    return Truncator(" ".join(decision.rationale.split())).chars(GROUNDS_IN_SHORT)


def as_csv(call: GrantCall) -> str:
    """The list as CSV for a spreadsheet: amounts with a decimal point, in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Applicant"), _("Business ID or register number"), _("Application"), _("Amount applied for"),
                     _("Proposed outcome"), _("Proposed amount"), _("Grounds in short")])  # fmt: skip
    for decision in proposed(call):
        application = decision.application
        organisation = application.organisation
        writer.writerow(
            safe_row([
                organisation.name, organisation.business_id or organisation.register_number or "", application.title,
                f"{application.requested_amount or 0:.2f}", decision.get_outcome_display(), f"{decision.amount:.2f}",
                grounds_in_short(decision),
            ])
        )  # fmt: skip
    return "\ufeff" + out.getvalue()  # Excel reads UTF-8 only with a byte order mark


def as_pdf(call: GrantCall) -> bytes:
    from weasyprint import HTML

    decisions = list(proposed(call))
    context = {
        "call": call,
        "area": call.area,
        "rows": [(decision, grounds_in_short(decision)) for decision in decisions],
        "requested_total": sum((d.application.requested_amount or 0 for d in decisions), 0),
        "proposed_total": sum((d.amount for d in decisions), 0),
        "printed_at": timezone.now(),
    }
    html = render_to_string("grants/decision_list_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
