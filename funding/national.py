"""The national overview: one Celery job per area, fanned out over the workers in a chord, then
merged into one PDF (pypdf) that opens with a table comparing the areas."""

from __future__ import annotations

import csv
import io
import logging
from typing import TypedDict

from celery import Task, chord, shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from funding import continuity, figures, reports
from funding.models import ContinuityReport
from portal import jobs, uploads
from portal.models import WelfareArea
from portal.storage import StorageUnavailable

logger = logging.getLogger(__name__)


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
    areas = list(WelfareArea.objects.values_list("pk", flat=True))
    ContinuityReport.objects.filter(pk=report.pk).update(
        state=ContinuityReport.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), progress=0
    )
    chord(area_part.s(report.pk, area_id) for area_id in areas)(merge.s(report.pk))


# The chord's callback waits for these results.
@shared_task(bind=True, ignore_result=False, max_retries=jobs.MAX_RETRIES)
def area_part(self: Task, report_id: int, area_id: int) -> AreaPart:
    """One area's report as a PDF part, and its figures for the comparison table; after the
    database or the broker was away and its retries ran out, the error the merge reports."""
    try:
        return _area_part(report_id, area_id)
    except jobs.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            logger.error("Part %s of national report %s gave up", area_id, report_id, exc_info=error)
            return {"code": str(area_id), "error": reports.failure_message("fi")}
        reports.note_retry(report_id, error)
        raise self.retry(exc=error, countdown=jobs.backoff(self.request.retries)) from error


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
def merge(parts: list[AreaPart], report_id: int) -> None:
    report = ContinuityReport.objects.get(pk=report_id)
    if report.state == ContinuityReport.State.SUCCEEDED:
        return
    parts = sorted(parts, key=lambda part: part["code"])
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
