from __future__ import annotations

from django.http import HttpRequest

from suomifi import adapter, mandates


def suomifi(request: HttpRequest) -> dict[str, bool]:
    """Whether the account pages offer Suomi.fi identification and mandates."""
    enabled = adapter.enabled()
    return {"suomifi_enabled": enabled, "suomifi_mandates_enabled": enabled and mandates.configured()}
