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


@pytest.fixture(scope="module")
def refreshed_catalogues(tmp_path_factory) -> Path:
    """The catalogues after extracting the strings from today's source (a new string shows up here)."""
    locale = tmp_path_factory.mktemp("locale") / "locale"
    shutil.copytree(BASE_DIR / "locale", locale)
    env = os.environ | {"PORTAL_LOCALE_DIR": str(locale), "DJANGO_DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--ignore=.venv/*", "--ignore=var/*",
         "--ignore=staticfiles/*", "--ignore=tests/*", *[f"--locale={code}" for code in LANGUAGES]],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return locale


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_source_is_translated(refreshed_catalogues, language):
    assert problems(refreshed_catalogues / language / "LC_MESSAGES" / "django.po") == []
