"""Published grant decisions as open data: a 360Giving package (JSON) and the same as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from grants.models import Decision
from portal.csvsafe import safe_row

PREFIX = "360G-jarjestoportaali"
SCHEMA_VERSION = "1.4"
CSV_COLUMNS = [
    "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Location", "Funding Org:Identifier",
    "Funding Org:Name", "Grant Programme:Title", "Decision reference",
]  # fmt: skip


def published_decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.published()
        .granted()
        .select_related("application__organisation__home_municipality", "application__call__area")
        .order_by("pk")
    )


def organisation_id(organisation: object) -> str:
    """``FI-PRO-<Business ID>``, or a stable portal id for an association without one."""
    if organisation.business_id:
        return f"FI-PRO-{organisation.business_id}"
    return f"{PREFIX}-org-{organisation.pk}"


def grant(decision: Decision) -> dict[str, Any]:
    application = decision.application
    call = application.call
    organisation = application.organisation
    data: dict[str, Any] = {
        "id": f"{PREFIX}-{decision.pk}",
        "title": application.title,
        # The applicant's own texts may hold personal data: only the title is published.
        "description": application.title,
        "currency": "EUR",
        "amountAwarded": float(decision.amount),
        "awardDate": timezone.localtime(decision.decided_at).date().isoformat(),
        "recipientOrganization": [
            {
                "id": organisation_id(organisation),
                "name": organisation.name_fi,
                "addressLocality": organisation.home_municipality.name_fi,
                "addressCountry": "FI",
            }
        ],
        "fundingOrganization": [{"id": f"{PREFIX}-area-{call.area.code}", "name": call.area.name_fi}],
        "grantProgramme": [{"code": str(call.pk), "title": call.title_fi}],
        "dateModified": timezone.localtime(decision.published_at).isoformat(),
    }
    if application.requested_amount:
        data["amountAppliedFor"] = float(application.requested_amount)
    return data


def package() -> dict[str, Any]:
    return {"version": SCHEMA_VERSION, "grants": [grant(decision) for decision in published_decisions().iterator()]}


def csv_rows() -> Iterator[str]:
    """The CSV, a line at a time, so that a large file streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    for decision in published_decisions().iterator(chunk_size=1000):
        row = grant(decision)
        writer.writerow(
            safe_row([
                row["id"], row["title"], row["description"], row["currency"], row.get("amountAppliedFor", ""),
                row["amountAwarded"], row["awardDate"], row["recipientOrganization"][0]["id"],
                row["recipientOrganization"][0]["name"], row["recipientOrganization"][0]["addressLocality"],
                row["fundingOrganization"][0]["id"], row["fundingOrganization"][0]["name"],
                row["grantProgramme"][0]["title"], decision.reference,
            ])
        )  # fmt: skip
        yield flush()
