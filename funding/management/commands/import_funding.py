from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from funding import imports
from funding.models import FundingImport
from portal.models import WelfareArea


class Command(BaseCommand):
    help = "Import historical funding (CSV or XLSX) into the funding ledger of an area."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--area", required=True, help="the area's two-digit code, e.g. 05")
        parser.add_argument("--dry-run", action="store_true", help="check the file and import nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        area = WelfareArea.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"Unknown area code {options['area']}.")
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as handle:
            record = imports.run(File(handle, name=path.name), path.name, area, None, options["dry_run"])
        for line, message in record.errors:
            self.stderr.write(f"line {line}: {message}")
        if record.state == FundingImport.State.REFUSED:
            raise CommandError(f"The file was refused ({len(record.errors)} errors); nothing was imported.")
        if record.state == FundingImport.State.PREVIEW:
            self.stdout.write(f"Dry run: {record.rows_read} rows are valid; nothing was imported.")
        else:
            self.stdout.write(
                f"Imported {record.rows_imported} rows; {record.organisations_created} new unclaimed organisations."
            )
