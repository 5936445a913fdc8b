"""Stand-ins for PRH's open data (the YTJ API), so that no test asks the real register.

``RecordedRegister`` answers requests to https://avoindata.prh.fi/ from the responses recorded in
tests/data/prh/ (``<Business ID>.json``; an unknown Business ID gets the recorded empty answer), as
a requests transport adapter: the portal's client, its session and its retry settings are the real
ones. ``StandIn`` is a small HTTP server on 127.0.0.1 that answers as told (slowly, 5xx, not JSON),
for the timeouts and retries, which need a real socket.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from organisations import register

DATA = Path(__file__).parent / "data" / "prh"
PRH = "https://avoindata.prh.fi/"
ACTIVE = "0215368-4"  # Turun Seudun Omaishoitajat ry, Turku
DISSOLVED = "1029533-2"  # Naantalin Nuorisoseura ry, dissolved on 30 November 2025
RENAMED = "2206941-2"  # Salon Mielenterveysseura ry, since March 2026 "…Salmi ry"
UNKNOWN = "1878561-9"  # a valid Business ID the register does not know


def recorded(business_id: str) -> dict[str, Any]:
    path = DATA / f"{business_id}.json"
    return json.loads((path if path.exists() else DATA / "not-found.json").read_text(encoding="utf-8"))


def company(business_id: str) -> dict[str, Any]:
    return recorded(business_id)["companies"][0]


class RecordedRegister(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.answers: dict[str, dict[str, Any]] = {}  # a test's own answer for a Business ID

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        business_id = parse_qs(urlsplit(request.url or "").query).get("businessId", [""])[0]
        self.asked.append(business_id)
        payload = self.answers.get(business_id) or recorded(business_id)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(payload, ensure_ascii=False).encode()
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def install(monkeypatch: pytest.MonkeyPatch) -> RecordedRegister:
    """Every session the client opens answers PRH's address from the recordings."""
    recordings = RecordedRegister()
    real = register.new_session

    def session(retries: int) -> requests.Session:
        opened = real(retries)
        opened.mount(PRH, recordings)
        return opened

    monkeypatch.setattr(register, "new_session", session)
    return recordings


class StandIn:
    """An HTTP server on 127.0.0.1 answering each request with the next of ``script``: an int is a
    status (with an error page), "slow" waits past the client's timeout, "garbage" is not JSON,
    "recorded" the recorded answer for the Business ID asked, a dict is a JSON answer. The last
    step repeats."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.requests: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stand_in.requests.append(self.path)
                step = stand_in.script[min(len(stand_in.requests), len(stand_in.script)) - 1]
                if step == "recorded":
                    step = recorded(parse_qs(urlsplit(self.path).query).get("businessId", [""])[0])
                if step == "slow":
                    time.sleep(1.5)
                    step = {"totalResults": 0, "companies": []}
                if isinstance(step, int):
                    body, status, kind = b"<html><body>Service Unavailable</body></html>", step, "text/html"
                elif step == "garbage":
                    body, status, kind = b"<html>Huoltokatko</html>", 200, "application/json"
                else:
                    body, status, kind = json.dumps(step).encode(), 200, "application/json"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/opendata-ytj-api/v3/companies"

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
