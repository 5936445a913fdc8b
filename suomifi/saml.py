"""The Suomi.fi login: allauth's SAML provider, keeping only the name and a pseudonym.

Suomi.fi sends the personal identity code (nationalIdentificationNumber, urn:oid:1.2.246.21) with
every strong identification. It never leaves this module's memory: the account is found by a keyed
hash of it (``pseudonym``), the mandate service is asked with it once at login
(``suomifi.mandates``), and what allauth keeps of the response (``SocialAccount.extra_data``, the
session while a sign-up is finished) is the name alone.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

NATIONAL_IDENTIFICATION_NUMBER = "urn:oid:1.2.246.21"
EIDAS_PERSON_IDENTIFIER = "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
GIVEN_NAME = "urn:oid:2.5.4.42"
SURNAME = "urn:oid:2.5.4.4"
EIDAS_FIRST_NAMES = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName"
EIDAS_FAMILY_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"

# What a logout request to Suomi.fi needs of the login (the NameID lasts one Suomi.fi session).
LOGOUT_SESSION_KEY = "suomifi_logout"
# What the login leaves in the session for what follows it. allauth logs a signed-in person out
# before a social login (a fresh session), so these are put back once the login is done
# (suomifi.signals); the mandate keys are suomifi.mandates.SESSION_KEY and views.TRIED_KEY.
CARRIED_SESSION_KEYS = (LOGOUT_SESSION_KEY, "suomifi_mandates", "suomifi_mandates_tried")
CARRIED_ATTRIBUTE = "_suomifi_carried"


def _first(attributes: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = attributes.get(name) or []
        if values and values[0].strip():
            return values[0].strip()
    return ""


def pseudonym(kind: str, identifier: str) -> str:
    """A stable identifier of the person that is not their identity code and cannot be turned back
    into it without the portal's key (``SUOMIFI_PSEUDONYM_KEY``)."""
    key = settings.SUOMIFI_PSEUDONYM_KEY.encode()
    return f"{kind}:" + hmac.new(key, f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()


def full_name(attributes: dict[str, list[str]]) -> str:
    display = _first(attributes, DISPLAY_NAME)
    if display:
        return display
    given = _first(attributes, GIVEN_NAME, EIDAS_FIRST_NAMES)
    family = _first(attributes, SURNAME, EIDAS_FAMILY_NAME)
    return " ".join(part for part in (given, family) if part)


class SuomifiProvider(SAMLProvider):
    """allauth's SAML provider for Suomi.fi (``SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]``)."""

    package = "allauth.socialaccount.providers.saml"  # its URLs are allauth's SAML URLs

    def extract_uid(self, data: Any) -> str:
        attributes = data.get_attributes()
        identity_code = _first(attributes, NATIONAL_IDENTIFICATION_NUMBER)
        if identity_code:
            return pseudonym("fi", identity_code.upper())
        eidas = _first(attributes, EIDAS_PERSON_IDENTIFIER)
        if eidas:
            return pseudonym("eidas", eidas)
        return str(super().extract_uid(data))  # a persistent NameID, from an IdP that sends one

    def extract_extra_data(self, data: Any) -> dict[str, str]:
        return {"name": full_name(data.get_attributes())}

    def extract_common_fields(self, data: Any) -> dict[str, str]:
        attributes = data.get_attributes()
        return {"name": full_name(attributes), "email": _first(attributes, MAIL)}

    def redirect(
        self, request: HttpRequest, process: Any, next_url: Any = None, data: Any = None, **kwargs: Any
    ) -> Any:
        """The signed request, and the language for Suomi.fi's pages (``locale``, outside the
        signature, as Suomi.fi reads it)."""
        response = super().redirect(request, process, next_url, data, **kwargs)
        language = (get_language() or "fi")[:2]
        response["Location"] += f"&{urlencode({'locale': language if language in ('fi', 'sv', 'en') else 'fi'})}"
        return response

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        from suomifi import mandates

        login = super().sociallogin_from_response(request, response)
        request.session[LOGOUT_SESSION_KEY] = {
            "name_id": response.get_nameid(),
            "name_id_format": response.get_nameid_format(),
            "name_id_nq": response.get_nameid_nq(),
            "name_id_spnq": response.get_nameid_spnq(),
            "session_index": response.get_session_index(),
        }
        identity_code = _first(response.get_attributes(), NATIONAL_IDENTIFICATION_NUMBER)
        if identity_code and mandates.configured():
            mandates.register_session(request, identity_code)
        carried = {key: request.session[key] for key in CARRIED_SESSION_KEYS if key in request.session}
        setattr(request, CARRIED_ATTRIBUTE, carried)
        return login
