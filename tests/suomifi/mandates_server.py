"""A stand-in for the Suomi.fi Mandates Web API (YPA), on 127.0.0.1, for the tests.

It checks what the real service checks (the API-key checksum header, the OAuth client's password,
the code, the bearer token and the session) and answers in its documented shapes. Its choosing page
is plain accessible HTML: the person presses the button of the organisation to act for.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import html
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import make_server

from tests.suomifi.idp import PAGE, _QuietHandler, _ThreadingServer


@dataclass
class Mandate:
    business_id: str
    name: str
    roles: list[str]


@dataclass
class MandateService:
    client_id: str
    api_key: str
    oauth_secret: str
    mandates: dict[str, list[Mandate]] = field(default_factory=dict)  # identity code -> organisations
    registered: list[str] = field(default_factory=list)  # identity codes sessions were registered for
    _sessions: dict[str, str] = field(default_factory=dict)  # session id -> identity code
    _users: dict[str, str] = field(default_factory=dict)  # user id -> session id
    _codes: dict[str, tuple[str, str, list[Mandate]]] = field(default_factory=dict)  # code -> session, redirect, chosen
    _tokens: dict[str, tuple[str, list[Mandate]]] = field(default_factory=dict)  # token -> session, chosen

    def start(self) -> MandateService:
        self._httpd = make_server("127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _checksum_ok(self, environ: dict[str, Any]) -> bool:
        path = environ["PATH_INFO"] + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        try:
            client, timestamp, checksum = environ.get("HTTP_X_ASIOINTIVALTUUDETAUTHORIZATION", "").split(" ")
            moment = datetime.datetime.fromisoformat(timestamp)
        except ValueError:
            return False
        expected = base64.b64encode(
            hmac.new(self.api_key.encode(), f"{path} {timestamp}".encode(), hashlib.sha256).digest()
        ).decode()
        fresh = abs(datetime.datetime.now(datetime.UTC) - moment) < datetime.timedelta(minutes=5)
        return client == self.client_id and fresh and hmac.compare_digest(expected, checksum)

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
        parts = path.strip("/").split("/")
        if path.startswith("/service/ypa/user/register/") and len(parts) == 6:
            if not self._checksum_ok(environ) or parts[4] != self.client_id or "requestId" not in query:
                return self._json(start_response, "401 Unauthorized", {"error": "unauthorized"})
            identity_code = parts[5]
            self.registered.append(identity_code)
            session_id, user_id = secrets.token_hex(16), secrets.token_hex(16)
            self._sessions[session_id] = identity_code
            self._users[user_id] = session_id
            return self._json(start_response, "200 OK", {"sessionId": session_id, "userId": user_id})
        if path == "/oauth/authorize":
            return self._choosing_page(start_response, query)
        if path == "/oauth/choose" and form:
            session_id = self._users[form["user"]]
            chosen = [
                m for m in self.mandates.get(self._sessions[session_id], []) if m.business_id == form["business_id"]
            ]
            code = secrets.token_urlsafe(16)
            self._codes[code] = (session_id, form["redirect_uri"], chosen)
            location = f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form['state']})}"
            start_response("302 Found", [("Location", location)])
            return [b""]
        if path == "/oauth/token" and environ["REQUEST_METHOD"] == "POST":
            expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.oauth_secret}".encode()).decode()
            code = self._codes.pop(query.get("code", ""), None)
            if environ.get("HTTP_AUTHORIZATION") != expected or code is None or code[1] != query.get("redirect_uri"):
                return self._json(start_response, "401 Unauthorized", {"error": "invalid_grant"})
            token = secrets.token_hex(16)
            self._tokens[token] = (code[0], code[2])
            return self._json(
                start_response, "200 OK", {"access_token": token, "token_type": "bearer", "expires_in": 599}
            )
        if path.startswith("/service/ypa/api/organizationRoles/") and len(parts) == 5:
            token = self._tokens.get(environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer "))
            if not self._checksum_ok(environ) or token is None or token[0] != parts[4]:
                return self._json(start_response, "401 Unauthorized", {"error": "unauthorized"})
            answer = [
                {"name": m.name, "identifier": m.business_id, "complete": True, "roles": m.roles} for m in token[1]
            ]
            return self._json(start_response, "200 OK", answer)
        return self._json(start_response, "404 Not Found", {"error": "not found"})

    def _choosing_page(self, start_response: Callable[..., Any], query: dict[str, str]) -> list[bytes]:
        session_id = self._users.get(query.get("user", ""))
        if query.get("client_id") != self.client_id or query.get("response_type") != "code" or session_id is None:
            return self._json(start_response, "400 Bad Request", {"error": "invalid_request"})
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in ("user", "redirect_uri", "state")
        )
        buttons = "".join(
            f'<form method="post" action="/oauth/choose">{hidden}'
            f'<input type="hidden" name="business_id" value="{html.escape(m.business_id)}">'
            f'<button type="submit">Act for {html.escape(m.name)}</button></form>'
            for m in self.mandates.get(self._sessions[session_id], [])
        )
        body = f"<p>Choose whom you act for.</p>{buttons or '<p>You have no mandates.</p>'}"
        start_response("200 OK", [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; form-action *"),
        ])  # fmt: skip
        return [PAGE.format(title="Suomi.fi Mandates", body=body).encode()]

    def _json(self, start_response: Callable[..., Any], status: str, data: Any) -> list[bytes]:
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(data).encode()]
