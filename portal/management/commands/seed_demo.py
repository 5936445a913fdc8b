from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from portal import demo


class Command(BaseCommand):
    help = "Create or refresh the demo data and print the demo logins (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            users = demo.seed()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Demo logins (password: {demo.DEMO_PASSWORD}):"))
        for user in users:
            self.stdout.write(f"  {user.email:<30} {user.description}")
