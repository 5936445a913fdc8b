"""Apply the retention schedule now, or with --dry-run only tell what it would remove."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jarjestoportaali import retention


class Command(BaseCommand):
    help = "Remove what the retention schedule says is due (counts only, no personal data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what is due and remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = retention.apply(dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for rule in retention.SCHEDULE:
            self.stdout.write(f"{rule.name}: {verb} {removed[rule.name]} ({rule.what})")
