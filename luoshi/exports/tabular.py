"""CSV and JSON of every list, from the same column definitions as the XLSX.

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese correctly; JSON is a list of
records with the Chinese as is (not ASCII-escaped), dates ISO, several units as a list.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from luoshi.exports.columns import ListSpec, check_rows
from luoshi.textsafety import csv_cell


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return csv_cell(str(value))


def write_csv(spec: ListSpec, rows: Sequence[Any], stream: BinaryIO) -> None:
    """The header and one line per row, as UTF-8 with BOM and CRLF line ends (what Excel expects)."""
    check_rows(spec, rows)
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(spec.headers)
    for row in rows:
        writer.writerow([_csv_text(c.value(row)) for c in spec.columns])
    stream.write(text.getvalue().encode("utf-8-sig"))


def csv_bytes(spec: ListSpec, rows: Sequence[Any]) -> bytes:
    out = io.BytesIO()
    write_csv(spec, rows, out)
    return out.getvalue()


def records(spec: ListSpec, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows as JSON-ready dicts keyed by column key; a coded column adds `<key>_label` (its Chinese)."""
    check_rows(spec, rows)
    out = []
    for row in rows:
        record: dict[str, Any] = {}
        for c in spec.columns:
            record[c.key] = c.json(row)
            if c.coded:
                record[f"{c.key}_label"] = c.value(row)
        out.append(record)
    return out


def write_json(spec: ListSpec, rows: Sequence[Any], stream: BinaryIO) -> None:
    stream.write(json_bytes(spec, rows))


def json_bytes(spec: ListSpec, rows: Sequence[Any]) -> bytes:
    return (json.dumps(records(spec, rows), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
