"""Swedish as Django writes it (ISO dates, 2026-12-01 09:00), but read as in Finland: Django's
Swedish takes 01/12/2026 as the twelfth of January; Finland-Swedish writes 1.12.2026."""

from __future__ import annotations

from portal.formats.fi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS"]
