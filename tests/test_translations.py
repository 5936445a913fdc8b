"""Every string of the portal is translated to Finnish, Swedish and English, none fuzzy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ["fi", "sv", "en"]


def problems(catalogue: Path) -> list[str]:
    po = polib.pofile(str(catalogue))
    header = ["fuzzy header: msgfmt would drop the plural rules"] if po.metadata_is_fuzzy else []
    return (
        header
        + [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
        + [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_catalogue_is_complete(language):
    assert problems(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    """msgfmt refuses a translation that drops or renames a %(name)s placeholder."""
    catalogue = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", os.devnull, str(catalogue)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def refreshed_catalogues(tmp_path_factory) -> Path:
    """The catalogues after extracting the strings from today's source (a new string shows up here).

    makemessages writes into the catalogue nearest to each source file, so it runs in a copy of
    the project and never touches the real catalogues.
    """
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(
        BASE_DIR, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "staticfiles", "__pycache__", "*.mo")
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--ignore=tests/*",
         *[f"--locale={code}" for code in LANGUAGES]],
        cwd=copy, env=os.environ | {"DJANGO_DEBUG": "true", "PORTAL_VAR_DIR": str(copy / "var")},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return copy / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_source_is_translated(refreshed_catalogues, language):
    assert problems(refreshed_catalogues / language / "LC_MESSAGES" / "django.po") == []


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ngettext_lazy", "pgettext_lazy"}


def test_no_translated_string_sits_inside_an_f_string():
    """makemessages does not look inside f-strings: a string marked there is never translated."""
    import ast

    found = []
    for path in BASE_DIR.rglob("*.py"):
        if {".venv", "tests", "var"} & set(path.relative_to(BASE_DIR).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in GETTEXT_NAMES:
                        found.append(f"{path.relative_to(BASE_DIR)}:{inner.lineno}")
    assert found == []
