from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JarjestoportaaliConfig(AppConfig):
    name = "jarjestoportaali"
    verbose_name = _("Järjestöportaali")
