"""The national overview: one Celery job per area, fanned out over the workers, then merged into
one PDF (pypdf) that opens with a table comparing the areas.

Each area's part is a row (``NationalPart``) with its own heartbeat and result, not a member of a
Celery chord: the reaper runs again a part whose worker died within ``PORTAL_PART_STALLED_SECONDS``
(the part's time limit and a minute), instead of the overview waiting for the broker's
visibility timeout; the part that finishes last starts the merge, once."""

from __future__ import annotations

import csv
import datetime
import io
import logging
from typing import TypedDict

from celery import Task, shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from funding import continuity, figures, reports
from funding.models import ContinuityReport, NationalPart
from portal import jobs, uploads
from portal.models import WelfareArea
from portal.storage import StorageUnavailable

logger = logging.getLogger(__name__)

# A part silent this many times over is given up: the overview fails with a readable message.
MAX_PART_ATTEMPTS = 3


class AreaPart(TypedDict, total=False):
    """What an area's job hands the merge: its PDF part and figures, or the error that stopped it."""

    code: str
    error: str
    name: str
    pdf: str
    organisations: int
    baseline: str
    current: str
    pending: str
    at_risk: int


def start(report: ContinuityReport) -> None:
    """Queue a part for every area (again, after the reaper found the overview silent: the parts
    done already are kept)."""
    ContinuityReport.objects.filter(pk=report.pk).update(
        state=ContinuityReport.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), progress=0
    )
    for area_id in WelfareArea.objects.values_list("pk", flat=True):
        NationalPart.objects.get_or_create(report=report, area_id=area_id)
    waiting = NationalPart.objects.filter(report=report).exclude(state=NationalPart.State.DONE)
    waiting.update(state=NationalPart.State.QUEUED, heartbeat_at=timezone.now(), merged=False)
    for area_id in waiting.values_list("area_id", flat=True):
        area_part.delay(report.pk, area_id)
    _merge_when_complete(report.pk)


# A part is one area's report: its own time limit, far below the whole overview's.
@shared_task(
    bind=True, max_retries=jobs.MAX_RETRIES,
    soft_time_limit=settings.PORTAL_PART_TIME_LIMIT - 30, time_limit=settings.PORTAL_PART_TIME_LIMIT,
)  # fmt: skip
def area_part(self: Task, report_id: int, area_id: int) -> None:
    """One area's report as a PDF part, and its figures for the comparison table; after the
    database or the broker was away and its retries ran out, the error the merge reports. A part
    done already (a message delivered twice, a part run again by the reaper) is not redone."""
    claimed = (
        NationalPart.objects.filter(report_id=report_id, area_id=area_id)
        .exclude(state=NationalPart.State.DONE)
        .update(state=NationalPart.State.RUNNING, heartbeat_at=timezone.now())
    )
    if not claimed:
        _merge_when_complete(report_id)
        return
    try:
        result = _area_part(report_id, area_id)
    except jobs.TRANSIENT_ERRORS as error:
        if self.request.retries < self.max_retries:
            reports.note_retry(report_id, error)
            raise self.retry(exc=error, countdown=jobs.backoff(self.request.retries)) from error
        logger.error("Part %s of national report %s gave up", area_id, report_id, exc_info=error)
        result = {"code": WelfareArea.objects.get(pk=area_id).code, "error": reports.failure_message("fi")}
    NationalPart.objects.filter(report_id=report_id, area_id=area_id).update(
        state=NationalPart.State.DONE, result=result, heartbeat_at=timezone.now()
    )
    _merge_when_complete(report_id)


def _merge_when_complete(report_id: int) -> None:
    """Once every part is done, queue the merge; of two parts finishing together only one does."""
    parts = NationalPart.objects.filter(report_id=report_id)
    if not parts.exists() or parts.exclude(state=NationalPart.State.DONE).exists():
        return
    with transaction.atomic():
        claimed = parts.filter(merged=False).update(merged=True)
        if claimed and claimed == parts.count():
            jobs.after_commit(lambda: merge.delay(report_id))


def stalled_parts() -> list[NationalPart]:
    """Parts of running overviews whose job has been silent longer than a part may run."""
    silent = timezone.now() - datetime.timedelta(seconds=settings.PORTAL_PART_STALLED_SECONDS)
    return list(
        NationalPart.objects.filter(report__state=ContinuityReport.State.RUNNING, heartbeat_at__lt=silent).exclude(
            state=NationalPart.State.DONE
        )
    )


def run_again(part: NationalPart) -> bool:
    """Queue a silent part again (the reaper), or after MAX_PART_ATTEMPTS give it up with an error
    the merge reports. True when something was done."""
    same = NationalPart.objects.filter(pk=part.pk, heartbeat_at=part.heartbeat_at).exclude(
        state=NationalPart.State.DONE
    )
    if part.attempts >= MAX_PART_ATTEMPTS:
        report = ContinuityReport.objects.get(pk=part.report_id)
        code = WelfareArea.objects.get(pk=part.area_id).code
        error = {"code": code, "error": reports.failure_message(report.language)}
        done = same.update(state=NationalPart.State.DONE, result=error, heartbeat_at=timezone.now())
        _merge_when_complete(part.report_id)
        return bool(done)
    if not same.update(state=NationalPart.State.QUEUED, heartbeat_at=timezone.now(), attempts=F("attempts") + 1):
        return False
    jobs.after_commit(lambda: area_part.delay(part.report_id, part.area_id))
    return True


def _area_part(report_id: int, area_id: int) -> AreaPart:
    report = ContinuityReport.objects.get(pk=report_id)
    area = WelfareArea.objects.get(pk=area_id)
    try:
        with translation.override(report.language):
            result = continuity.compute(area, report.year, report.baseline_year)
            document = reports.pdf_bytes(reports.html(reports.content(result, None), result))
        name = default_storage.save(uploads.random_name("funding/reports/parts", "part.pdf"), ContentFile(document))
    except StorageUnavailable:
        return {"code": area.code, "error": reports.failure_message(report.language, storage=True)}
    except jobs.TRANSIENT_ERRORS:
        raise
    except Exception:  # the merge step reports it: the chord must finish
        logger.exception("Part %s of national report %s failed", area.code, report_id)
        return {"code": area.code, "error": reports.failure_message(report.language)}
    figures.store(result)  # the area's dashboard shows the newest figures
    step = 90 // WelfareArea.objects.count()
    ContinuityReport.objects.filter(pk=report_id).update(progress=F("progress") + step, heartbeat_at=timezone.now())
    return {
        "code": area.code,
        "name": area.name_fi if report.language == "fi" else getattr(area, f"name_{report.language}"),
        "pdf": name,
        "organisations": len(result.rows),
        "baseline": str(result.baseline_total),
        "current": str(result.current_total),
        "pending": str(result.pending_total),
        "at_risk": sum(1 for row in result.rows if row.status in continuity.AT_RISK),
    }


@shared_task
def merge(report_id: int) -> None:
    report = ContinuityReport.objects.get(pk=report_id)
    if report.state == ContinuityReport.State.SUCCEEDED:
        return
    parts: list[AreaPart] = sorted(
        (part.result for part in NationalPart.objects.filter(report_id=report_id)), key=lambda part: part["code"]
    )
    failed = [part for part in parts if "error" in part]
    if failed:
        _delete_parts(parts)
        reports.fail(report_id, "; ".join(f"{part['code']}: {part['error']}" for part in failed))
        return
    with translation.override(report.language):
        cover = reports.pdf_bytes(
            render_to_string(
                "funding/report/national.html", {"report": report, "parts": parts, "generated_at": timezone.now()}
            )
        )
        stage = _("Ready")
    writer = PdfWriter()
    writer.append(io.BytesIO(cover))
    for part in parts:
        with default_storage.open(part["pdf"], "rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    merged = io.BytesIO()
    writer.write(merged)
    table = io.StringIO()
    columns = ["area_code", "area_name", "organisations", "baseline_eur", "current_eur", "pending_eur", "at_risk"]
    csv.writer(table).writerows(
        [columns]
        + [
            [p["code"], p["name"], p["organisations"], p["baseline"], p["current"], p["pending"], p["at_risk"]]
            for p in parts
        ]
    )
    try:
        pdf_name, csv_name = reports.save_all(
            default_storage,
            {
                uploads.random_name("funding/reports", "national.pdf"): merged.getvalue(),
                uploads.random_name("funding/reports", "national.csv"): table.getvalue().encode("utf-8-sig"),
            },
        )
    except StorageUnavailable:
        _delete_parts(parts)
        reports.fail(report_id, reports.failure_message(report.language, storage=True))
        return
    ContinuityReport.objects.filter(pk=report_id).update(
        state=ContinuityReport.State.SUCCEEDED, pdf=pdf_name, csv=csv_name, progress=100, stage=stage,
        finished_at=timezone.now(), figures={"areas": [{k: v for k, v in p.items() if k != "pdf"} for p in parts]},
    )  # fmt: skip
    _delete_parts(parts)


def _delete_parts(parts: list[AreaPart]) -> None:
    for part in parts:
        if "pdf" in part:
            default_storage.delete(part["pdf"])
