"""Request middleware of the portal: the health check before anything that needs the database, the
user's own language, the staff two-factor rule, and no caching of anything a signed-in person sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from portal import access, views

# What a person whose role requires two-factor authentication may open before setting it up: the
# setup itself, their own account and signing out. Everything else sends them to the setup, so a
# new view is protected without anyone remembering to mark it.
REACHABLE_WITHOUT_TOTP = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_authenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
        "suomifi:logout",  # signing out of a Suomi.fi login, and Suomi.fi's answer to it
        "saml_sls",
        "account_email",
        "account_change_password",
        "account_set_password",
        "account_confirm_email",
        "portal:profile",
        "portal:my_data",
        "portal:delete_account",
        "portal:set_language",
        "healthz",
    }
)


class HealthCheckMiddleware:
    """Answer ``/healthz`` before the session and the user are loaded: a probe with a session cookie
    must get the same quick JSON answer as one without, also while the database is down (loading
    the user would fail first, as an HTML error page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return views.healthz(request)
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """Use a logged-in user's preferred language unless they chose one in this browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class StaffMFAMiddleware:
    """Keep a person whose role requires TOTP on the setup page until they have set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in REACHABLE_WITHOUT_TOTP:
            return None
        if not access.must_set_up_mfa(request.user):
            return None
        messages.warning(request, _("Your role requires two-factor authentication. Set it up to continue."))
        next_page = request.get_full_path() if request.method == "GET" else reverse("workspace:home")
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_page})}")


class PrivatePagesMiddleware:
    """Nothing a signed-in person sees may be kept by a browser or a proxy: it may name other
    people, money and internal notes, and a shared computer's back button must not show it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
