"""A real SAML 2.0 identity provider for the tests: pysaml2's ``saml2.server.Server`` behind a tiny
WSGI app on 127.0.0.1, playing Suomi.fi's test identification ("Testitunnistaja").

It verifies the portal's signed authentication and logout requests against the portal's own SP
metadata, and answers with a signed assertion encrypted for the portal, carrying Suomi.fi's
attributes: the name, and the personal identity code that the portal must never keep. Its pages
are plain accessible HTML with a Content-Security-Policy, so that the browser tests can hold them
to the same checks as the portal's (no script: the person presses "Continue" to post the answer).
"""

from __future__ import annotations

import base64
import datetime
import functools
import html
import logging
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

# The IdP's own debug log holds the attributes it sends: it is Suomi.fi's, not the portal's.
logging.getLogger("saml2").setLevel(logging.WARNING)

LOA_SUBSTANTIAL = "http://ftn.ficora.fi/2017/loa2"
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


@functools.cache
def certificate(common_name: str) -> tuple[str, str]:
    """A throwaway self-signed certificate and its key, as PEM (one per name and test run)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


@dataclass
class Person:
    identity_code: str
    given_name: str
    surname: str
    email: str = ""

    def attributes(self) -> dict[str, list[str]]:
        found = {
            "urn:oid:1.2.246.21": [self.identity_code],  # nationalIdentificationNumber
            "urn:oid:2.5.4.42": [self.given_name],  # givenName
            "urn:oid:2.5.4.4": [self.surname],  # sn
            "urn:oid:2.16.840.1.113730.3.1.241": [f"{self.given_name} {self.surname}"],  # displayName
            "urn:oid:2.5.4.3": [f"{self.surname} {self.given_name}"],  # cn
        }
        if self.email:
            found["urn:oid:0.9.2342.19200300.100.1.3"] = [self.email]
        return found


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class TestIdP:
    """Start with ``start()``, give it the SP's metadata with ``trust(sp_metadata)``, stop with ``stop()``."""

    person: Person
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="test-idp-")))
    logouts: list[str] = field(default_factory=list)  # NameIDs whose logout requests were verified
    logout_answers: list[str] = field(default_factory=list)  # status codes of the portal's logout answers
    locales: list[str] = field(default_factory=list)  # the languages the login pages were asked in
    _pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    _sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # name id -> (sp, session index)

    def start(self) -> TestIdP:
        self.cert_pem, self.key_pem = certificate("test-idp.invalid")
        (self.folder / "idp.crt").write_text(self.cert_pem)
        (self.folder / "idp.key").write_text(self.key_pem)
        self._httpd = make_server("127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self.entity_id = f"{self.url}/idp1"
        self.server: Server | None = None
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._config([])  # metadata can be served before the SP is known
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _config(self, sp_metadata: list[str]) -> None:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": str(self.folder / "idp.key"),
                "cert_file": str(self.folder / "idp.crt"),
                "encryption_keypairs": [
                    {"key_file": str(self.folder / "idp.key"), "cert_file": str(self.folder / "idp.crt")}
                ],
                "metadata": {"inline": sp_metadata} if sp_metadata else {},
                "service": {
                    "idp": {
                        "name": "Test Suomi.fi",
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.url}/sso/redirect", BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(f"{self.url}/slo/redirect", BINDING_HTTP_REDIRECT)],
                        },
                        "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                        "want_authn_requests_signed": True,
                        "sign_assertion": True,
                        "sign_response": True,
                        "encrypt_assertion": True,
                        "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}},
                    }
                },
            }
        )
        self.server = Server(config=config)

    def trust(self, sp_metadata: str) -> None:
        self._config([sp_metadata])

    def metadata(self) -> str:
        assert self.server is not None
        return create_metadata_string(None, config=self.server.config, valid=24).decode()

    # --- the WSGI app ------------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        query = {
            key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        }
        form: dict[str, str] = {}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                key: values[0]
                for key, values in parse_qs(environ["wsgi.input"].read(length).decode(), keep_blank_values=True).items()
            }
        try:
            if path == "/metadata":
                return self._respond(start_response, "200 OK", self.metadata(), "application/samlmetadata+xml")
            if path == "/sso/redirect":
                return self._login_page(start_response, query)
            if path == "/sso/identify" and form:
                return self._answer(start_response, form)
            if path == "/slo/redirect":
                return self._logout(start_response, query)
        except Exception as error:  # the test reads what the IdP refused
            logging.getLogger("tests.idp").exception("the test IdP refused")
            return self._respond(start_response, "400 Bad Request", f"refused: {error!r}", "text/plain")
        return self._respond(start_response, "404 Not Found", "not found", "text/plain")

    def _respond(
        self,
        start_response: Callable[..., Any],
        status: str,
        body: str,
        content_type: str,
        headers: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        start_response(
            status,
            [
                ("Content-Type", f"{content_type}; charset=utf-8"),
                ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; form-action *"),
                *(headers or []),
            ],
        )
        return [body.encode()]

    def _page(self, start_response: Callable[..., Any], title: str, body: str) -> list[bytes]:
        return self._respond(start_response, "200 OK", PAGE.format(title=html.escape(title), body=body), "text/html")

    def _login_page(self, start_response: Callable[..., Any], query: dict[str, str]) -> list[bytes]:
        assert self.server is not None
        request = self.server.parse_authn_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"), signature=query.get("Signature"),
        )  # fmt: skip
        self.locales.append(query.get("locale", ""))
        key = secrets.token_urlsafe(16)
        self._pending[key] = {"request": request.message, "relay_state": query.get("RelayState", "")}
        body = (
            f"<p>Test identification of {html.escape(self.person.given_name)} {html.escape(self.person.surname)}.</p>"
            f'<form method="post" action="/sso/identify"><input type="hidden" name="key" value="{key}">'
            '<button type="submit">Identify</button></form>'
        )
        return self._page(start_response, "Suomi.fi test identification", body)

    def _answer(self, start_response: Callable[..., Any], form: dict[str, str]) -> list[bytes]:
        assert self.server is not None
        pending = self._pending.pop(form["key"])
        authn_request = pending["request"]
        sp_entity_id = authn_request.issuer.text
        acs_url = authn_request.assertion_consumer_service_url
        name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, text=secrets.token_hex(16), sp_name_qualifier=sp_entity_id)
        session_index = secrets.token_hex(8)
        sp_cert = self._sp_encryption_certificate(sp_entity_id)
        response = self.server.create_authn_response(
            self.person.attributes(), authn_request.id, acs_url, sp_entity_id,
            name_id=name_id, authn={"class_ref": LOA_SUBSTANTIAL, "authn_auth": self.entity_id},
            sign_assertion=True, sign_response=True, encrypt_assertion=True, encrypt_cert_assertion=sp_cert,
            encrypt_assertion_self_contained=False,
            session_index=session_index, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        )  # fmt: skip
        self._sessions[name_id.text] = (sp_entity_id, session_index)
        saml_response = base64.b64encode(str(response).encode()).decode()
        body = (
            f'<form method="post" action="{html.escape(acs_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(pending["relay_state"])}">'
            "<p>You were identified. Continue to the service.</p>"
            '<button type="submit">Continue</button></form>'
        )
        return self._page(start_response, "Suomi.fi test identification", body)

    def _sp_encryption_certificate(self, sp_entity_id: str) -> str:
        assert self.server is not None
        certs = self.server.metadata.certs(sp_entity_id, "spsso", "encryption")
        return "-----BEGIN CERTIFICATE-----\n" + certs[0][1] + "\n-----END CERTIFICATE-----\n"

    def _logout(self, start_response: Callable[..., Any], query: dict[str, str]) -> list[bytes]:
        assert self.server is not None
        if "SAMLResponse" in query:  # the portal's answer to a logout Suomi.fi started
            answer = self.server.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
            self.logout_answers.append(answer.response.status.status_code.value)
            return self._page(start_response, "Suomi.fi test identification", "<p>You were logged out.</p>")
        request = self.server.parse_logout_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"), signature=query.get("Signature"),
        )  # fmt: skip
        self.logouts.append(request.message.name_id.text)
        response = self.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
        binding_info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(response), request.message.issuer and self._sls_url(request.message.issuer.text),
            query.get("RelayState", ""), response=True, sign=True, sigalg=SIG_RSA_SHA256,
        )  # fmt: skip
        location = dict(binding_info["headers"])["Location"]
        return self._respond(start_response, "302 Found", "", "text/plain", [("Location", location)])

    def logout_request_url(self) -> str:
        """Suomi.fi's side of a logout the person started in another e-service: a signed
        LogoutRequest to the portal for the last login, as the redirect the browser follows."""
        assert self.server is not None
        name_id_text, (sp_entity_id, session_index) = list(self._sessions.items())[-1]
        destination = self._sls_url(sp_entity_id)
        name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, text=name_id_text, sp_name_qualifier=sp_entity_id)
        _request_id, request = self.server.create_logout_request(
            destination, sp_entity_id, name_id=name_id, session_indexes=[session_index], sign=False
        )
        binding_info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIG_RSA_SHA256
        )
        return dict(binding_info["headers"])["Location"]

    def _sls_url(self, sp_entity_id: str) -> str:
        assert self.server is not None
        return self.server.metadata.single_logout_service(sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the one form of an IdP page (for tests without a browser)."""
    action = html.unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    fields = {
        html.unescape(name): html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields


__all__ = ["Person", "TestIdP", "certificate", "form_fields", "urlencode"]
