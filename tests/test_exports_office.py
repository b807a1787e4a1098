"""The office's documents as pure exports: the 督办单, 督办通知 and 办结报告单 (DOCX) and the assessment ranking
(XLSX) from plain rows, read back, and opened by LibreOffice (converted to PDF) where it is installed."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

from docx import Document
from openpyxl import load_workbook

from luoshi.exports.assessment import assessment_xlsx
from luoshi.exports.office_documents import (CompletionSheet, OrderSheet, OverdueNotice, completion_docx,
                                             document_number, notice_docx, order_docx)
from luoshi.exports.rows import OverdueRow
from luoshi.ledger.assessment import DEFAULT_WEIGHTS, Formula, rank
from test_exports import _soffice

ORDER = OrderSheet(number=document_number("青督字", 2026, 3), title="推进老旧小区改造", text="年底前完成改造。",
                   source="《县政府常务会议纪要》：推进老旧小区改造", lead_units=("县住建局",), co_units=("县财政局", "县发改委"),
                   due=date(2026, 12, 31), issuer="青溪县人民政府督查室", issued=date(2026, 3, 2))
NOTICE = OverdueNotice("督字〔2026〕4号", "青溪县人民政府督查室", date(2026, 4, 10), date(2026, 4, 10),
                       (OverdueRow("县住建局", "推进老旧小区改造", date(2026, 3, 31), 10),
                        OverdueRow("县交通局", "农村公路养护", date(2026, 2, 28), 41)))
COMPLETION = CompletionSheet("推进老旧小区改造", "年底前完成改造。", "", ("县住建局",), (), date(2026, 1, 5),
                             date(2026, 6, 30), date(2026, 6, 20), "按期办结", "已完成312户改造", ("验收单.pdf",),
                             "同意办结", "优秀", "青溪县人民政府督查室", date(2026, 6, 21))


def test_document_numbers_are_written_as_offices_write_them():
    assert [document_number("督字", 2026, n) for n in (1, 12)] == ["督字〔2026〕1号", "督字〔2026〕12号"]


def test_the_notice_lists_units_in_order_with_the_most_overdue_first():
    doc = Document(io.BytesIO(notice_docx(NOTICE)))
    rows = [[c.text for c in dict.fromkeys(r.cells)] for r in doc.tables[0].rows]
    assert rows[1:] == [["1", "县交通局", "农村公路养护", "2026年2月28日", "41天"],
                        ["2", "县住建局", "推进老旧小区改造", "2026年3月31日", "10天"]]
    assert "县住建局、县交通局：" in [p.text for p in doc.paragraphs]


def test_the_ranking_reads_back_with_rates_as_percentages():
    units = rank([(1, "县住建局", {"items": 5, "done": 4, "completion_rate": 0.8, "on_time_rate": 0.5,
                                     "report_rate": None, "avg_days": 93.5})], Formula(DEFAULT_WEIGHTS))
    sheet = load_workbook(io.BytesIO(assessment_xlsx(units, start=date(2026, 1, 1), end=date(2026, 6, 30),
                                                     generated=date(2026, 7, 1)))).active
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]]))
    assert (row["排名"], row["单位"], row["得分"], row["办结率"], row["按期办结率"], row["报送及时率"],
            row["平均办结天数"]) == (1, "县住建局", 52.0, "80.0%", "50.0%", "—", 93.5)
    assert sheet["A1"].value.startswith("督办工作考核排名（2026年1月1日至6月30日）")


def test_libreoffice_opens_the_office_s_documents(tmp_path):
    soffice = _soffice()
    for name, data in (("order.docx", order_docx(ORDER)), ("notice.docx", notice_docx(NOTICE)),
                       ("completion.docx", completion_docx(COMPLETION))):
        (tmp_path / name).write_bytes(data)
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), *(str(tmp_path / n) for n in ("order.docx", "notice.docx",
                                                                                   "completion.docx"))],
                          capture_output=True, text=True, timeout=180)
    made = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert made == ["completion.pdf", "notice.pdf", "order.pdf"], f"{done.stdout}\n{done.stderr}"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "order.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "青督字〔2026〕3号" in "".join(text.split())
