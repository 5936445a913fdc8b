"""Published grant decisions as open data: a 360Giving package (JSON) and the same as CSV.

The files are built by a job (``grants.tasks.build_open_data``) when decisions are published and
every night, stored through the storage API with a gzipped copy of each, and served from there:
the national file is several megabytes, which no request should build.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from grants.models import Decision, OpenDataRelease
from portal import jobs
from portal.csvsafe import safe_row

logger = logging.getLogger(__name__)
KEEP_RELEASES = 3  # the latest serves; the two before it are still there for a download under way
# Publishing several calls in a row makes one build: the job waits this long for the others.
GATHER_SECONDS = 10
BUILD_PENDING = "open-data-build-pending"

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


def package(
    generated_at: datetime.datetime | None = None, grants: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "title": "Järjestöportaali: sosiaali- ja terveysjärjestöjen avustuspäätökset",
        "modified": timezone.localtime(generated_at or timezone.now()).isoformat(timespec="seconds"),
        "grants": [grant(row) for row in rows()] if grants is None else grants,
    }


def csv_rows(sources: Iterable[dict[str, Any]] | None = None) -> Iterator[str]:
    """The CSV, a line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    for source in rows() if sources is None else sources:
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


def build_release() -> OpenDataRelease:
    """Write the files of the grants published now, and keep the latest few releases."""
    generated_at = timezone.now()
    with transaction.atomic():  # one snapshot for both files
        sources = list(rows())
    grants = [grant(source) for source in sources]
    as_json = json.dumps(package(generated_at, grants), ensure_ascii=False, separators=(",", ":")).encode()
    as_csv = "".join(csv_rows(sources)).encode("utf-8")
    release = OpenDataRelease(
        generated_at=generated_at,
        grants=len(grants),
        json_sha256=hashlib.sha256(as_json).hexdigest(),
        csv_sha256=hashlib.sha256(as_csv).hexdigest(),
    )
    files = (("json", "grants.json", as_json), ("csv", "grants.csv", as_csv))
    try:
        for field, name, content in files:
            getattr(release, field).save(name, ContentFile(content), save=False)
            getattr(release, f"{field}_gzip").save(f"{name}.gz", ContentFile(gzip.compress(content, 6)), save=False)
        release.save()
    except BaseException:
        _delete_files(release)  # nothing half-written stays behind; the previous release keeps serving
        raise
    for old in OpenDataRelease.objects.all()[KEEP_RELEASES:]:
        _delete_files(old)
        old.delete()
    return release


def _delete_files(release: OpenDataRelease) -> None:
    for field in ("json", "json_gzip", "csv", "csv_gzip"):
        file = getattr(release, field)
        if file:
            try:
                file.storage.delete(file.name)
            except OSError:
                logger.warning("Could not delete an open data file of %s", release, exc_info=True)


def schedule_build() -> None:
    """Build the files soon after this transaction commits, once for everything published within
    ``GATHER_SECONDS``."""
    transaction.on_commit(_enqueue_build)


def _enqueue_build() -> None:
    from grants.tasks import build_open_data  # the tasks import this module

    jobs.send_gathered(
        [BUILD_PENDING], lambda _keys: build_open_data.apply_async(countdown=GATHER_SECONDS), GATHER_SECONDS * 6
    )


def start_build() -> None:
    """The job has started: what is published from now on needs a build of its own."""
    jobs.gathered_job_started([BUILD_PENDING])
