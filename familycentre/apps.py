from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyCentreConfig(AppConfig):
    name = "familycentre"
    verbose_name = _("Family centres")

    def ready(self) -> None:
        from familycentre import personal_data  # noqa: F401 - declares what the app holds about a person
        from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
        from portal import fragments

        # The public activity lists, and the dashboard's family-centre section.
        fragments.track(FamilyCentre, "activities")
        fragments.track(FamilyCentreActivity, "activities")
        fragments.track(CooperationAgreement, "agreements")
        fragments.track(NetworkMember, "agreements")
