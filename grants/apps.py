from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        # Declares what the app holds about a person, and the areas an applicant is engaged in.
        from grants import permissions, personal_data  # noqa: F401
