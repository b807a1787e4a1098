"""Documents carry their full title, not their genre's name: minutes by issuer, year and number, a work
report by year and place, else the file name without extension; on every page, export and API."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from exportfixtures import xlsx_rows
from luoshi.extract import extract
from luoshi.extract.titles import document_title
from luoshi.text.readers import read
from webfixtures import web_sqlite  # noqa: F401

SAMPLES = ROOT / "luoshi" / "samples"
MINUTES_TITLE = "青溪县人民政府常务会议纪要〔2024〕第12号"


@pytest.mark.parametrize("sample, title", [
    ("qingxi_county_minutes_12.txt", MINUTES_TITLE),
    ("linchuan_district_minutes_3.txt", "临川区人民政府常务会议纪要〔2024〕第3号"),
    ("qingxi_2024_work_report.txt", "2024年青溪县政府工作报告"),
    ("qingxi_2025_work_report.txt", "2025年青溪县政府工作报告"),
    ("qingxi_congress_review_2024.txt", "关于县十八届人大三次会议审议《政府工作报告》及计划、财政报告的情况"),
])
def test_the_samples_are_titled_in_full(sample, title):
    assert document_title(extract(read(SAMPLES / sample).text, sample), sample) == title


@pytest.mark.parametrize("record, title", [
    ({"doc_type": "other", "title": None}, "关于做好防汛工作的通知"),
    ({"doc_type": "meeting_minutes", "title": "会议纪要"}, "关于做好防汛工作的通知"),  # the genre's name only
    ({"doc_type": "meeting_minutes", "title": "常务会议纪要", "issuer": "太仓市人民政府办公室", "serial": 34,
      "issued": "2023-08-02"}, "太仓市人民政府常务会议纪要〔2023〕第34号"),
    ({"doc_type": "work_report", "title": "政府工作报告", "plan_year": 2024,
      "occasion": "太仓市第十七届人民代表大会第三次会议"}, "2024年太仓市政府工作报告"),
])
def test_a_title_is_made_whole_or_falls_back_to_the_file_name(record, title):
    assert document_title(record, "关于做好防汛工作的通知.docx") == title


def test_the_full_title_is_on_every_page_export_and_api(web_sqlite):
    web = web_sqlite
    office = web.api("office")
    uploaded = office.post("/api/documents", files={"file": ("minutes_12.txt", (SAMPLES / "qingxi_county_minutes_12.txt")
                                                              .read_bytes(), "text/plain")}).json()
    doc, item = uploaded["document"], uploaded["items"][0]["id"]
    assert doc["title"] == MINUTES_TITLE
    assert office.get(f"/api/items/{item}").json()["source"]["document_title"] == MINUTES_TITLE
    browser = web.browser("office")
    for path in ("/documents", f"/documents/{doc['id']}", f"/items/{item}", "/ledger?state=draft"):
        page = browser.get(path).text
        assert MINUTES_TITLE in page and ">常务会议纪要<" not in page, path
    found = office.get("/api/search", params={"q": "燃气", "kind": "document"}).json()
    assert [h["title"] for h in found["hits"]] == [MINUTES_TITLE]
    ledger = json.loads(office.get("/api/exports/ledger", params={"format": "json", "state": "draft"}).content)
    assert {r["source"] for r in ledger} == {MINUTES_TITLE}
    rows = xlsx_rows(office.get("/api/exports/ledger", params={"format": "xlsx", "state": "draft"}).content)
    assert {r[3] for r in rows[2:]} == {MINUTES_TITLE}
