"""Exports on the web: the list downloads (/ledger|targets|suggestions/export and /api/exports/…) under the
list's filters and the user's visibility, the export buttons carrying the current filters, and the
bulletin page (office only) — files read back with openpyxl, csv, json and python-docx."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from docx import Document
import io

from exportfixtures import REPORT, csv_rows, json_rows, xlsx_rows
from luoshi.ingest import ingest_file
from luoshi.store import items as store_items
from luoshi.store.suggestions import act_on_suggestion, create_suggestion
from webfixtures import OFFICE, UNITS, web  # noqa: F401


def other_unit_item(web, title="组织外贸企业参加广交会"):
    """An item handed to unit b."""
    with web.db.session() as s:
        row = store_items.create_item(s, actor=OFFICE, kind="task", title=title, text=title,
                                      lead_units=[UNITS["b"]], settings=web.settings)
        for version, (action, payload) in enumerate([("confirm", {}), ("assign", {"due": "2030-03-31"})], 1):
            store_items.act(s, item_id=row.id, actor=OFFICE, action=action, expected_version=version,
                            settings=web.settings, **payload)
        return row.id


@pytest.fixture
def ledger(web):
    """Items: unit a's in progress and done, a draft of unit a, unit b's assigned."""
    web.item("in_progress", title="推进外贸稳增长")
    web.item("done", title="完成口岸通关便利化改革")
    web.item("draft", title="研究跨境电商扶持政策")
    other_unit_item(web)
    return web


def titles(response, fmt="json"):
    assert response.status_code == 200, response.text
    if fmt == "json":
        return [r["title"] for r in json_rows(response.content)]
    if fmt == "csv":
        return [r[1] for r in csv_rows(response.content)[1:]]
    return [r[1] for r in xlsx_rows(response.content)[2:]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_the_office_downloads_the_whole_ledger_in_each_format(ledger, fmt):
    response = ledger.browser("office").get("/ledger/export", params={"format": fmt})
    assert sorted(titles(response, fmt)) == sorted(["推进外贸稳增长", "完成口岸通关便利化改革", "组织外贸企业参加广交会"])
    with_drafts = ledger.browser("office").get("/ledger/export", params={"format": fmt, "include_drafts": "1"})
    assert sorted(titles(with_drafts, fmt)) == sorted(["推进外贸稳增长", "完成口岸通关便利化改革", "研究跨境电商扶持政策",
                                                       "组织外贸企业参加广交会"])
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="luoshi-ledger-')
    assert unquote(disposition.split("UTF-8''")[1]).startswith("督办事项台账-")
    assert response.headers["content-type"].split(";")[0] == {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "json": "application/json"}[fmt]


def test_a_unit_downloads_only_its_handed_out_items(ledger):
    assert sorted(titles(ledger.browser("unit_a").get("/ledger/export?format=json"))) == [
        "完成口岸通关便利化改革", "推进外贸稳增长"]
    assert titles(ledger.api("unit_b").get("/api/exports/ledger?format=json")) == ["组织外贸企业参加广交会"]
    assert titles(ledger.api("congress").get("/api/exports/ledger?format=json")) == []


def test_the_filters_of_the_list_are_respected(ledger):
    office = ledger.browser("office")
    assert titles(office.get("/ledger/export?format=csv&state=done"), "csv") == ["完成口岸通关便利化改革"]
    assert titles(office.get(f"/ledger/export?format=json&unit={ledger.units['b']}")) == ["组织外贸企业参加广交会"]
    assert titles(office.get("/ledger/export?format=json&q=跨境")) == []  # a draft, left out unless asked
    assert titles(office.get("/ledger/export?format=json&q=跨境&include_drafts=1")) == ["研究跨境电商扶持政策"]
    assert titles(office.get("/ledger/export?format=json&due_from=2030-03-01&due_to=2030-04-30")) == [
        "组织外贸企业参加广交会"]
    assert titles(office.get("/ledger/export?format=json&due_from=not-a-date&state=draft")) == ["研究跨境电商扶持政策"]


def test_the_ledger_page_offers_the_export_buttons_with_its_filters(ledger):
    html = ledger.browser("office").get("/ledger?state=done&q=口岸").text
    for fmt in ("xlsx", "csv", "json"):
        assert f'href="/ledger/export?format={fmt}&amp;state=done&amp;q=%E5%8F%A3%E5%B2%B8"' in html
    table = ledger.browser("office").get("/ledger?state=draft", headers={"HX-Target": "ledger-table"}).text
    assert 'href="/ledger/export?format=xlsx&amp;state=draft"' in table  # htmx refreshes the buttons too
    assert 'id="export-drafts"' in html and "包含待确认草稿" in html  # the option that adds the drafts


def test_targets_for_every_role_under_their_filters(web):
    with web.db.session() as s:
        ingest_file(s, str(REPORT), settings=web.settings)
    rows = xlsx_rows(web.browser("office").get("/targets/export?format=xlsx&year=2024").content)
    assert rows[1] == ["指标", "目标值", "单位", "年度", "责任单位", "实际值", "状态"]
    assert len(rows) == 2 + 43 and rows[2][:4] == ["地区生产总值", "6左右", "%", 2024]
    unit = xlsx_rows(web.browser("unit_a").get("/targets/export?format=xlsx&year=2024").content)
    assert unit[2:] == []  # a unit exports only the targets it is responsible for: none yet
    assert json_rows(web.api("leader").get("/api/exports/targets?format=json&year=2023").content) == []


def test_suggestions_as_a_unit_may_see_them(web):
    with web.db.session() as s:
        first = create_suggestion(s, actor=OFFICE, title="关于增加城区学位供给的建议", deputies=["王芳"], category="教育",
                                  settings=web.settings)
        create_suggestion(s, actor=OFFICE, title="关于改善农贸市场环境的建议", deputies=["李华"], settings=web.settings)
        act_on_suggestion(s, suggestion_id=first.id, actor=OFFICE, action="assign", expected_version=1,
                          lead_unit=UNITS["a"], settings=web.settings)
    assert titles(web.browser("office").get("/suggestions/export?format=csv"), "csv") == [
        "关于增加城区学位供给的建议", "关于改善农贸市场环境的建议"]
    assert titles(web.browser("unit_a").get("/suggestions/export?format=xlsx"), "xlsx") == ["关于增加城区学位供给的建议"]
    assert titles(web.browser("unit_b").get("/suggestions/export?format=json")) == []
    assert titles(web.browser("office").get("/suggestions/export?format=json&state=registered")) == [
        "关于改善农贸市场环境的建议"]


def test_an_unknown_format_or_list_is_named(web):
    response = web.api("office").get("/api/exports/ledger?format=pdf")
    assert response.status_code == 400 and response.json()["detail"] == (
        "没有“pdf”这种导出格式：可选xlsx、csv、json")
    assert web.api("office").get("/api/exports/memos").json()["detail"] == (
        "没有“memos”这份清单可导出：可选督办台账（ledger）、目标指标（targets）、代表建议（suggestions）")


def test_exports_need_a_user(web):
    assert web.browser().get("/ledger/export?format=csv", follow_redirects=False).status_code == 303
    assert web.api().get("/api/exports/ledger?format=csv").status_code == 401


def test_the_bulletin_page_previews_and_downloads_the_docx(ledger):
    office = ledger.browser("office")
    html = office.get("/bulletin?from=2020-01-01&to=2035-12-31").text
    assert 'id="bulletin-download"' in html and "<b>3</b><span>督办事项</span>" in html
    response = office.get("/bulletin/download", params={"from": "2020-01-01", "to": "2035-12-31",
                                                         "number": "市政办督〔2026〕3号", "issuer": "市人民政府办公室"})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "市政办督〔2026〕3号" in text and text.startswith("市人民政府办公室")
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "完成口岸通关便利化改革" in cells and "研究跨境电商扶持政策" not in cells


@pytest.mark.parametrize("username", ["unit_a", "leader", "congress"])
def test_the_bulletin_is_for_the_office_only(web, username):
    client = web.browser(username)
    assert client.get("/bulletin").status_code == 403
    assert client.get("/bulletin/download?from=2026-10-01&to=2026-10-31").status_code == 403
    assert web.api(username).get("/api/exports/bulletin?from=2026-10-01&to=2026-10-31").status_code == 403
    assert "/bulletin" not in client.get("/ledger").text.split("<main>")[0]


def test_the_bulletin_api_for_the_office(web):
    response = web.api("office").get("/api/exports/bulletin?from=2026-10-01&to=2026-10-31")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert web.api("office").get("/api/exports/bulletin?from=2026-10-31&to=2026-10-01").status_code == 422


def _progress_column(web) -> dict[str, str]:
    rows = xlsx_rows(web.browser("office").get("/ledger/export?format=xlsx").content)
    return {r[1]: r[7] for r in rows[2:]}


def test_the_progress_column_shows_the_current_round_never_a_returned_completion(web):
    item_id = web.item("in_progress", title="推进外贸稳增长")
    steps = [("unit_a", "report_progress", {"text": "已完成立项"}),
             ("unit_a", "apply_completion", {"text": "项目全部完工"}),
             ("office", "return", {"reason": "缺少验收材料"})]
    with web.db.session() as s:
        for who, action, payload in steps:
            store_items.act(s, item_id=item_id, actor=web.actor(who), action=action,
                            expected_version=web.version(item_id), settings=web.settings, **payload)
    assert _progress_column(web) == {"推进外贸稳增长": "已完成立项"}  # the returned completion text is gone
    with web.db.session() as s:
        store_items.act(s, item_id=item_id, actor=web.actor("unit_a"), action="report_progress",
                        expected_version=web.version(item_id), settings=web.settings, text="正在补充验收材料")
    assert _progress_column(web) == {"推进外贸稳增长": "正在补充验收材料"}


def test_the_bulletin_issuer_and_number_prefix_are_settings(ledger):
    from datetime import date

    from luoshi.store import exporting

    settings = ledger.settings.model_copy(update={"bulletin_issuer": "青溪县人民政府办公室",
                                                  "bulletin_prefix": "青政办督"})
    with ledger.db.session() as s:
        data = exporting.bulletin_file(s, start=date(2026, 10, 1), end=date(2026, 10, 31), number="7",
                                       settings=settings)
        typed = exporting.bulletin_file(s, start=date(2026, 10, 1), end=date(2026, 10, 31), number="市政办督〔2026〕3号",
                                        issuer="市人民政府办公室", settings=settings)
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text]
    year = exporting.today_in(settings).year
    assert text[:2] == ["青溪县人民政府办公室", f"青政办督〔{year}〕7号"]
    assert [p.text for p in Document(io.BytesIO(typed)).paragraphs if p.text][:2] == ["市人民政府办公室", "市政办督〔2026〕3号"]
    html = ledger.browser("office").get("/bulletin").text
    assert f'value="{ledger.settings.bulletin_issuer}"' in html


def test_a_bulletin_period_not_yet_begun_is_refused(ledger):
    html = ledger.browser("office").get("/bulletin?from=2099-01-01&to=2099-01-31").text
    assert "也不晚于今天" in html and "<b>" not in html.split("督查通报")[-1].split("</form>")[-1]
