"""The Content-Security-Policy allows no inline script or style; the browser tests check each page
they visit against it, and this checks the header and that no template carries inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
# Sources for WeasyPrint, never served as web pages: their <style> is the PDF's layout.
PDF_TEMPLATES = {
    "funding/report/pdf.html",
    "funding/report/national.html",
    "grants/application_pdf.html",
    "grants/decision_base_pdf.html",
    "grants/decision_list_pdf.html",
    "familycentre/agreement_pdf.html",
}
INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "an inline <style>"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def page_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return [
        path
        for root in roots
        for path in root.rglob("*.html")
        if path.relative_to(root).as_posix() not in PDF_TEMPLATES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "organisations:directory", "account_login"])
def test_pages_are_sent_with_a_policy_that_allows_no_inline_code(client, url_name):
    policy = client.get(reverse(url_name))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_no_page_template_carries_inline_code():
    templates = page_templates()
    assert len(templates) > 50  # the scan found the portal's templates
    offences = [
        f"{path.relative_to(BASE_DIR)}: {what}"
        for path in templates
        for pattern, what in INLINE_CODE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offences == []
