"""allauth's social-account adapter for the one social login the portal has: Suomi.fi.

The SAML app is built from the settings (``SUOMIFI_*``), not kept in the database: off, there is
no app, no button on the login page, and the SAML pages answer 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from onelogin.saml2.constants import OneLogin_Saml2_Constants

CLIENT_ID = "suomifi"  # the SAML app's slug: /accounts/saml/suomifi/…


def _pem(path: str) -> str:
    return Path(path).read_text(encoding="ascii") if path else ""


def saml_settings() -> dict[str, Any]:
    """The SAML app's settings, as allauth's provider reads them."""
    sp: dict[str, str] = {}
    if settings.SUOMIFI_SP_ENTITY_ID:
        sp["entity_id"] = settings.SUOMIFI_SP_ENTITY_ID
    return {
        "idp": {"entity_id": settings.SUOMIFI_IDP_ENTITY_ID, "metadata_url": settings.SUOMIFI_IDP_METADATA_URL},
        "sp": sp,
        "advanced": {
            "x509cert": _pem(settings.SUOMIFI_SP_CERTIFICATE_FILE),
            "private_key": _pem(settings.SUOMIFI_SP_PRIVATE_KEY_FILE),
            "strict": True,
            # The portal signs what it sends; Suomi.fi signs and encrypts the assertion.
            "authn_request_signed": True,
            "logout_request_signed": True,
            "logout_response_signed": True,
            "want_assertion_signed": True,
            "want_assertion_encrypted": True,
            "want_attribute_statement": True,
            "reject_idp_initiated_sso": True,
            "reject_deprecated_algorithm": True,
            "digest_algorithm": OneLogin_Saml2_Constants.SHA256,
            "signature_algorithm": OneLogin_Saml2_Constants.RSA_SHA256,
            "name_id_format": OneLogin_Saml2_Constants.NAMEID_TRANSIENT,
        },
    }


def enabled() -> bool:
    return bool(settings.SUOMIFI_IDENTIFICATION != "off")


def suomifi_app() -> SocialApp | None:
    if not enabled():
        return None
    return SocialApp(provider="saml", name="Suomi.fi", client_id=CLIENT_ID, settings=saml_settings())


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        app = suomifi_app()
        if app is None or (provider and provider != app.provider) or (client_id and client_id != app.client_id):
            return []
        return [app]

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.full_name = (data.get("name") or "")[:200]
        user.preferred_language = (get_language() or "fi")[:2]
        return user

    def get_signup_form_initial_data(self, sociallogin: SocialLogin) -> dict[str, Any]:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["full_name"] = sociallogin.user.full_name
        return initial

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount: Any) -> str:
        return reverse("portal:profile")
