"""User text made safe to keep and to export: control characters found (rejected at input, stripped on
output, so that no export breaks on one), and spreadsheet cells that could start a formula neutralised.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab, line feed and carriage return, DEL, and the C1 controls: XML 1.0 (XLSX,
# DOCX) cannot hold the first, and none of them is text anyone types.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# OWASP's CSV injection rule: a cell starting with one of these is read as a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)


def control_in(value: Any) -> str | None:
    """The first control character in a string, or in any string inside lists and dicts; None if none."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple)):
        for item in value:
            found_in = control_in(item)
            if found_in is not None:
                return found_in
    return None


def csv_cell(text: str) -> str:
    """A text cell that a spreadsheet opens as text: a leading formula character gets a quote before it."""
    text = strip_controls(text)
    return "'" + text if text.startswith(FORMULA_START) else text
