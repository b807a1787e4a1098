"""The documents on the web: the item page's 文书 buttons by role, the 督办单 download (numbered once), the
办结报告单 and the dossier, the ledger's 督办通知, and their API twins."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from docx import Document

from luoshi.store.items import today_in

from webfixtures import csrf_of, web, web_sqlite  # noqa: F401


def test_the_item_page_offers_each_role_its_documents(web_sqlite):
    web = web_sqlite
    item_id = web.item("done")
    office = web.browser("office").get(f"/items/{item_id}").text
    assert 'id="doc-order"' in office and 'id="doc-completion"' in office and 'id="doc-dossier"' in office
    unit = web.browser("unit_a").get(f"/items/{item_id}").text
    assert 'id="doc-order"' not in unit and 'id="doc-completion"' in unit
    draft = web.browser("office").get(f"/items/{web.item('draft')}").text
    assert 'id="doc-order"' not in draft and 'id="doc-completion"' not in draft


def test_the_order_is_downloaded_with_its_number(web):
    item_id = web.item("assigned")
    client = web.browser("office")
    token = csrf_of(client.get(f"/items/{item_id}").text)
    first = client.post(f"/items/{item_id}/documents/order", data={"csrf_token": token})
    again = web.api("office").post(f"/api/items/{item_id}/documents/order")
    year = today_in(web.settings).year
    number = f"督字〔{year}〕1号"
    assert first.headers["content-disposition"].endswith(quote(f"督办单-{number}.docx"))
    for response in (first, again):
        paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs if p.text.strip()]
        assert paragraphs[2] == number
    assert web.api("unit_a").post(f"/api/items/{item_id}/documents/order").status_code == 403


def test_completion_report_dossier_and_notice(web):
    done = web.item("done")
    report = web.api("unit_a").get(f"/api/items/{done}/documents/completion")
    cells = {r.cells[0].text: r.cells[1].text for t in Document(io.BytesIO(report.content)).tables for r in t.rows}
    assert (cells["办结情况"], cells["办结时效"]) == ("已完成", "按期办结")
    dossier = zipfile.ZipFile(io.BytesIO(web.api("leader").get(f"/api/items/{done}/dossier").content))
    assert dossier.namelist() == ["01-事项档案.docx", "02-原文出处.txt", "03-办理记录.json", "05-办结报告单.docx"]
    assert web.api("unit_b").get(f"/api/items/{done}/dossier").status_code == 404
    assert web.api("office").post("/api/notices/overdue").json() == {
        "detail": "当前没有逾期未办结的督办事项，无需签发督办通知"}


def test_the_ledger_notice_without_overdue_items_says_so(web_sqlite):
    client = web_sqlite.browser("office")
    ledger = client.get("/ledger").text
    assert 'id="doc-notice"' in ledger
    response = client.post("/ledger/notice", data={"csrf_token": csrf_of(ledger), "unit": ""})
    assert "当前没有逾期未办结的督办事项，无需签发督办通知" in response.text
