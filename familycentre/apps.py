from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyCentreConfig(AppConfig):
    name = "familycentre"
    verbose_name = _("Family centres")

    def ready(self) -> None:
        from familycentre import personal_data  # noqa: F401 - declares what the app holds about a person
        from familycentre.models import FamilyCentre, FamilyCentreActivity
        from portal import fragments

        for model in (FamilyCentre, FamilyCentreActivity):  # the public activity lists
            fragments.track(model, "activities")
