from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from funding import figures
from grants import opendata
from jarjestoportaali import demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data and print the demo logins (demo mode only). With --scale national, "
        "also build the national data set: 22 areas, 11,000 organisations, 15,000 applications."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument(
            "--size",
            type=float,
            default=1.0,
            help="National scale only: a factor on every count (0.01 for a quick try).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="National scale only: the same seed, the same data.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        national = options["scale"] == "national"
        if national:
            # Imported here: the national builder needs Faker, a development dependency.
            from jarjestoportaali import national_demo

            if national_demo.national_data_exists():
                raise CommandError(
                    "The national data set is already in this database; it is built once. To rebuild it, "
                    "start from a new database (createdb, migrate, then seed_demo --scale national)."
                )
        try:
            users = demo.seed()
            counts = national_demo.seed_national(options["size"], options["seed"]) if national else {}
            # What the workers do after decisions are published and every night.
            opendata.build_release()
            figures.refresh_all()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Demo logins (password: {demo.DEMO_PASSWORD}):"))
        for user in users:
            self.stdout.write(f"  {user.email:<30} {user.description}")
        if national:
            self.stdout.write(self.style.SUCCESS("National data set:"))
            for name, count in counts.items():
                self.stdout.write(f"  {name.replace('_', ' '):<16} {count:>7}")
            self.stdout.write(
                "  Staff of each area: coordinator-<code>@example.org, reviewer-<code>@example.org and "
                "decision-maker-<code>@example.org; organisation admins: ngo-<n>@example.org (same password)."
            )
            self.stdout.write(f"Finished in {time.monotonic() - started:.1f} s.")
