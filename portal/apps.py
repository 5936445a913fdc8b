from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import fragments, identity
        from portal.models import AreaRole, Municipality, Theme, WelfareArea

        # Public fragments that show names of areas, municipalities or themes.
        for model in (WelfareArea, Municipality, Theme):
            fragments.track(model, "reference")
        fragments.track(AreaRole, "roles")  # the reviewers offered on a work list
        identity.connect()
