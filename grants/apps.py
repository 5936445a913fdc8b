from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        # Declares what the app holds about a person, and the areas an applicant is engaged in.
        from grants import pages, permissions, personal_data  # noqa: F401
        from grants.models import Application, Decision, GrantCall
        from portal import fragments

        # The published decisions show each decision with its call and its application's title
        # (a draft, which the applicant saves again and again, is on no public page).
        fragments.track(Decision, "grants")
        fragments.track(GrantCall, "grants")
        fragments.track(Application, "grants", when=lambda application: getattr(application, "status", "") != "draft")
        # The application page keeps what it shows under its organisation's topic and its call's.
        pages.track_application_pages()
