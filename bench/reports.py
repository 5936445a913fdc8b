"""Times one report as a user sees it: from the request to the finished files, done by the Celery
workers that bench.run started; or WeasyPrint alone on the same HTML as the area report.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.reports warm-up|area|national|weasyprint

Prints ``{"seconds": …}`` as its last line.
"""

from __future__ import annotations

import json
import sys
import time

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

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


def weasyprint_alone() -> float:
    """The same HTML as the area report's, rendered with the same options, after one warm-up render."""
    area = largest_area()
    report = ContinuityReport(area=area, year=YEAR, baseline_year=YEAR - 1, language="fi")
    result = continuity.compute(area, YEAR, YEAR - 1)
    document = reports.html(reports.content(result, report), result)
    reports.pdf_bytes("<p>warm-up</p>")
    started = time.monotonic()
    reports.pdf_bytes(document)
    return time.monotonic() - started


if __name__ == "__main__":
    kind = sys.argv[1]
    seconds = {
        "warm-up": lambda: request_report(smallest_area()),
        "area": lambda: request_report(largest_area()),
        "national": lambda: request_report(None),
        "weasyprint": weasyprint_alone,
    }[kind]()
    print(json.dumps({"kind": kind, "seconds": round(seconds, 2)}))
