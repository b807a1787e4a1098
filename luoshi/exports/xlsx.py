"""Lists as XLSX in the layout offices keep and print: a title row, a frozen header with filters,
set widths, wrapped text, warning colours with their word, landscape A4 fitted to the page width.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.exports.columns import LEDGER, SUGGESTIONS, TARGETS, ListSpec, check_rows
from luoshi.exports.dates import zh_date
from luoshi.ledger.warnings import Colour
from luoshi.textsafety import strip_controls

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
LINE_HEIGHT = 15  # points per line of 11-point text
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TITLE_FONT = Font(name="方正小标宋简体", size=18)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Light fills with a dark font of the same hue: the word (红灯/黄灯/绿灯) stays legible when the sheet
# is printed in black and white, which is how most offices print it.
WARNING_STYLES = {
    Colour.RED: (PatternFill("solid", fgColor="FFC7CE"), Font(name="宋体", size=11, bold=True, color="9C0006")),
    Colour.YELLOW: (PatternFill("solid", fgColor="FFEB9C"), Font(name="宋体", size=11, bold=True, color="9C5700")),
    Colour.GREEN: (PatternFill("solid", fgColor="C6EFCE"), Font(name="宋体", size=11, bold=True, color="006100")),
}


def write_xlsx(spec: ListSpec, rows: Sequence[Any], stream: BinaryIO, *, issuer: str = "",
               generated: date | None = None) -> None:
    """Write `rows` of the list `spec` as a one-sheet workbook titled `{issuer}{spec.title}`."""
    check_rows(spec, rows)
    generated = generated or date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title
    _title(ws, spec, f"{issuer}{spec.title}", generated)
    _header(ws, spec)
    for i, row in enumerate(rows):
        _row(ws, spec, FIRST_ROW + i, row)
    last_row = FIRST_ROW + len(rows) - 1 if rows else HEADER_ROW
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(spec.columns))}{last_row}"
    _print_setup(ws)
    stamp = datetime(generated.year, generated.month, generated.day)
    wb.properties.creator = "luoshi"
    wb.properties.title = f"{issuer}{spec.title}"
    wb.properties.created = wb.properties.modified = stamp
    wb.save(stream)


def xlsx_bytes(spec: ListSpec, rows: Sequence[Any], *, issuer: str = "", generated: date | None = None) -> bytes:
    out = io.BytesIO()
    write_xlsx(spec, rows, out, issuer=issuer, generated=generated)
    return out.getvalue()


def ledger_xlsx(rows: Sequence[Any], *, issuer: str = "", generated: date | None = None) -> bytes:
    """The supervision ledger (督办事项台账) of `LedgerRow`s."""
    return xlsx_bytes(LEDGER, rows, issuer=issuer, generated=generated)


def targets_xlsx(rows: Sequence[Any], *, issuer: str = "", generated: date | None = None) -> bytes:
    """The targets (目标指标完成情况表) of `TargetRow`s."""
    return xlsx_bytes(TARGETS, rows, issuer=issuer, generated=generated)


def suggestions_xlsx(rows: Sequence[Any], *, issuer: str = "", generated: date | None = None) -> bytes:
    """The deputies' suggestions (代表建议办理情况台账) of `SuggestionRow`s."""
    return xlsx_bytes(SUGGESTIONS, rows, issuer=issuer, generated=generated)


def _title(ws: Worksheet, spec: ListSpec, title: str, generated: date) -> None:
    """The title centred over all columns, and under it, smaller, the day the table was made."""
    cell = ws.cell(TITLE_ROW, 1)
    cell.value = CellRichText(TextBlock(InlineFont(rFont=TITLE_FONT.name, sz=TITLE_FONT.size), title),
                              TextBlock(InlineFont(rFont=BODY_FONT.name, sz=BODY_FONT.size),
                                        f"\n（{zh_date(generated)}制表）"))
    cell.font = TITLE_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(spec.columns))
    ws.row_dimensions[TITLE_ROW].height = 48


def _header(ws: Worksheet, spec: ListSpec) -> None:
    for j, column in enumerate(spec.columns, start=1):
        cell = ws.cell(HEADER_ROW, j, column.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[HEADER_ROW].height = 24


def _row(ws: Worksheet, spec: ListSpec, r: int, row: Any) -> None:
    lines = 1
    for j, column in enumerate(spec.columns, start=1):
        value = column.value(row)
        cell = ws.cell(r, j, strip_controls(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            cell.data_type = "s"  # text is text: `=HYPERLINK(…)` from a user is never a live formula
        cell.font, cell.border = BODY_FONT, BORDER
        cell.alignment = Alignment(horizontal="center" if column.centre else "left", vertical="center",
                                   wrap_text=column.wrap)
        if isinstance(cell.value, (date, datetime)):
            cell.number_format = DATE_FORMAT
        colour = column.tint(row) if column.tint else None
        if colour is not None:
            cell.fill, cell.font = WARNING_STYLES[Colour(colour)]
        if column.wrap and isinstance(cell.value, str):
            lines = max(lines, _lines(cell.value, column.width))
    # Neither Excel nor LibreOffice reliably fits a row to wrapped text on opening: set the height.
    ws.row_dimensions[r].height = LINE_HEIGHT * lines + 6


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide (a Chinese character is two)."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(sum(2 if ord(ch) >= 0x2E80 else 1 for ch in part) / usable))
               for part in text.split("\n"))


def _print_setup(ws: Worksheet) -> None:
    """Landscape A4, all columns on one page's width, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.8
    ws.page_margins.footer = 0.3  # room for the page number under the table
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
