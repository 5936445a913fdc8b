from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funding import reports
from funding.models import ContinuityReport
from portal.models import WelfareArea


class Command(BaseCommand):
    help = "Build a funding-continuity report synchronously, by the same code path as the Celery job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--baseline-year", type=int)
        parser.add_argument("--lang", choices=["fi", "sv", "en"], default="fi")
        parser.add_argument("--pdf", type=Path, required=True)
        parser.add_argument("--csv", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        area = WelfareArea.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"Unknown area code {options['area']}.")
        report = ContinuityReport(
            area=area,
            year=options["year"],
            baseline_year=options["baseline_year"] or options["year"] - 1,
            language=options["lang"],
        )
        built = reports.build(report, lambda value, stage: self.stdout.write(f"{value:3d} % {stage}"))
        options["pdf"].write_bytes(built.pdf)
        options["csv"].write_text(built.csv, encoding="utf-8-sig")
        self.stdout.write(f"Wrote {options['pdf']} and {options['csv']}.")
