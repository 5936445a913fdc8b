"""Tidy the catalogues after ``makemessages``: a real header, and English copied from the source.

Source strings are English, so the English catalogue repeats them; Finnish and Swedish are
translated by hand in locale/<code>/LC_MESSAGES/django.po. Run through ``make messages``.
"""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}


def finish(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    po.header = f"{NAMES[language]} translations of Järjestöportaali."
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "Järjestöportaali",
            "Language": language,
            "Language-Team": NAMES[language],
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    )
    for key in ("Last-Translator", "PO-Revision-Date", "Report-Msgid-Bugs-To"):
        po.metadata.pop(key, None)
    if language == "en":
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()


if __name__ == "__main__":
    for code in NAMES:
        finish(code)
