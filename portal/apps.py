from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from portal.pagecache import watch_writes

        connection_created.connect(watch_writes, dispatch_uid="portal.pagecache.watch_writes")
