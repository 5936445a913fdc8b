"""English as written in Finland: day before month, a full stop between hours and minutes
(1.12.2026 9.00), the week from Monday. Django's English is American (12/01/2026 9 a.m.).
Numbers stay English (1,234.50)."""

from __future__ import annotations

DATE_FORMAT = "j F Y"  # 1 December 2026
TIME_FORMAT = "G.i"  # 9.00
DATETIME_FORMAT = "j F Y G.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j.n.Y"  # 1.12.2026
SHORT_DATETIME_FORMAT = "j.n.Y G.i"  # 1.12.2026 9.00
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: Django fills a field with the first input format, and the portal's date fields are the
# browsers' date pickers, which take and send only 2026-12-01. Dates typed the Finnish way are read too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M", "%H.%M.%S", "%H.%M"]
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
