from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grants import documents
from portal.models import WelfareArea


class Command(BaseCommand):
    help = (
        "Write the current decision document of each published decision an area made in a year, and "
        "decisions.csv listing them, into a directory for the area's records management."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="the area's code, e.g. 05")
        parser.add_argument("--year", type=int, required=True, help="the year the decisions were made")
        parser.add_argument("--out", type=Path, required=True, help="the directory to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        area = WelfareArea.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"Unknown area code {options['area']}.")
        rows = documents.archive(area, options["year"], options["out"])
        self.stdout.write(f"Wrote {rows} decisions to {options['out'] / 'decisions.csv'}.")
