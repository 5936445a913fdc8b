from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuomifiConfig(AppConfig):
    name = "suomifi"
    verbose_name = _("Suomi.fi identification and mandates")

    def ready(self) -> None:
        # Declares what the app holds about a person; ends memberships by mandate at each login.
        from suomifi import personal_data, signals  # noqa: F401
