"""Leaders' instructions (批示) on the web: at the top of the item page for everyone who sees the item, in
the unit's workspace (领导批示), the leader's own list (/instructions) with the answers, and the unit's
answer through the page's form and the API — an event of the item's history."""

from __future__ import annotations

from webfixtures import csrf_of, web  # noqa: F401

INSTRUCTION = "请商务局牵头，月底前拿出方案"


def instructed(web) -> int:
    item_id = web.item("in_progress")
    done = web.api("leader").post(f"/api/items/{item_id}/instruct", json={"version": 4, "text": INSTRUCTION})
    assert done.status_code == 200, done.text
    return item_id


def test_the_instruction_heads_the_item_page_for_everyone_who_sees_it(web):
    item_id = instructed(web)
    for who in ("office", "leader", "unit_a"):
        page = web.browser(who).get(f"/items/{item_id}").text
        assert INSTRUCTION in page and page.index('id="instructions"') < page.index("基本情况"), who
    assert web.browser("unit_b").get(f"/items/{item_id}").status_code == 404
    assert 'action="/items/%d/answer_instruction"' % item_id in web.browser("unit_a").get(f"/items/{item_id}").text
    assert "answer_instruction" not in web.browser("office").get(f"/items/{item_id}").text  # only the units answer


def test_the_unit_answers_from_the_page_and_the_leader_reads_the_answer(web):
    item_id = instructed(web)
    unit = web.browser("unit_a")
    workspace = unit.get("/workspace").text
    assert 'id="leader-instructions"' in workspace and INSTRUCTION in workspace and "尚未回复" in workspace
    page = unit.get(f"/items/{item_id}").text
    done = unit.post(f"/items/{item_id}/answer_instruction",
                     data={"csrf_token": csrf_of(page), "version": "5", "instruction": "5", "text": "已召开专题会部署"},
                     follow_redirects=False)
    assert done.status_code == 303, done.text
    item = web.api("leader").get(f"/api/items/{item_id}").json()
    assert [(i["text"], i["by_name"], [(a["text"], a["unit_name"]) for a in i["answers"]])
            for i in item["instructions"]] == [(INSTRUCTION, "leader-名", [("已召开专题会部署", "市商务局")])]
    history = web.browser("office").get(f"/items/{item_id}").text
    assert "回复批示" in history.split('id="history"')[1]
    mine = web.browser("leader").get("/instructions").text
    assert "我的批示" in mine and "已召开专题会部署" in mine and "承办单位已回复 1 条" in mine
    listed = web.api("leader").get("/api/instructions").json()["instructions"]
    assert [(r["item"]["id"], r["answered"], r["answers"][0]["text"]) for r in listed] == [
        (item_id, True, "已召开专题会部署")]
    assert web.api("unit_a").get("/api/instructions").status_code == 403
    assert web.api("unit_a").get("/api/workspace").json()["instructions"][0]["answered"] is True


def test_the_api_answers_the_latest_instruction_and_refuses_an_item_without_one(web):
    item_id = instructed(web)
    answered = web.api("unit_a").post(f"/api/items/{item_id}/answer", json={"version": 5, "text": "方案已报"})
    assert answered.status_code == 200, answered.text
    plain = web.item("in_progress", title="完成口岸改革")
    refused = web.api("unit_a").post(f"/api/items/{plain}/answer", json={"version": 4, "text": "已办"})
    assert refused.status_code == 422
    assert "/instructions" in web.browser("leader").get("/ledger").text.split("<main>")[0]  # the leader's menu
