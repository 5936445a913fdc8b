"""How allauth writes to people and where it takes them: the portal's account adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import DatabaseError
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from portal import identity

# A page to open after the next login: set by a page that a person reached logged out and must
# come back to (an invitation link), so that signing up, verifying the address and logging in in
# between do not lose it.
RESUME_AFTER_LOGIN = "portal.resume_after_login"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's emails call the site (``current_site``): the portal's name and address, not
    the host name the request happened to use."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name="Järjestöportaali", domain=settings.PORTAL_BASE_URL)


def resume_after_login(request: HttpRequest, path: str) -> None:
    request.session[RESUME_AFTER_LOGIN] = path


def forget_resume(request: HttpRequest, path: str) -> None:
    if request.session.get(RESUME_AFTER_LOGIN) == path:
        del request.session[RESUME_AFTER_LOGIN]


def _resume(request: HttpRequest) -> str | None:
    path = request.session.get(RESUME_AFTER_LOGIN)
    return path if path and url_has_allowed_host_and_scheme(path, allowed_hosts=None) else None


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        try:
            return super().authenticate(request, **credentials)
        except DatabaseError:
            # The password could not be checked: an outage is no failed attempt, so the person
            # is not locked out with the right password once the database is back.
            self._rollback_login_failed_rl_usage()
            raise

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return _resume(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Where the login that follows the email verification goes.
        return _resume(request) or super().get_signup_redirect_url(request)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's emails as plain text, rendered without HTML escaping (a plain-text body is never
        read as HTML, so "A & B ry" must arrive as written), naming the portal."""
        context = {**context, "current_site": portal_site()}
        # Collapsing white space also keeps a hostile name from breaking the header.
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template_prefix}_message.txt", context, using="text").strip()
        to = [email] if isinstance(email, str) else email
        return EmailMessage(self.format_email_subject(subject), body, self.get_from_email(), to, headers=headers)


class _RememberedUser:
    """The signed-in person of each request from ``portal.identity`` (the process's memory, under
    the person's version) instead of a query; the rules of ``ModelBackend.get_user`` still apply."""

    def get_user(self, user_id: Any) -> Any:
        user = identity.user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_RememberedUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_RememberedUser, AllauthBackend):
    pass
