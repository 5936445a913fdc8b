"""Finnish as Django writes it, except what date fields show: every date field of the portal is the
browser's date picker, which takes and sends 2026-12-01 and drops a value like 01.12.2026, and
Django fills a field with the first input format. Typed Finnish dates are still read."""

from __future__ import annotations

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d",
]
