"""Search on the web: GET /api/search and the /search page over documents, items, targets and suggestions
(kept current by the store's hooks), one- and two-character queries, ranking, highlights, filters, and
what a unit user may find — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from luoshi.ingest import ingest_file
from luoshi.store import items as store_items
from luoshi.store.suggestions import create_suggestion
from webfixtures import OFFICE, UNITS, web  # noqa: F401
from conftest import ROOT

REPORT = ROOT / "luoshi" / "samples" / "qingxi_2024_work_report.txt"


def item(web, title, text=None, unit="a", state="draft"):
    """An item led by `unit`, handed out when `state` is assigned."""
    with web.db.session() as s:
        row = store_items.create_item(s, actor=OFFICE, kind="task", title=title, text=text or title,
                                      lead_units=[UNITS[unit]], settings=web.settings)
        if state == "assigned":
            store_items.act(s, item_id=row.id, actor=OFFICE, action="confirm", expected_version=1,
                            settings=web.settings)
            store_items.act(s, item_id=row.id, actor=OFFICE, action="assign", expected_version=2, due="2030-06-30",
                            settings=web.settings)
        return row.id


def hits(web, username, **params):
    response = web.api(username).get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def refs(result):
    return [(h["kind"], h["id"]) for h in result["hits"]]


def test_one_character_finds_every_text_holding_it_title_matches_first(web):
    in_body = item(web, "完善集疏运体系", text="完善集疏运体系，服务港区发展")
    in_title = item(web, "推进港口建设")
    item(web, "推进道路建设")
    result = hits(web, "office", q="港")
    assert refs(result) == [("item", in_title), ("item", in_body)]
    assert result["total"] == 2 and result["terms"] == ["港"]
    assert result["hits"][0]["title_html"] == "推进<mark>港</mark>口建设"
    assert result["hits"][0]["url"] == f"/items/{in_title}"
    assert "服务<mark>港</mark>区发展" in result["hits"][1]["snippet_html"]


def test_two_characters_find_the_word_not_its_characters_apart(web):
    word = item(web, "加快教育强县建设")
    item(web, "教学质量与育人环境")
    result = hits(web, "office", q="教育")
    assert refs(result) == [("item", word)]
    assert result["hits"][0]["title_html"] == "加快<mark>教育</mark>强县建设"


def test_titles_are_escaped_around_the_marks(web):
    item(web, "<b>港口</b>项目")
    [hit] = hits(web, "office", q="港口")["hits"]
    assert hit["title_html"] == "&lt;b&gt;<mark>港口</mark>&lt;/b&gt;项目"


def test_a_unit_finds_only_items_handed_to_it(web):
    own = item(web, "港口码头改造", unit="a", state="assigned")
    item(web, "港口航道疏浚", unit="a")  # a draft: not yet the unit's to see
    other = item(web, "港口物流园区", unit="b", state="assigned")
    assert sorted(refs(hits(web, "office", q="港口"))) == [("item", own), ("item", own + 1), ("item", other)]
    assert refs(hits(web, "unit_a", q="港口")) == [("item", own)]
    assert refs(hits(web, "unit_b", q="港口")) == [("item", other)]
    assert hits(web, "unit_a", q="港口")["total"] == 1


def test_a_change_of_units_is_indexed_at_once(web):
    moved = item(web, "港口安全检查", unit="a", state="assigned")
    assert refs(hits(web, "office", q="港口", unit=UNITS["a"])) == [("item", moved)]
    with web.db.session() as s:
        store_items.act(s, item_id=moved, actor=OFFICE, action="cancel", expected_version=3, reason="调整",
                        settings=web.settings)
    assert hits(web, "office", q="港口")["hits"][0]["title"] == "港口安全检查"


def test_a_step_that_leaves_what_is_indexed_leaves_the_entry_and_a_new_due_year_is_indexed(web, monkeypatch):
    """A progress report, a reminder … leave the item's title, text, units and year as they were: its entry
    is not written again (that was a third of a report's time). A due date moved into another year is."""
    from luoshi.ledger import Actor, Role
    from luoshi.store import search_index

    moved = item(web, "港口安全检查", unit="a", state="assigned")
    unit = Actor("unit_a", Role.UNIT, unit=str(web.units["a"]))
    written = []
    real = search_index.index_items
    monkeypatch.setattr(search_index, "index_items", lambda s, ids: written.append(list(ids)) or real(s, ids))
    steps = [("accept", unit, {}), ("report_progress", unit, {"text": "已完成排查", "percent": 40}),
             ("remind", OFFICE, {"text": "请加快进度"})]
    with web.db.session() as s:
        for version, (action, actor, payload) in enumerate(steps, start=3):
            store_items.act(s, item_id=moved, actor=actor, action=action, expected_version=version,
                            settings=web.settings, **payload)
    assert written == []
    assert refs(hits(web, "office", q="港口", year=2030)) == [("item", moved)]
    with web.db.session() as s:
        store_items.act(s, item_id=moved, actor=unit, action="request_extension", expected_version=6,
                        due="2031-03-31", reason="汛期影响", settings=web.settings)
        store_items.act(s, item_id=moved, actor=OFFICE, action="approve_extension", expected_version=7,
                        settings=web.settings)
    assert written == [[moved]]  # the approval moved the due date; the request did not
    assert refs(hits(web, "office", q="港口", year=2031)) == [("item", moved)]
    assert hits(web, "office", q="港口", year=2030)["total"] == 0


def test_filters_by_kind_unit_and_year(web):
    a = item(web, "港口码头改造", unit="a", state="assigned")
    b = item(web, "港口物流园区", unit="b", state="assigned")
    assert refs(hits(web, "office", q="港口", unit=UNITS["b"])) == [("item", b)]
    assert refs(hits(web, "office", q="港口", unit=str(web.units["a"]))) == [("item", a)]
    assert sorted(refs(hits(web, "office", q="港口", year=2030, kind="item"))) == [("item", a), ("item", b)]
    assert hits(web, "office", q="港口", year=2029)["total"] == 0
    assert hits(web, "office", q="港口", kind="target")["total"] == 0


def test_documents_targets_and_suggestions_are_indexed_as_stored(web):
    with web.db.session() as s:
        assert ingest_file(s, str(REPORT), settings=web.settings).status == "inserted"
        create_suggestion(s, actor=OFFICE, title="关于增加城区学位供给的建议", deputies=["王芳"], category="教育",
                          settings=web.settings)
    office = hits(web, "office", q="学位", per_page=100)
    kinds = {h["kind"] for h in office["hits"]}
    assert {"document", "target", "suggestion"} <= kinds
    assert all(h["url"].startswith({"document": "/documents/", "target": "/targets/",
                                    "suggestion": "/suggestions/", "item": "/items/"}[h["kind"]])
               for h in office["hits"])
    assert [h["title"] for h in office["hits"] if h["kind"] == "target"] == ["学位"]
    unit = hits(web, "unit_a", q="学位", per_page=100)
    assert refs(unit) == []  # no documents; neither the suggestion nor the target is its unit's
    assert hits(web, "unit_a", q="学位", kind="document")["total"] == 0


def test_odd_input_finds_nothing_and_an_unknown_kind_is_named(web):
    item(web, "港口码头改造")
    assert hits(web, "office", q='"AND OR * ( ')["total"] == 0
    assert hits(web, "office", q="")["hits"] == []
    response = web.api("office").get("/api/search", params={"q": "港", "kind": "memo"})
    assert response.status_code == 400
    assert "可选document、item、target、suggestion" in response.json()["detail"]


def test_search_needs_a_user(web):
    assert web.api().get("/api/search", params={"q": "港"}).status_code == 401
    assert web.browser().get("/search?q=港", follow_redirects=False).status_code == 303


def test_the_page_shows_ranked_highlighted_hits_linking_to_their_pages(web):
    first = item(web, "推进港口建设")
    second = item(web, "完善集疏运体系", text="完善集疏运体系，服务港区发展")
    html = web.browser("office").get("/search", params={"q": "港"}).text
    assert "找到 2 条结果" in html
    assert html.index(f'href="/items/{first}"') < html.index(f'href="/items/{second}"')
    assert "推进<mark>港</mark>口建设" in html and "服务<mark>港</mark>区发展" in html
    assert 'value="港"' in html  # the header box and the page's box keep the query


@pytest.mark.parametrize("path", ["/ledger", "/search"])
def test_every_page_has_the_search_box(web, path):
    html = web.browser("unit_a").get(path).text
    assert '<form class="search" method="get" action="/search" role="search">' in html


def test_a_unit_user_page_shows_only_its_hits(web):
    item(web, "港口码头改造", unit="a", state="assigned")
    item(web, "港口物流园区", unit="b", state="assigned")
    html = web.browser("unit_b").get("/search", params={"q": "港口"}).text
    assert "<mark>港口</mark>物流园区" in html and "码头改造" not in html
    assert '<option value="document"' not in html  # documents are not a kind a unit may choose


def test_a_unit_is_found_by_any_of_its_names_with_its_items(web):
    from luoshi.store.orgs import create_organisation

    with web.db.session() as s:
        housing = create_organisation(s, name="县住房和城乡建设局", aliases=["住建部门"]).id
        s.commit()
        row = store_items.create_item(s, actor=OFFICE, kind="task", title="排查城镇燃气管道", lead_units=[housing],
                                      settings=web.settings)
    item(web, "推进港口建设")
    for q in ("县住建局", "住建部门", "县住房和城乡建设局"):
        result = hits(web, "office", q=q)
        assert refs(result) == [("item", row.id)], q
        assert result["units"] == [{"id": housing, "name": "县住房和城乡建设局", "word": q,
                                    "url": f"/ledger?unit={housing}"}]
    assert refs(hits(web, "office", q="2024")) == []  # a number is no unit's id
    html = web.browser("office").get("/search", params={"q": "县住建局"}).text
    assert f'<a href="/ledger?unit={housing}">县住房和城乡建设局</a>' in html and "排查城镇燃气管道" in html


def test_snippets_never_show_letter_spaced_text(web):
    item(web, "部署安全生产", text="会 议 要 求 ， 各 乡 镇 要 立 即 开 展 安 全 生 产 大 检 查")
    [hit] = hits(web, "office", q="安全生产")["hits"]
    assert hit["snippet_html"] == "会议要求，各乡镇要立即开展<mark>安全生产</mark>大检查"


def test_a_short_form_without_its_level_names_the_unit_at_every_level(web):
    from luoshi.store.orgs import create_organisation

    made = []
    with web.db.session() as s:
        for name, title in (("县住房和城乡建设局", "排查城镇燃气管道"), ("区住房和城乡建设局", "改造老旧小区")):
            unit = create_organisation(s, name=name).id
            s.commit()
            made.append(store_items.create_item(s, actor=OFFICE, kind="task", title=title, lead_units=[unit],
                                                settings=web.settings).id)
    result = hits(web, "office", q="住建局")
    assert sorted(refs(result)) == [("item", i) for i in sorted(made)]
    assert sorted(u["name"] for u in result["units"]) == ["区住房和城乡建设局", "县住房和城乡建设局"]



def test_a_unit_users_search_reads_the_index_once_and_marks_only_its_page(web, monkeypatch):
    """A unit's hits are read in one statement (not page by page, each ranking every match again), and
    only the hits shown get their snippet."""
    from luoshi.search import query

    for n in range(3):
        item(web, f"推进港口建设第{n}期", unit="a", state="assigned")
    calls, marked = [], []
    search, hit = query.search, query._hit
    monkeypatch.setattr("luoshi.store.search_index.search_index", lambda *a, **k: calls.append(k) or search(*a, **k))
    monkeypatch.setattr(query, "_hit", lambda row, score, marks: marked.append(marks is not None) or hit(row, score, marks))
    result = hits(web, "unit_a", q="港口", per_page=1)
    assert (result["total"], len(result["hits"]), "<mark>港口</mark>" in result["hits"][0]["title_html"]) == (3, 1, True)
    assert [c.get("most") for c in calls] == [1000] and marked.count(True) == 1
