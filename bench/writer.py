"""One applicant who keeps saving their draft while the benchmark loads pages: the page as the
browser has it, a changed description, "Save draft", the redirect followed, again and again.

    python -m bench.writer URL COOKIE SECONDS

Prints ``{"saves": …, "errors": …}`` as its last line.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class DraftForm(HTMLParser):
    """The fields of the application form, as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("id") == "application-form":
            self._inside_form = True
        if not self._inside_form:
            return
        name = attributes.get("name", "")
        if tag == "input" and name and attributes.get("type") not in ("submit", "file", "button"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self._selected = "multiple" in attributes  # a list with nothing chosen sends nothing
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = attributes.get("value", "")
            if "selected" in attributes:
                self.fields.append((self._select, attributes.get("value", "")))
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:  # a browser sends the first option
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "form":
            self._inside_form = False


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = DraftForm()
    parser.feed(html)
    if not parser.fields:
        raise SystemExit("the draft's form was not found")
    return parser.fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def save_once(opener: urllib.request.OpenerDirector, url: str, cookie: str, round_number: int) -> bool:
    headers = {"Cookie": cookie, "Accept-Language": "fi"}
    with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as page:  # noqa: S310 - our server
        fields = form_fields(page.read().decode())
    data = [(name, f"Tiivistelmä, tallennus {round_number}." if name == "summary" else value) for name, value in fields]
    data.append(("action", "save"))
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=urllib.parse.urlencode(data).encode(),
        headers=headers | {"Referer": url, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with opener.open(request, timeout=30) as answer:
            return False  # a 200 is the form again, with an error
    except urllib.error.HTTPError as answer:
        return answer.code == 302


def main(url: str, cookie: str, seconds: float) -> dict[str, int]:
    opener = urllib.request.build_opener(NoRedirect)
    saves = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if save_once(opener, url, cookie, saves + errors):
            saves += 1
        else:
            errors += 1
    return {"saves": saves, "errors": errors}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
