"""CSV cells that a spreadsheet will not run as formulas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

Cell = TypeVar("Cell")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Cell) -> Cell | str:
    """Text that starts like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Cell]) -> list[Cell | str]:
    return [safe_cell(value) for value in values]
