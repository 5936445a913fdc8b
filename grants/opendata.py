"""Published grant decisions as open data: a 360Giving package (JSON) and the same as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

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


# Plain rows, not model instances: the national file has over ten thousand grants.
COLUMNS = (
    "pk", "amount", "decided_at", "published_at", "reference", "application__title",
    "application__requested_amount", "application__organisation__pk", "application__organisation__business_id",
    "application__organisation__name_fi", "application__organisation__home_municipality__name_fi",
    "application__call__pk", "application__call__title_fi", "application__call__area__code",
    "application__call__area__name_fi",
)  # fmt: skip


def rows() -> Iterator[dict[str, Any]]:
    """The published grants, oldest decision first."""
    return Decision.objects.published().granted().order_by("pk").values(*COLUMNS).iterator(chunk_size=2000)


def organisation_id(business_id: str | None, pk: int) -> str:
    """``FI-PRO-<Business ID>``, or a stable portal id for an association without one."""
    if business_id:
        return f"FI-PRO-{business_id}"
    return f"{PREFIX}-org-{pk}"


def grant(row: dict[str, Any]) -> dict[str, Any]:
    title = row["application__title"]
    data: dict[str, Any] = {
        "id": f"{PREFIX}-{row['pk']}",
        "title": title,
        # The applicant's own texts may hold personal data: only the title is published.
        "description": title,
        "currency": "EUR",
        "amountAwarded": float(row["amount"]),
        "awardDate": timezone.localtime(row["decided_at"]).date().isoformat(),
        "recipientOrganization": [
            {
                "id": organisation_id(
                    row["application__organisation__business_id"], row["application__organisation__pk"]
                ),
                "name": row["application__organisation__name_fi"],
                "addressLocality": row["application__organisation__home_municipality__name_fi"],
                "addressCountry": "FI",
            }
        ],
        "fundingOrganization": [
            {
                "id": f"{PREFIX}-area-{row['application__call__area__code']}",
                "name": row["application__call__area__name_fi"],
            }
        ],
        "grantProgramme": [{"code": str(row["application__call__pk"]), "title": row["application__call__title_fi"]}],
        "dateModified": timezone.localtime(row["published_at"]).isoformat(),
    }
    if row["application__requested_amount"]:
        data["amountAppliedFor"] = float(row["application__requested_amount"])
    return data


def package() -> dict[str, Any]:
    return {"version": SCHEMA_VERSION, "grants": [grant(row) for row in rows()]}


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
    for source in rows():
        row = grant(source)
        writer.writerow(
            safe_row([
                row["id"], row["title"], row["description"], row["currency"], row.get("amountAppliedFor", ""),
                row["amountAwarded"], row["awardDate"], row["recipientOrganization"][0]["id"],
                row["recipientOrganization"][0]["name"], row["recipientOrganization"][0]["addressLocality"],
                row["fundingOrganization"][0]["id"], row["fundingOrganization"][0]["name"],
                row["grantProgramme"][0]["title"], source["reference"],
            ])
        )  # fmt: skip
        yield flush()
