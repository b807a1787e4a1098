"""The files offices send and print: the ledger, targets and suggestions as XLSX, CSV and JSON, and the
monthly supervision bulletin (督查通报) as DOCX. Pure functions of plain rows; no database here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from luoshi.exports.columns import LISTS, Column, ListSpec, spec_for
from luoshi.exports.docx import bulletin_docx, bulletin_title, write_bulletin
from luoshi.exports.from_ledger import (BulletinContent, bulletin_content, ledger_rows, ledger_rows_from_views,
                                        suggestion_rows, target_rows)
from luoshi.exports.rows import (BulletinFigures, CompletedRow, ExportError, LedgerRow, Letterhead, OverdueRow,
                                 SubtaskLine, SuggestionRow, TargetRow)
from luoshi.exports.tabular import csv_bytes, json_bytes, records
from luoshi.exports.xlsx import ledger_xlsx, suggestions_xlsx, targets_xlsx, xlsx_bytes

# What each list format is served as: (file extension, media type).
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (".csv", "text/csv; charset=utf-8"),
    "json": (".json", "application/json"),
}
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_list(name: str, fmt: str, rows: Sequence[Any], *, issuer: str = "",
                generated: date | None = None) -> bytes:
    """The list `name` (ledger, targets, suggestions) in `fmt` (xlsx, csv, json): the one call the CLI
    and the web make. `issuer` and `generated` only show in the XLSX title."""
    spec = spec_for(name)
    if fmt == "xlsx":
        return xlsx_bytes(spec, rows, issuer=issuer, generated=generated)
    if fmt == "csv":
        return csv_bytes(spec, rows)
    if fmt == "json":
        return json_bytes(spec, rows)
    raise unknown_format(fmt)


def unknown_format(fmt: str) -> ExportError:
    return ExportError(f"没有“{fmt}”这种导出格式：可选{'、'.join(FORMATS)}")


def unknown_list(name: str) -> ExportError:
    return ExportError(f"没有“{name}”这份清单可导出：可选督办台账（ledger）、目标指标（targets）、代表建议（suggestions）")


__all__ = [
    "BulletinContent", "BulletinFigures", "Column", "CompletedRow", "DOCX_MEDIA_TYPE", "ExportError", "FORMATS",
    "LISTS", "LedgerRow", "Letterhead", "ListSpec", "OverdueRow", "SubtaskLine", "SuggestionRow", "TargetRow", "bulletin_content",
    "bulletin_docx", "bulletin_title", "csv_bytes", "export_list", "json_bytes", "ledger_rows",
    "ledger_rows_from_views", "ledger_xlsx", "records", "spec_for", "suggestion_rows", "suggestions_xlsx",
    "unknown_format", "unknown_list",
    "target_rows", "targets_xlsx", "write_bulletin", "xlsx_bytes",
]
