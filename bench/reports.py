"""Times one report as a user sees it: from the request to the finished files, done by the Celery
workers that bench.run started; or WeasyPrint alone on the same HTML as the area report.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.reports warm-up|area|national|weasyprint
    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.reports plain-table PAGES

Prints ``{"seconds": …}`` (and, for a render alone, ``pages`` and ``pages_per_second``) as its
last line.
"""

from __future__ import annotations

import io
import json
import sys
import time

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.pages import largest_area  # noqa: E402
from funding import continuity, national, reports  # noqa: E402
from funding.models import ContinuityReport  # noqa: E402
from funding.tasks import build_continuity_report  # noqa: E402
from portal.models import WelfareArea  # noqa: E402

YEAR = timezone.localdate().year


def smallest_area() -> WelfareArea:
    return WelfareArea.objects.annotate(n=Count("municipalities__home_organisations")).order_by("n", "code")[0]


def finished(report: ContinuityReport, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        report.refresh_from_db()
        if report.state == ContinuityReport.State.SUCCEEDED:
            return
        if report.state == ContinuityReport.State.FAILED or time.monotonic() > deadline:
            raise SystemExit(f"report {report.pk} ended {report.state}: {report.error}")
        time.sleep(0.05)


def request_report(area: WelfareArea | None) -> float:
    started = time.monotonic()
    report = ContinuityReport.objects.create(area=area, year=YEAR, baseline_year=YEAR - 1, language="fi")
    if area is None:
        national.start(report)
    else:
        build_continuity_report.delay(report.pk)
    finished(report)
    return time.monotonic() - started


def pdf_pages(document: bytes) -> int:
    return len(PdfReader(io.BytesIO(document)).pages)


def area_report_html() -> str:
    area = largest_area()
    report = ContinuityReport(area=area, year=YEAR, baseline_year=YEAR - 1, language="fi")
    with translation.override("fi"):
        result = continuity.compute(area, YEAR, YEAR - 1)
        return reports.html(reports.content(result, report), result)


def timed_render(document: str) -> dict[str, float]:
    """WeasyPrint with the report's options, after one warm-up render."""
    reports.pdf_bytes("<p>warm-up</p>")
    started = time.monotonic()
    rendered = reports.pdf_bytes(document)
    seconds = time.monotonic() - started
    pages = pdf_pages(rendered)
    return {"seconds": round(seconds, 2), "pages": pages, "pages_per_second": round(pages / seconds, 2)}


def plain_table(rows: int) -> str:
    """A long table of eight short columns and nothing else: what WeasyPrint does at its fastest."""
    body = "".join(
        f"<tr><td>Yhdistys {i} ry</td><td>1234567-{i % 10}</td><td>Helsinki</td><td>{i * 13} €</td>"
        f"<td>{i * 11} €</td><td>0 €</td><td>-3,5 %</td><td>Jatkuu</td></tr>"
        for i in range(rows)
    )
    head = "".join(f"<th>{i}</th>" for i in range(8))
    return (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Taulukko</title></head><body>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )


def plain_table_of(pages: int) -> str:
    """A plain table as many pages long as ``pages``: its rows per page found from a short one."""
    sample = 500
    per_page = sample / pdf_pages(reports.pdf_bytes(plain_table(sample)))
    return plain_table(round(per_page * pages))


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "weasyprint":  # the same HTML as the area report's
        figures = timed_render(area_report_html())
    elif kind == "plain-table":  # a plain table of as many pages as the area report
        figures = timed_render(plain_table_of(int(sys.argv[2])))
    else:
        area = {"warm-up": smallest_area, "area": largest_area, "national": lambda: None}[kind]()
        figures = {"seconds": round(request_report(area), 2)}
    print(json.dumps({"kind": kind, **figures}))
