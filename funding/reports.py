"""Funding-continuity reports (docs/design.md, “Continuity reports”): the CSV, the HTML and the PDF, built from
one computation. The Celery job and the ``continuity_report`` command share ``build``."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from funding import continuity, figures
from funding.models import ContinuityFigures, ContinuityReport, FundingRecord
from portal import emails, fragments, jobs, uploads
from portal.csvsafe import safe_row
from portal.models import AreaRole, User
from portal.storage import StorageUnavailable

logger = logging.getLogger(__name__)

CSV_COLUMNS = [
    "business_id", "association_register_number", "organisation_name", "home_municipality_code", "baseline_eur",
    "current_eur", "pending_eur", "change_pct", "status", "reason",
]  # fmt: skip
KIND_COLOURS = {
    "welfare_area": "#003a70",
    "municipality": "#2e7d32",
    "joint_authority": "#8e24aa",
    "state": "#b26a00",
    "other": "#5f6368",
}

Progress = Callable[[int, str], None]


def csv_text(result: continuity.Continuity) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in result.rows:
        organisation = row.organisation
        writer.writerow(
            safe_row([
                organisation.business_id or "", organisation.register_number or "", organisation.name_fi,
                organisation.home_municipality.code, row.baseline, row.current, row.pending,
                "" if row.change_pct is None else row.change_pct, row.status, row.reason,
            ])
        )  # fmt: skip
    return buffer.getvalue()


def trend_svg(result: continuity.Continuity) -> SafeString:
    """Stacked bars of euros by funder kind for five years, as an accessible vector image."""
    years = list(result.trend)
    kinds = FundingRecord.FunderKind
    totals = [sum(result.trend[y].values(), Decimal(0)) for y in years]
    top = max([*totals, Decimal(1)])
    width, height, left, bottom, bar = 640, 300, 70, 40, 70
    step = (width - left - 20) / max(len(years), 1)
    # Outside the f-strings, where makemessages finds them.
    title = _("Funding by funder kind, five years")
    description = _("The same figures are in the table below the chart.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 60}" role="img" '
        f'aria-labelledby="trend-title trend-desc" class="chart">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>',
    ]
    for index, year in enumerate(years):
        x = left + index * step + (step - bar) / 2
        y: float = height - bottom
        for kind in kinds.values:
            value = result.trend[year][kind]
            if not value:
                continue
            size = float(value / top) * (height - bottom - 20)
            y -= size
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{size:.1f}" fill="{KIND_COLOURS[kind]}"/>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="13">{year}</text>'
        )
    for index, (kind, label) in enumerate(kinds.choices):
        x = 10 + (index % 3) * 210
        y = height + 5 + (index // 3) * 22
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{KIND_COLOURS[kind]}"/>')
        parts.append(f'<text x="{x + 20}" y="{y + 12}" font-size="13">{escape(str(label))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def context(result: continuity.Continuity, report: ContinuityReport | None) -> dict[str, Any]:
    return {
        "result": result,
        "report": report,
        "generated_at": timezone.now(),
        "chart": trend_svg(result),
        "kinds": FundingRecord.FunderKind.choices,
        "trend_rows": [
            (year, [values[kind] for kind in FundingRecord.FunderKind.values]) for year, values in result.trend.items()
        ],
    }


def content(result: continuity.Continuity, report: ContinuityReport | None) -> SafeString:
    """The report itself, as HTML: the body of the PDF and, kept with the report, its web page."""
    return mark_safe(render_to_string("funding/report/content.html", context(result, report)))  # noqa: S308 - rendered with autoescape


def html(body: SafeString, result: continuity.Continuity) -> str:
    """The PDF's document around the report's content."""
    return render_to_string("funding/report/pdf.html", {"content": body, "result": result})


def pdf_bytes(document: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")


@dataclass(frozen=True)
class Built:
    pdf: bytes
    csv: str
    page: str  # the content of the PDF as HTML, which the report's web page shows as it was
    result: continuity.Continuity


def build(report: ContinuityReport, progress: Progress) -> Built:
    """Compute, write the CSV and render the PDF for ``report``, telling ``progress`` how far it got."""
    assert report.area is not None  # an area's report: the national overview is built by funding.national
    with translation.override(report.language):
        progress(10, _("Computing funding continuity"))
        result = continuity.compute(report.area, report.year, report.baseline_year)
        progress(40, _("Writing the CSV"))
        table = csv_text(result)
        progress(60, _("Rendering the PDF"))
        body = content(result, report)
        document = pdf_bytes(html(body, result))
        progress(90, _("Storing the files"))
    return Built(pdf=document, csv=table, page=str(body), result=result)


# --- The job ------------------------------------------------------------------------------------


def set_progress(report_id: int, value: int, stage: str) -> None:
    """Show the stage on the page and keep it in the report's history (the job is its only writer)."""
    history = ContinuityReport.objects.values_list("history", flat=True).get(pk=report_id)
    history = [*history, [value, stage[:200], timezone.now().isoformat()]]
    ContinuityReport.objects.filter(pk=report_id).update(
        progress=value, stage=stage[:200], history=history, heartbeat_at=timezone.now()
    )


def run_job(report_id: int) -> None:
    """The Celery job's body: idempotent, so a redelivered job after a crash does the work once."""
    report = ContinuityReport.objects.select_related("area").get(pk=report_id)
    if report.state == ContinuityReport.State.SUCCEEDED:
        return
    # A redelivery after a crash starts the attempt afresh: the page shows this run's stages only.
    ContinuityReport.objects.filter(pk=report_id).update(
        state=ContinuityReport.State.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        error="",
        progress=0,
        stage="",
        history=[],
    )
    try:
        built = build(report, lambda value, stage: set_progress(report_id, value, stage))
        stem = f"continuity-{report.area.code if report.area else 'national'}-{report.year}"
        storage = report.pdf.storage
        # New random names every attempt: a file a killed attempt left half-written is never referred to.
        pdf_name, csv_name, page_name = save_all(
            storage,
            {
                uploads.random_name("funding/reports", f"{stem}.pdf"): built.pdf,
                uploads.random_name("funding/reports", f"{stem}.csv"): built.csv.encode("utf-8-sig"),
                uploads.random_name("funding/reports", f"{stem}.html"): built.page.encode("utf-8"),
            },
        )
    except SoftTimeLimitExceeded:
        with translation.override(report.language):
            message = _("The report took longer than the time allowed and was stopped. Try again later.")
        fail(report_id, message)
        return
    except StorageUnavailable:
        fail(report_id, failure_message(report.language, storage=True))
        return
    except jobs.TRANSIENT_ERRORS:
        raise  # the task tries again after a while
    except Exception:
        # The details, with any server path, go to the log; the page gets a sentence.
        logger.exception("Continuity report %s failed", report_id)
        fail(report_id, failure_message(report.language))
        raise
    with transaction.atomic():
        current = ContinuityReport.objects.select_for_update().get(pk=report_id)
        if current.state == ContinuityReport.State.SUCCEEDED:  # another delivery finished first

            def discard() -> None:  # this attempt's files; the first delivery's stay
                for name in (pdf_name, csv_name, page_name):
                    storage.delete(name)

            transaction.on_commit(discard)
            return
        with translation.override(report.language):  # the worker's own language is the default one
            set_progress(report_id, 100, _("Ready"))
        summary = figures.summary(built.result)
        figures.store(built.result, current, summary)  # the area's dashboard shows the newest figures
        ContinuityReport.objects.filter(pk=report_id).update(
            figures=summary,
            state=ContinuityReport.State.SUCCEEDED,
            pdf=pdf_name,
            csv=csv_name,
            page=page_name,
            finished_at=timezone.now(),
        )


# --- Publishing -------------------------------------------------------------------------------


def publish(report: ContinuityReport, user: User) -> bool:
    """Publish a finished area report for the area's councillors and email each of them once, in
    their own language. False when it was not publishable or someone published it first."""
    published = ContinuityReport.objects.filter(
        pk=report.pk, area__isnull=False, state=ContinuityReport.State.SUCCEEDED, published_at__isnull=True
    ).update(published_at=timezone.now(), published_by=user)
    if not published:  # a double click or a colleague a moment earlier: nobody is told twice
        return False
    # The dashboards link the report the figures came from once it is published.
    fragments.changed(ContinuityFigures)
    assert report.area is not None  # the update above matched an area's report
    link = settings.PORTAL_BASE_URL + reverse("funding:report_html", kwargs={"pk": report.pk})
    councillors = AreaRole.objects.active().in_area(report.area).with_role(AreaRole.Role.COUNCILLOR).people()
    for councillor in councillors:
        emails.send_later(
            councillor.email,
            councillor.preferred_language,
            "funding/email/report_published",
            {"report": report, "area": report.area, "recipient": councillor, "link": link},
        )
    return True


def save_all(storage: Storage, files: dict[str, bytes]) -> list[str]:
    """Store the files under the given names, all or none: one that fails removes the others."""
    saved: list[str] = []
    try:
        for name, data in files.items():
            saved.append(storage.save(name, ContentFile(data)))
    except BaseException:  # also a time limit in the middle
        for name in saved:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    return saved


def failure_message(language: str, *, storage: bool = False) -> str:
    """What the report's page says of a failure, in the report's language: never an exception."""
    with translation.override(language):
        if storage:
            return _("The file store is unavailable, try again in a moment.")
        return _("The report could not be built because of an error on the server. Try again later.")


def note_retry(report_id: int, error: BaseException) -> None:
    """Tell the page why the report waits. The database may be the one away, so this may fail:
    the reaper then notices the silence."""
    with contextlib.suppress(DatabaseError):
        language = ContinuityReport.objects.values_list("language", flat=True).get(pk=report_id)
        with translation.override(language):
            if jobs.is_database_error(error):
                stage = _("Retrying after a database error")
            else:
                stage = _("Retrying after an error of the job queue")
        ContinuityReport.objects.filter(pk=report_id).update(stage=stage, heartbeat_at=timezone.now())


def give_up(report_id: int, error: BaseException) -> None:
    """The last attempt failed too: say so on the page, if the database lets us."""
    logger.error("Continuity report %s failed after its retries", report_id, exc_info=error)
    with contextlib.suppress(DatabaseError):
        language = ContinuityReport.objects.values_list("language", flat=True).get(pk=report_id)
        with translation.override(language):
            if jobs.is_database_error(error):
                message = _("The report could not be built: the database was unavailable. Try again later.")
            else:
                message = _("The report could not be built: the job queue was unavailable. Try again later.")
        fail(report_id, message)


def fail(report_id: int, message: str) -> None:
    ContinuityReport.objects.filter(pk=report_id).update(
        state=ContinuityReport.State.FAILED, error=message[:2000], finished_at=timezone.now()
    )
