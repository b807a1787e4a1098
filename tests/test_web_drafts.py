"""Drafts on the web: an item's directives (分解任务) and its decision's general requirements in the item
JSON and page; the office splits, merges and adds drafts from a highlight, over the API and the pages."""

from __future__ import annotations

from conftest import ROOT
from luoshi.ledger.drafts import find
from webfixtures import csrf_of, web, web_sqlite  # noqa: F401

MINUTES = (ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt").read_bytes()
FARMLAND = "听取县农业农村局关于2024年高标准农田建设推进情况的汇报（县农业农村局）"


def uploaded(web):
    body = web.api("office").post("/api/documents", files={"file": ("m12.txt", MINUTES, "text/plain")}).json()
    return body["document"], {i["title"]: i for i in body["items"]}


def test_the_item_json_lists_its_directives_and_its_decisions_general_requirements(web):
    _, items = uploaded(web)
    farmland = next(i for t, i in items.items() if t.startswith("县农业农村局要加快项目招标"))
    one = web.api("office").get(f"/api/items/{farmland['id']}").json()
    assert [(s["text"][:14], s["owners"], s["due_text"], s["due"]) for s in one["subtasks"]] == [
        ("县农业农村局要加快项目招标和", ["县农业农村局"], "年底前", "2024-12-31"),
        ("要加强工程质量监管，严格执行", ["县农业农村局"], None, None)]
    safety = next(i for t, i in items.items() if t.startswith("县应急局要牵头开展"))
    general = web.api("office").get(f"/api/items/{safety['id']}").json()["general_requirements"]
    assert [(g["text"][:12], g["owners"]) for g in general] == [("各乡镇、各部门要深刻汲取", ["各乡镇", "各部门"])]


def test_the_office_splits_and_merges_drafts_over_the_api(web):
    doc, items = uploaded(web)
    farmland = next(i for t, i in items.items() if t.startswith("县农业农村局要加快项目招标"))
    assert web.api("leader").post(f"/api/items/{farmland['id']}/split", json={"version": 1}).status_code == 403
    assert web.api("unit_a").post(f"/api/items/{farmland['id']}/split", json={"version": 1}).status_code == 404
    assert web.api("office").post(f"/api/items/{farmland['id']}/split", json={"version": 9}).status_code == 409
    split = web.api("office").post(f"/api/items/{farmland['id']}/split", json={"version": 1})
    assert split.status_code == 201, split.text
    parts = split.json()["items"]
    assert [(p["title"][:8], len(p["subtasks"]), p["state"]) for p in parts] == [
        ("县农业农村局要加", 1, "draft"), ("要加强工程质量监", 1, "draft")]
    closed = web.api("office").get(f"/api/items/{farmland['id']}").json()
    assert (closed["state"], closed["cancel_reason"]) == ("cancelled", f"已拆分为事项 {parts[0]['id']}、{parts[1]['id']}")
    merged = web.api("office").post("/api/items/merge", json={"items": [p["id"] for p in parts], "versions": [1, 1]})
    assert merged.status_code == 201, merged.text
    assert (len(merged.json()["subtasks"]), merged.json()["due"]) == (2, "2024-12-31")
    assert web.api("office").post("/api/items/merge", json={"items": [parts[0]["id"]]}).status_code == 422
    history = web.api("office").get(f"/api/items/{parts[0]['id']}/history").json()
    assert [(h["type"], h["label"]) for h in history] == [("create", "录入"), ("merge", "合并")]


def test_the_office_adds_a_draft_from_a_highlighted_sentence_over_the_api(web):
    doc, _ = uploaded(web)
    sentence = "县水利局要做好配套灌排工程建设"
    start, end = find(doc["text"], sentence)  # the sample is typeset: lines break inside sentences
    made = web.api("office").post(f"/api/documents/{doc['id']}/items",
                                  json={"start": start + 3, "end": start + 9, "text": sentence})
    assert made.status_code == 201, made.text
    assert (made.json()["title"], made.json()["source"]["span"], [u["name"] for u in made.json()["lead_units"]]) == (
        sentence, [start, end], ["县水利局"])
    assert web.api("leader").post(f"/api/documents/{doc['id']}/items", json={"start": 0, "end": 5}).status_code == 403
    bad = web.api("office").post(f"/api/documents/{doc['id']}/items", json={"start": 5, "end": 5})
    assert (bad.status_code, bad.json()) == (422, {"detail": "所选范围不在文件正文内；请在全文中重新划选一句话"})


def test_the_pages_show_the_directives_and_let_the_office_split_and_merge(web_sqlite):
    doc, items = uploaded(web_sqlite)
    farmland = next(i for t, i in items.items() if t.startswith("县农业农村局要加快项目招标"))
    office = web_sqlite.browser("office")
    page = office.get(f"/items/{farmland['id']}").text
    assert "分解任务（2）" in page and 'action="/items/%d/split"' % farmland["id"] in page
    assert 'action="/items/%d/split"' % farmland["id"] not in web_sqlite.browser("leader").get(
        f"/items/{farmland['id']}").text
    response = office.post(f"/items/{farmland['id']}/split", data={"csrf_token": csrf_of(page), "version": "1"},
                           follow_redirects=False)
    assert response.status_code == 303
    first = int(response.headers["location"].rsplit("/", 1)[1])
    document = office.get(f"/documents/{doc['id']}").text
    assert 'id="merge-form"' in document and "一般性要求" in document and 'id="add-item"' in document
    merged = office.post(f"/documents/{doc['id']}/merge", follow_redirects=False, data={
        "csrf_token": csrf_of(document), "item": [str(first), str(first + 1)], f"version-{first}": "1",
        f"version-{first + 1}": "1"})
    assert merged.status_code == 303
    assert "已将 2 项合并为一项待确认事项" in office.get(merged.headers["location"]).text
    refused = office.post(f"/documents/{doc['id']}/merge", data={"csrf_token": csrf_of(document), "item": ["1"]})
    assert "请选择至少两项待确认的事项进行合并" in refused.text
