"""Fixtures that switch Suomi.fi on against the in-suite identity provider and mandate service."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.suomifi.idp import Person, TestIdP, certificate, form_fields
from tests.suomifi.mandates_server import Mandate, MandateService

# A personal identity code of the kind Suomi.fi's test environment gives (a test code: 9xx).
IDENTITY_CODE = "010190-953B"
PERSON = Person(identity_code=IDENTITY_CODE, given_name="Sanni", surname="Suomalainen", email="sanni@example.org")
METADATA_PATH = "/accounts/saml/suomifi/metadata/"
LOGIN_PATH = "/accounts/saml/suomifi/login/"


@dataclass
class Suomifi:
    idp: TestIdP
    mandates: MandateService

    def trust(self, metadata_xml: str) -> None:
        self.idp.trust(metadata_xml)

    def give_mandate(self, business_id: str, name: str, roles: list[str] | None = None) -> None:
        self.mandates.mandates.setdefault(PERSON.identity_code, []).append(
            Mandate(business_id=business_id, name=name, roles=["PJ"] if roles is None else roles)
        )


@pytest.fixture
def suomifi(settings: Settings, tmp_path: Path) -> Iterator[Suomifi]:
    """Suomi.fi identification and mandates switched on, against services running in the suite."""
    idp = TestIdP(person=PERSON).start()
    service = MandateService(client_id="testclnt", api_key="test-api-key", oauth_secret="test-oauth-secret").start()
    cert, key = certificate("portal.test")
    (tmp_path / "sp.crt").write_text(cert)
    (tmp_path / "sp.key").write_text(key)
    settings.SUOMIFI_IDENTIFICATION = "test"
    settings.SUOMIFI_IDP_ENTITY_ID = idp.entity_id
    settings.SUOMIFI_IDP_METADATA_URL = f"{idp.url}/metadata"
    settings.SUOMIFI_SP_CERTIFICATE_FILE = str(tmp_path / "sp.crt")
    settings.SUOMIFI_SP_PRIVATE_KEY_FILE = str(tmp_path / "sp.key")
    settings.SUOMIFI_PSEUDONYM_KEY = "test-pseudonym-key"
    settings.SUOMIFI_MANDATES_URL = service.url
    settings.SUOMIFI_MANDATES_CLIENT_ID = service.client_id
    settings.SUOMIFI_MANDATES_API_KEY = service.api_key
    settings.SUOMIFI_MANDATES_OAUTH_SECRET = service.oauth_secret
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], idp.url]
    settings.CONTENT_SECURITY_POLICY = policy
    yield Suomifi(idp=idp, mandates=service)
    idp.stop()
    service.stop()


def trust_client(suomifi: Suomifi, client: Client) -> None:
    """Register the portal, as the test client reaches it, with the identity provider. SAML wants
    addresses with a dot in the host name, or localhost: not Django's "testserver"."""
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.get(METADATA_PATH)
    assert response.status_code == 200, response.content
    suomifi.trust(response.content.decode())


def log_in_with_suomifi(client: Client, suomifi: Suomifi, process: str = "login", next_url: str = "") -> object:
    """The whole SAML round trip through the identity provider, with the test client on the portal's
    side and HTTP to the provider; returns the portal's last response."""
    data = {"process": process, **({"next": next_url} if next_url else {})}
    response = client.post(LOGIN_PATH, data)
    assert response.status_code == 302 and response.url.startswith(suomifi.idp.url), response
    page = requests.get(response.url, timeout=10)
    assert page.status_code == 200, page.text
    action, fields = form_fields(page.text)
    page = requests.post(suomifi.idp.url + action, data=fields, timeout=10)
    assert page.status_code == 200, page.text
    acs_url, fields = form_fields(page.text)
    response = client.post(urlparse(acs_url).path, fields)
    assert response.status_code == 302, response
    return client.get(response.url)


__all__ = ["IDENTITY_CODE", "PERSON", "Suomifi", "log_in_with_suomifi", "reverse", "suomifi", "trust_client"]
