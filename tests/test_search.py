"""Search on SQLite and PostgreSQL: one- and two-character Chinese queries, longer ones, Latin words
and numbers, ranking, highlighted snippets, filters, upsert and removal, and odd input that never fails."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from conftest import _skip_or_fail, postgres_base_url, schema_url
from luoshi.errors import SearchError
from luoshi.search import SearchEntry, clear, create_schema, drop_schema, index, remove, search
from luoshi.search import query
from luoshi.search.tokens import index_tokens, query_terms
from luoshi.store.db import recorded_statements

ENTRIES = [
    SearchEntry("document", 1, "港口建设三年行动方案", "推进港口集疏运体系建设。", unit="交通运输局", year=2024,
                url="/documents/1"),
    SearchEntry("item", 2, "完善教育设施", "新建学校三所，举办香港青年交流活动。", unit="教育局", year=2024,
                url="/items/2"),
    SearchEntry("item", 3, "推广新能源汽车", "新建充电站40座，PM2.5平均浓度下降5%。", unit="发展改革委", year=2025,
                url="/items/3"),
    SearchEntry("target", 4, "空气质量", "ＰＭ２．５浓度控制在30微克以内，新建5G基站200个，<b>不含</b>15G试点。",
                unit="生态环境局", year=2025, url="/targets/4"),
    SearchEntry("suggestion", 5, "关于加强职业教育的建议", "建议发展职业教育，支持新能源和汽车产业。", unit="教育局",
                year=2025, url="/suggestions/5"),
]


@pytest.fixture(scope="module")
def pg_url():
    """A schema of its own on the test server for this module's run, dropped afterwards."""
    base = postgres_base_url()
    if base is None:
        yield None
        return
    schema = f"luoshi_search_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the port answers but the server refuses us
        yield f"error: {exc}"
        return
    yield schema_url(base, schema)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, pg_url):
    """An engine with an empty search index, of each backend."""
    if request.param == "sqlite":
        engine = create_engine("sqlite://")
    else:
        if pg_url is None:
            _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
        if pg_url.startswith("error:"):
            _skip_or_fail(f"PostgreSQL refused the search test schema: {pg_url[7:]}")
        engine = create_engine(pg_url)
    create_schema(engine)
    clear(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def indexed(engine):
    index(engine, ENTRIES)
    return engine


def found(results) -> list[tuple[str, str]]:
    return [(hit.kind, hit.ref_id) for hit in results.hits]


def test_tokens_are_bigrams_and_characters_of_chinese_and_whole_words():
    assert index_tokens("港口ＰＭ２．５，5G基站") == "港 港口 口 pm2.5 5g 基 基站 站"
    assert query_terms("港") == ["港"]
    assert query_terms("新能源汽车 5G") == ["新能", "能源", "源汽", "汽车", "5g"]
    assert query_terms('"AND" OR NEAR(港*)') == ["and", "or", "near", "港"]


def test_a_one_character_query_finds_it_anywhere_in_a_word(indexed):
    results = search(indexed, "港")
    assert (results.total, found(results)) == (2, [("document", "1"), ("item", "2")])


def test_a_two_character_query(indexed):
    results = search(indexed, "教育")
    assert results.total == 2
    assert set(found(results)) == {("item", "2"), ("suggestion", "5")}


def test_a_longer_query_needs_every_pair_of_its_characters(indexed):
    # 新能源和汽车 holds 新能源 and 汽车 but not 源汽: it is not a hit
    assert found(search(indexed, "新能源汽车")) == [("item", "3")]


def test_latin_words_and_numbers_whole_and_full_width(indexed):
    assert sorted(found(search(indexed, "pm2.5"))) == [("item", "3"), ("target", "4")]
    assert found(search(indexed, "5G")) == [("target", "4")]
    assert found(search(indexed, "40座")) == [("item", "3")]
    assert found(search(indexed, "PM2")) == []


def test_a_title_match_ranks_above_body_matches_and_more_matches_above_fewer(engine):
    index(engine, [
        SearchEntry("item", "body-once", "年度工作安排", "做好水利工作。加强管理，落实责任，按时完成。", url="/items/a"),
        SearchEntry("item", "title", "水利工程建设", "加强管理，落实责任，按期完成任务，做好各项工作。", url="/items/b"),
        SearchEntry("item", "body-thrice", "年度工作安排", "水利先行，水利为本，水利兴则百业兴。", url="/items/c"),
        SearchEntry("item", "none", "年度工作安排", "做好农业工作。加强管理，落实责任，按时完成。", url="/items/d"),
    ])
    results = search(engine, "水利")
    assert found(results) == [("item", "title"), ("item", "body-thrice"), ("item", "body-once")]
    assert results.hits[0].score > results.hits[1].score > results.hits[2].score > 0


def test_matches_are_marked_in_an_escaped_snippet(indexed):
    [hit] = search(indexed, "5g 基站").hits
    assert hit == hit.__class__(
        kind="target", ref_id="4", title="空气质量", url="/targets/4", score=hit.score,
        snippet_html="ＰＭ２．５浓度控制在30微克以内，新建<mark>5G基站</mark>200个，"
                     "&lt;b&gt;不含&lt;/b&gt;15G试点。",
        title_html="空气质量", unit="生态环境局", year=2025)


def test_a_long_body_is_cut_around_its_matches(engine):
    body = "前言。" * 100 + "加快建设国际航运枢纽港。" + "结语。" * 100
    index(engine, [SearchEntry("document", 9, "报告", body, url="/documents/9")])
    [hit] = search(engine, "航运").hits
    assert hit.snippet_html == "…加快建设国际<mark>航运</mark>枢纽港。" + "结语。" * 36 + "…"


def test_the_title_is_marked_too(indexed):
    [hit] = search(indexed, "职业教育").hits
    assert hit.title_html == "关于加强<mark>职业教育</mark>的建议"
    assert hit.snippet_html == "建议发展<mark>职业教育</mark>，支持新能源和汽车产业。"


def test_filters_by_kind_unit_and_year(indexed):
    assert sorted(found(search(indexed, "新建", kinds=["item"]))) == [("item", "2"), ("item", "3")]
    assert found(search(indexed, "新建", kinds=["target", "document"])) == [("target", "4")]
    assert found(search(indexed, "教育", unit="教育局", year=2025)) == [("suggestion", "5")]
    assert found(search(indexed, "港", year=2025)) == []
    assert search(indexed, "港", kinds=[]).total == 0


def test_an_unknown_kind_is_refused_by_name(indexed):
    with pytest.raises(SearchError) as caught:
        search(indexed, "港", kinds=["items"])
    assert str(caught.value) == "搜索类别“items”无法识别：可选document、item、target、suggestion"


def test_indexing_again_replaces_and_remove_takes_out(indexed):
    index(indexed, [SearchEntry("document", 1, "水运发展规划", "内河航道整治。", unit="交通运输局", year=2024,
                                url="/documents/1")])
    assert found(search(indexed, "港")) == [("item", "2")]
    assert found(search(indexed, "航道")) == [("document", "1")]
    assert remove(indexed, "document", [1, 77]) == 1
    assert search(indexed, "航道").total == 0
    assert search(indexed, "港").total == 1


def test_a_session_holds_the_change_until_it_commits(engine):
    with Session(engine) as session:
        index(session, ENTRIES[:1])
        assert search(session, "港口").total == 1
        session.rollback()
    assert search(engine, "港口").total == 0


def test_pages_and_total(indexed):
    index(indexed, [SearchEntry("item", 100 + i, f"第{i}项", "推进教育工作。", url=f"/items/{100 + i}")
                    for i in range(30)])
    first = search(indexed, "教育", limit=10)
    second = search(indexed, "教育", limit=10, offset=10)
    beyond = search(indexed, "教育", limit=10, offset=100)
    assert (first.total, len(first.hits), second.total, len(second.hits)) == (32, 10, 32, 10)
    assert not set(found(first)) & set(found(second))
    assert (beyond.total, beyond.hits) == (32, [])


def test_no_hits(indexed):
    results = search(indexed, "航天")
    assert (results.total, results.hits) == (0, [])


@pytest.mark.parametrize("query", [
    "", "   ", "。，！？", '"', "'", "''", '"港', "港\"口", "AND", "OR", "NOT", "NEAR", "*", "港*", "^港",
    "-港", "+港", "港 AND", "AND 港", "港 OR 教育", "NEAR(港 教育, 2)", "title:港", "{title}: 港", "(港",
    "港)", "\\", "%", "_", "\x00", "😀", "港 & | ! <-> :*", "&", "!", "<->", "a:*", "港" * 5000, "教育 " * 3000,
])
def test_odd_input_never_fails(indexed, query):
    results = search(indexed, query)
    assert results.total == len(results.hits) <= 5


@pytest.mark.parametrize("query, expected", [
    ('"港', 2), ("港*", 2), ("kitem", 0), ("y2024", 0), ("tags:kitem", 0), ("NEAR(港 教育)", 0), ("港 OR 教育", 0), ("-港", 2), ("港" * 5000, 0),
])
def test_operators_are_only_text(indexed, query, expected):
    assert search(indexed, query).total == expected


def test_create_schema_twice_and_drop(engine):
    create_schema(engine)
    index(engine, ENTRIES)
    drop_schema(engine)
    create_schema(engine)
    assert search(engine, "港").total == 0


def test_past_the_ranked_matches_pages_still_cover_every_match_once(engine, monkeypatch):
    # PostgreSQL ranks only the first RANKED matches (title matches, then newest); the rest follow
    monkeypatch.setattr("luoshi.search.query.RANKED", 3)
    index(engine, [SearchEntry("item", i, "防汛工作" if i in (4, 9) else f"第{i}项", "做好防汛准备。" * (i % 3 + 1),
                               year=2015 + i, url=f"/items/{i}") for i in range(12)])
    pages = [search(engine, "防汛", limit=5, offset=offset) for offset in (0, 5, 10, 15)]
    seen = [hit.ref_id for page in pages for hit in page.hits]
    assert [page.total for page in pages] == [12, 12, 12, 12]
    assert sorted(seen, key=int) == [str(i) for i in range(12)]
    assert set(seen[:2]) == {"4", "9"}


def test_the_unit_filter_finds_co_operating_units_too(engine):
    index(engine, [SearchEntry("item", 1, "河道整治", unit="水利局", co_units=("财政局", "生态环境局"), url="/items/1"),
                   SearchEntry("item", 2, "河道保洁", unit="城市管理局", url="/items/2")])
    assert found(search(engine, "河道", unit="财政局")) == [("item", "1")]
    assert found(search(engine, "河道", unit="城市管理局")) == [("item", "2")]
    assert [hit.unit for hit in search(engine, "河道", unit="生态环境局").hits] == ["水利局"]


def test_a_nul_in_the_text_is_dropped(engine):
    index(engine, [SearchEntry("document", 1, "港口\x00规划", "航道\x00整治", url="/documents/1")])
    assert [hit.title for hit in search(engine, "港口").hits] == ["港口规划"]


def test_the_tables_of_the_index_are_known_by_name(engine):
    from sqlalchemy import inspect

    from luoshi.search import is_search_table

    names = set(inspect(engine).get_table_names())
    assert {name for name in names if is_search_table(name)} == names
    assert not is_search_table("items") and not is_search_table("search_history")


def test_both_backends_find_the_same_entries(pg_url):
    if pg_url is None:
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    if pg_url.startswith("error:"):
        _skip_or_fail(f"PostgreSQL refused the search test schema: {pg_url[7:]}")
    engines = [create_engine("sqlite://"), create_engine(pg_url)]
    answers = []
    for engine in engines:
        create_schema(engine)
        clear(engine)
        index(engine, ENTRIES)
        answers.append([(q, sorted(found(search(engine, q))), search(engine, q).total)
                        for q in ("港", "教育", "新建", "发展", "新能源", "pm2.5", "5G基站", "30微克", "建设", "汽车")])
        clear(engine)
        engine.dispose()
    assert answers[0] == answers[1]


def test_a_word_that_names_a_unit_finds_that_units_entries(engine):
    index(engine, [SearchEntry("item", 1, "燃气管道排查", unit="县住房和城乡建设局", url="/items/1"),
                   SearchEntry("item", 2, "老旧小区改造", unit="县财政局", co_units=("县住房和城乡建设局",), url="/items/2"),
                   SearchEntry("document", 3, "会议纪要", "请县住建局牵头办理。", url="/documents/3"),
                   SearchEntry("item", 4, "燃气下乡", unit="县商务局", url="/items/4")])
    named = {"县住建局": ["县住房和城乡建设局"]}
    assert sorted(found(search(engine, "县住建局", units_named=named))) == [
        ("document", "3"), ("item", "1"), ("item", "2")]
    assert found(search(engine, "县住建局", units_named=named))[0] == ("document", "3")  # the words rank first
    assert found(search(engine, "县住建局 燃气", units_named=named)) == [("item", "1")]
    assert found(search(engine, "县住建局")) == [("document", "3")]  # without the directory: the words only


def test_letter_spaced_text_is_found_and_shown_closed_up(engine):
    index(engine, [SearchEntry("document", 1, "纪要", "一 、 会 议 要 求\n各单位要加快推进。", url="/documents/1")])
    [hit] = search(engine, "会议要求").hits
    assert hit.snippet_html == "一、<mark>会议要求</mark>\n各单位要加快推进。".replace("\n", " ")


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_units_search_reads_the_units_entries_and_tests_the_words_on_them(engine):
    """A unit's search (the unit filter): PostgreSQL finds the unit's entries by the units index and tests the
    words on them, whatever it estimates for the words. It takes the matches of several common words for a
    row or two (the product of each word's share), and so read every match of a common word among a
    province's million entries to keep the unit's; a unit's entries bound the work instead."""
    # the words are in a few entries (PostgreSQL would read them by the words' index), the unit's in most
    index(engine, [SearchEntry("item", i, f"防汛物资储备第{i}批" if i % 400 in (1, 2) else f"道路养护第{i}段",
                               "做好准备。", url=f"/items/{i}", unit="水利局" if i % 4 == 1 else f"乡镇{i % 37}",
                               co_units=("水利局",) if i % 4 == 3 else ()) for i in range(2000)])
    with engine.begin() as conn:
        conn.execute(text("ANALYZE search_entries"))
    with recorded_statements(engine) as seen:
        results = search(engine, "防汛物资", unit="水利局", limit=20)
    assert sorted(int(h.ref_id) for h in results.hits) == [1, 401, 801, 1201, 1601]
    assert results.total == 5
    ranked = next((sql, p) for sql, p in seen if sql.lstrip().startswith("WITH"))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + ranked[0], ranked[1]).scalar_one()
    read = set(re.findall(r'"Index Name": "(\w+)"', json.dumps(plan)))
    assert "ix_search_entries_units" in read
    assert "ix_search_entries_document" not in read


def scans_of(plan, table):
    """The node types of a JSON plan's scans of `table`."""
    nodes = [plan]
    found = []
    while nodes:
        node = nodes.pop()
        if isinstance(node, list):
            nodes.extend(node)
        elif isinstance(node, dict):
            if node.get("Relation Name") == table:
                found.append(node["Node Type"])
            nodes.extend(node.values())
    return found


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_common_words_newest_matches_are_ranked_and_its_total_estimated(engine, monkeypatch):
    """An office's search of a word that many entries hold reads its newest matches along the primary key
    (not every match through the words' index, which a province's million entries made 150 ms), ranks them,
    and estimates the total from their share of the rows read; a rarer word is found by its index and
    counted. The sizes are scaled down: a common word is in 2% of the newest 200 entries, 40 are ranked."""
    monkeypatch.setattr(query, "PROBE", 200)
    monkeypatch.setattr(query, "NEWEST", 40)
    # every fourth entry holds 防汛 (common), every hundredth 物资储备 (rare)
    index(engine, [SearchEntry("item", i, f"防汛检查第{i}次" if i % 4 == 0 else f"道路养护第{i}段",
                               "做好准备。" + ("物资储备到位。" if i % 100 == 0 else ""), url=f"/items/{i}")
                   for i in range(2000)])
    with engine.begin() as conn:
        conn.execute(text("ANALYZE search_entries"))
    with recorded_statements(engine) as seen:
        common = search(engine, "防汛", limit=15)
    # the newest 40 matches are entries 1840–1996 (160 rows read): a quarter of 2 000 entries
    assert (common.total, common.estimated, common.more) == (500, True, True)
    newest = {str(i) for i in range(1840, 2000, 4)}
    assert len(common.hits) == 15 and {h.ref_id for h in common.hits} <= newest
    ranked = next((sql, p) for sql, p in seen if sql.lstrip().startswith("WITH"))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + ranked[0], ranked[1]).scalar_one()
    read = set(re.findall(r'"Index Name": "(\w+)"', json.dumps(plan)))
    assert "ix_search_entries_document" not in read and "search_entries_pkey" in read
    # each match ranked as the walk reads it: the entries are visited once (and their ids counted), not
    # visited again by id to read their documents
    assert sorted(scans_of(plan, "search_entries")) == ["Index Only Scan", "Index Scan"]

    # read on by cursor: the 40 newest, each once, then no more; a page by number past them is empty
    pages = [common]
    while pages[-1].more:
        last = pages[-1].hits[-1]
        pages.append(search(engine, "防汛", limit=15, after=(last.score, last.entry_id)))
    assert sorted(h.ref_id for p in pages for h in p.hits) == sorted(newest)
    assert [p.total for p in pages] == [500] * 3
    scores = [(-h.score, h.entry_id) for p in pages for h in p.hits]
    assert scores == sorted(scores) and len({h.score for p in pages for h in p.hits}) > 1  # best first, ranked
    first = pages[1].hits[0]
    assert search(engine, "防汛", limit=15, after=(first.score, first.entry_id), backwards=True).hits == common.hits
    beyond = search(engine, "防汛", limit=15, offset=45)
    assert (beyond.hits, beyond.total, beyond.estimated) == ([], 500, True)

    rare = search(engine, "物资储备", limit=15)
    assert (rare.total, rare.estimated) == (20, False)
    assert {h.ref_id for h in rare.hits} <= {str(i) for i in range(0, 2000, 100)}
    # under a filter the newest are read among the filter's entries: no 防汛 document, none found
    assert (search(engine, "防汛", kinds=["document"]).total, search(engine, "防汛", kinds=["document"]).estimated) \
        == (0, False)
