"""Every list pages by cursor: documents, targets, suggestions and search, walked page after page by
`next_cursor` and back by `prev_cursor`, visit each row once in the list's order (with filters, those judged
in SQL and those judged in Python); a tampered or another list's cursor and a deep page number are refused in
Chinese; the HTML pages link 上一页/下一页 by cursor. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from luoshi.search import SearchEntry, index
from luoshi.store import documents as store_documents
from luoshi.store.items import today_in
from luoshi.store.models import Document
from luoshi.store.paging import BAD_CURSOR, MAX_OFFSET_PAGE
from luoshi.store.tracking import ActualRow, SuggestionRound, SuggestionRow, TargetRow, TargetUnit
from webfixtures import web  # noqa: F401

PER_PAGE = 4
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TOO_DEEP = f"页码过大：按页码只能翻到第 {MAX_OFFSET_PAGE} 页，更多请用“下一页”（cursor）继续翻"


def documents(web) -> list[dict]:
    """Seventeen documents, some ingested at the same moment (the id breaks the tie): newest first."""
    rows = []
    with web.db.session() as s:
        for i in range(17):
            doc = Document(name=f"d{i}.txt", path=f"d{i}.txt", sha256=f"sha{i}", version=1,
                           doc_type="work_report" if i % 3 else "meeting_minutes", title=f"文件{i}", record={},
                           text="", ingested_at=START + timedelta(hours=i // 3), ingested_by="test")
            s.add(doc)
            s.flush()
            rows.append({"id": doc.id, "at": doc.ingested_at, "doc_type": doc.doc_type})
        s.commit()
    return sorted(rows, key=lambda d: (d["at"], d["id"]), reverse=True)


def targets(web) -> list[dict]:
    """Targets and commitments of three reports over two years, in the order of their reports; every third
    one has an actual value (so it is judged, not 暂无数据)."""
    made = []
    with web.db.session() as s:
        docs = []
        for i in range(3):
            doc = Document(name=f"r{i}.txt", path=f"r{i}.txt", sha256=f"r{i}", version=1, doc_type="work_report",
                           title=f"报告{i}", record={}, text="", ingested_at=START, ingested_by="test")
            s.add(doc)
            s.flush()
            docs.append(doc.id)
        for i in range(19):
            year, doc = (2024, docs[i % 2]) if i % 3 else (2025, docs[2])
            kind = "target" if i % 4 == 0 else "commitment"
            row = TargetRow(kind=kind, year=year, indicator=f"指标{i}", value="10", unit="个", text=f"完成指标{i}10个",
                            document_id=doc, source_path=f"targets[{i}]", fingerprint=f"f{i}", created_at=START,
                            updated_at=START)
            row.units = [TargetUnit(organisation_id=web.units["a" if i % 2 else "b"], role="lead", position=0)]
            s.add(row)
            s.flush()
            if i % 3 == 0:
                s.add(ActualRow(target_id=row.id, period=f"{year}-12", value="12", entered_by="test",
                                entered_at=START, source="form"))
            made.append({"id": row.id, "year": year, "doc": doc, "kind": kind, "judged": i % 3 == 0,
                         "unit": "a" if i % 2 else "b"})
        s.commit()
    return sorted(made, key=lambda t: (t["year"], t["doc"], t["kind"] == "commitment", t["id"]))


def suggestions(web) -> list[dict]:
    """Suggestions by reply deadline (none last): some registered (no deadline), some overdue (red). Some are
    due today, which is not overdue: today where the office is, as the warnings count it (not UTC's date)."""
    today, made = today_in(web.settings), []
    with web.db.session() as s:
        for i in range(22):
            due = None if i % 5 == 0 else today + timedelta(days=(i % 4 - 2) * 40)
            row = SuggestionRow(no=i, title=f"建议{i}", category="民生", deputies=["张三"], text="", procedure="suggestion",
                                state="registered" if due is None else "assigned",
                                lead_unit_id=None if due is None else web.units["a"], due=due, created_at=START,
                                updated_at=START)
            if due is not None:
                row.rounds = [SuggestionRound(no=1, assigned_at=START, due=due)]
            s.add(row)
            s.flush()
            made.append({"id": row.id, "due": due, "red": due is not None and due < today})
        s.commit()
    return sorted(made, key=lambda x: (x["due"] is None, x["due"] or date.min, x["id"]))


def walk(client, path: str, rows: str, **params) -> tuple[list[int], list[int], list[dict]]:
    """The ids of every page from the first by `next_cursor`, then from the last back by `prev_cursor`
    (put in the list's order again), and the pages as read forwards."""
    pages = [client.get(path, params={**params, "per_page": PER_PAGE}).json()]
    while pages[-1]["next_cursor"]:
        pages.append(client.get(path, params={**params, "per_page": PER_PAGE,
                                              "cursor": pages[-1]["next_cursor"]}).json())
    forwards = [r["id"] for p in pages for r in p[rows]]
    back, page = [], pages[-1]
    back[:0] = [r["id"] for r in page[rows]]
    while page["prev_cursor"]:
        page = client.get(path, params={**params, "per_page": PER_PAGE, "cursor": page["prev_cursor"]}).json()
        back[:0] = [r["id"] for r in page[rows]]
    return forwards, back, pages


def assert_walks(client, path: str, rows: str, expected: list[int], **params) -> None:
    forwards, back, pages = walk(client, path, rows, **params)
    assert forwards == back == expected
    assert [(p["page"], p["total"], len(p[rows])) for p in pages] == [
        (n, len(expected), min(PER_PAGE, len(expected) - (n - 1) * PER_PAGE)) for n in range(1, len(pages) + 1)]
    assert pages[0]["prev_cursor"] is None and pages[-1]["next_cursor"] is None


def test_documents_walk_by_cursor_newest_first(web):
    made = documents(web)
    assert_walks(web.api("office"), "/api/documents", "documents", [d["id"] for d in made])


def test_documents_walk_with_a_filter_in_the_store(web):
    made = [d["id"] for d in documents(web) if d["doc_type"] == "work_report"]
    with web.db.session() as s:
        first = store_documents.list_documents(s, doc_type="work_report", per_page=3, settings=web.settings)
        assert store_documents.every_document(s, doc_type="work_report", settings=web.settings) == \
            store_documents.list_documents(s, doc_type="work_report", per_page=100, settings=web.settings).rows
        seen, page = list(first.rows), first
        while page.next_cursor:
            page = store_documents.list_documents(s, doc_type="work_report", per_page=3, cursor=page.next_cursor,
                                                  settings=web.settings)
            seen += page.rows
    assert ([d.id for d in seen], first.total) == (made, len(made))


@pytest.mark.parametrize("filters", [{}, {"year": 2024}, {"kind": "commitment"}, {"status": "no_data"}])
def test_targets_walk_by_cursor_in_report_order(web, monkeypatch, filters):
    monkeypatch.setattr("luoshi.store.paging.JUDGED_BATCH", 3)  # a status is judged in Python, batch by batch
    made = targets(web)
    expected = [t["id"] for t in made if filters.get("year", t["year"]) == t["year"]
                and filters.get("kind", t["kind"]) == t["kind"] and not (filters.get("status") and t["judged"])]
    assert 2 * PER_PAGE < len(expected) < len(made) or not filters
    assert_walks(web.api("office"), "/api/targets", "targets", expected, **filters)


def test_a_units_targets_walk_by_cursor(web):
    made = targets(web)
    assert_walks(web.api("unit_a"), "/api/targets", "targets", [t["id"] for t in made if t["unit"] == "a"])


@pytest.mark.parametrize("filters", [{}, {"state": "assigned"}, {"warning": "red"}])
def test_suggestions_walk_by_cursor_by_deadline(web, monkeypatch, filters):
    monkeypatch.setattr("luoshi.store.paging.JUDGED_BATCH", 3)  # a warning is judged in Python, batch by batch
    made = suggestions(web)
    expected = [x["id"] for x in made if (filters.get("state") != "assigned" or x["due"] is not None)
                and (filters.get("warning") != "red" or x["red"])]
    assert 2 * PER_PAGE < len(expected) < len(made) or not filters
    assert_walks(web.api("office"), "/api/suggestions", "suggestions", expected, **filters)


def search_entries(web) -> list[str]:
    """Targets' entries that all hold 教育, some in the title too (ranked higher): their ids, best first."""
    entries = [SearchEntry("target", 100 + i, f"教育指标{i}" if i % 4 == 0 else f"指标{i}", "推进教育工作。" * (1 + i % 3),
                           unit="市商务局", year=2020 + i % 5, url=f"/targets/{100 + i}") for i in range(23)]
    index(web.db.engine, entries)
    found = web.api("office").get("/api/search", params={"q": "教育", "per_page": 100}).json()
    return [h["id"] for h in found["hits"]]


@pytest.mark.parametrize("who", ["office", "congress"])  # the index's order; a restricted viewer's, held whole
def test_search_walks_by_cursor_on_score_and_id(web, monkeypatch, who):
    monkeypatch.setattr("luoshi.search.query.RANKED", 9)  # PostgreSQL: past the ranked hits, the rest by title, year
    best_first = search_entries(web)
    assert len(best_first) == 23
    assert_walks(web.api(who), "/api/search", "hits", best_first, q="教育", kind="target")


def test_a_tampered_or_foreign_cursor_is_refused_in_chinese(web):
    targets(web)
    web.item("assigned"), web.item("assigned")
    office = web.api("office")
    cursor = office.get("/api/targets", params={"per_page": 2}).json()["next_cursor"]
    ledger = office.get("/api/items", params={"per_page": 1}).json()["next_cursor"]
    tampered = cursor[:-1] + ("0" if cursor[-1] != "0" else "1")
    for path, c in [("/api/targets", tampered), ("/api/targets", "abc"), ("/api/targets", ledger),
                    ("/api/suggestions", cursor), ("/api/documents", cursor), ("/api/search?q=教育", cursor),
                    ("/api/items", cursor)]:
        response = office.get(path, params={"cursor": c})
        assert (response.status_code, response.json()) == (400, {"detail": BAD_CURSOR}), path
    assert office.get("/api/targets", params={"per_page": 2, "cursor": cursor}).status_code == 200


@pytest.mark.parametrize("path", ["/api/documents", "/api/targets", "/api/suggestions", "/api/search?q=教育"])
def test_a_deep_page_number_is_refused_in_chinese(web, path):
    response = web.api("office").get(path, params={"page": MAX_OFFSET_PAGE + 1})
    assert (response.status_code, response.json()) == (400, {"detail": TOO_DEEP})
    assert web.api("office").get(path, params={"page": MAX_OFFSET_PAGE}).status_code == 200


@pytest.mark.parametrize("path, module, seed, noun", [
    ("/targets", "targets", targets, "项"), ("/suggestions", "suggestions", suggestions, "件"),
    ("/documents", "documents", documents, "份")])
def test_the_html_pages_link_the_next_and_previous_page_by_cursor(web, monkeypatch, path, module, seed, noun):
    monkeypatch.setattr(f"luoshi.web.routes.pages.{module}.PER_PAGE", PER_PAGE)
    total = len(seed(web))
    pages = -(-total // PER_PAGE)
    browser = web.browser("office")
    first = browser.get(path)
    assert f"共 {total} {noun} · 第 1/{pages} 页" in first.text and 'rel="prev"' not in first.text
    after = _link(first.text, "next")
    assert "cursor=" in after and "page=2" in _numbered(first.text)
    second = browser.get(after)
    assert f"第 2/{pages} 页" in second.text and 'rel="next"' in second.text
    back = browser.get(_link(second.text, "prev"))
    assert f"第 1/{pages} 页" in back.text and 'rel="prev"' not in back.text
    assert browser.get(f"{path}?cursor=abc").status_code == 400


def test_the_search_page_links_the_next_page_by_cursor(web):
    search_entries(web)
    browser = web.browser("office")
    first = browser.get("/search?q=教育")
    assert "第 1/2 页" in first.text
    second = browser.get(_link(first.text, "next"))
    assert "第 2/2 页" in second.text and 'rel="next"' not in second.text and 'start="21"' in second.text


def _link(html: str, rel: str) -> str:
    import html as entities
    import re

    found = re.search(rf'<a href="([^"]+)"[^>]* rel="{rel}">', html)
    assert found, f'no rel="{rel}" link'
    return entities.unescape(found.group(1))


def _numbered(html: str) -> str:
    import re

    return " ".join(re.findall(r'<a href="([^"]*page=\d+[^"]*)"', html))
