"""Suomi.fi Mandates (valtuudet), its Web API for acting for an organisation (YPA).

The documented flow, in four calls:

1. at login, ``register_session``: ``GET /service/ypa/user/register/{client}/{identity code}``
   (API-key checksum header) opens a Web API session for the person just identified and answers
   ``{"sessionId", "userId"}``. The identity code is in that path and nowhere else: it is not
   logged (urllib3's debug log of paths is off in the settings, and errors are logged without the
   URL) and not kept.
2. ``authorize_url``: the person's browser goes to ``/oauth/authorize`` and chooses, in the
   service's own pages, the organisation to act for; the service sends it back with a code.
3. ``exchange_code``: ``POST /oauth/token`` (HTTP Basic with the client ID and the OAuth secret).
4. ``organisation_roles``: ``GET /service/ypa/api/organizationRoles/{sessionId}`` (bearer token and
   the checksum header) answers the chosen organisations with their Business IDs and the person's
   roles in each.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

# {"session_id", "user_id", "registered_at"} of the Web API session; carried over the login
# (suomifi.saml.CARRIED_SESSION_KEYS).
SESSION_KEY = "suomifi_mandates"
STATE_KEY = "suomifi_mandates_state"
# The Web API session lives about half an hour; a fresh login registers a new one.
SESSION_LIFETIME = datetime.timedelta(minutes=25)


class MandateServiceError(Exception):
    """The mandate service did not answer as documented (the message never holds a URL)."""


@dataclass(frozen=True)
class OrganisationRoles:
    business_id: str
    name: str
    roles: list[str]


def configured() -> bool:
    return bool(settings.SUOMIFI_MANDATES_CLIENT_ID)


def checksum_header(path: str, now: datetime.datetime | None = None) -> str:
    """``X-AsiointivaltuudetAuthorization``: client ID, ISO 8601 time and the Base64 HMAC-SHA256
    of "path time" with the API key."""
    timestamp = (now or timezone.now()).astimezone(datetime.UTC).isoformat(timespec="seconds")
    digest = hmac.new(settings.SUOMIFI_MANDATES_API_KEY.encode(), f"{path} {timestamp}".encode(), hashlib.sha256)
    return f"{settings.SUOMIFI_MANDATES_CLIENT_ID} {timestamp} {base64.b64encode(digest.digest()).decode()}"


def _get(path: str, headers: dict[str, str] | None = None) -> Any:
    try:
        response = requests.get(
            settings.SUOMIFI_MANDATES_URL + path,
            headers={"X-AsiointivaltuudetAuthorization": checksum_header(path), **(headers or {})},
            timeout=settings.SUOMIFI_MANDATES_TIMEOUT,
        )
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        # The exception's text names the URL, which may hold an identity code: only its kind.
        raise MandateServiceError(type(error).__name__) from None


def register_session(request: HttpRequest, identity_code: str) -> bool:
    """Open a Web API session for the person identified (step 1); False when the service failed."""
    request.session.pop(SESSION_KEY, None)
    client = settings.SUOMIFI_MANDATES_CLIENT_ID
    path = f"/service/ypa/user/register/{client}/{identity_code}?{urlencode({'requestId': uuid.uuid4().hex})}"
    try:
        answer = _get(path)
        session_id, user_id = str(answer["sessionId"]), str(answer["userId"])
    except (MandateServiceError, KeyError, TypeError) as error:
        logger.warning("Suomi.fi Mandates: registering a session failed (%s)", type(error).__name__)
        return False
    request.session[SESSION_KEY] = {
        "session_id": session_id,
        "user_id": user_id,
        "registered_at": timezone.now().isoformat(),
    }
    return True


def live_session(request: HttpRequest) -> dict[str, str] | None:
    session = request.session.get(SESSION_KEY)
    if not session:
        return None
    registered = datetime.datetime.fromisoformat(session["registered_at"])
    return session if timezone.now() - registered < SESSION_LIFETIME else None


def authorize_url(request: HttpRequest, session: dict[str, str], redirect_uri: str) -> str:
    """Where the person chooses the organisation (step 2); the state ties the answer to this browser."""
    state = secrets.token_urlsafe(24)
    request.session[STATE_KEY] = state
    query = {
        "client_id": settings.SUOMIFI_MANDATES_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "user": session["user_id"],
        "lang": (request.LANGUAGE_CODE or "fi")[:2],
        "state": state,
    }
    return f"{settings.SUOMIFI_MANDATES_URL}/oauth/authorize?{urlencode(query)}"


def state_matches(request: HttpRequest, state: str) -> bool:
    expected = request.session.pop(STATE_KEY, None)
    return bool(expected) and secrets.compare_digest(str(expected), state)


def exchange_code(code: str, redirect_uri: str) -> str:
    """The access token for the code the service sent the browser back with (step 3)."""
    query = urlencode({"code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri})
    try:
        response = requests.post(
            f"{settings.SUOMIFI_MANDATES_URL}/oauth/token?{query}",
            auth=(settings.SUOMIFI_MANDATES_CLIENT_ID, settings.SUOMIFI_MANDATES_OAUTH_SECRET),
            timeout=settings.SUOMIFI_MANDATES_TIMEOUT,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise MandateServiceError(type(error).__name__) from None


def organisation_roles(session: dict[str, str], access_token: str) -> list[OrganisationRoles]:
    """The organisations chosen and the person's roles in each (step 4)."""
    path = f"/service/ypa/api/organizationRoles/{session['session_id']}?{urlencode({'requestId': uuid.uuid4().hex})}"
    answer = _get(path, {"Authorization": f"Bearer {access_token}"})
    try:
        return [
            OrganisationRoles(
                business_id=str(item["identifier"]).strip(),
                name=str(item.get("name") or ""),
                roles=[str(role) for role in item.get("roles") or []],
            )
            for item in answer
        ]
    except (KeyError, TypeError, AttributeError) as error:
        raise MandateServiceError(type(error).__name__) from None
