from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from funding import ledger, personal_data  # noqa: F401 - connect the ledger, declare personal data
        from funding.models import ContinuityFigures, ContinuityReport
        from portal import fragments

        fragments.track(ContinuityFigures, "figures")  # the dashboard's continuity section
        fragments.track(ContinuityReport, "figures")  # and its link to the latest published report
