"""Request types for annotations: what a view may rely on about its request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from portal.models import User


class HtmxHttpRequest(HttpRequest):
    """Every request: django-htmx's middleware (in every stack) sets ``htmx``."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request that ``login_required`` let through: its user has logged in."""

    user: User
