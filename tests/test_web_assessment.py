"""The assessment pages: the ranking with its drill-down links, the formula form (the office only), the
XLSX export read back, the JSON twin, and who may see what."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from luoshi.store.items import today_in

from webfixtures import csrf_of, web, web_sqlite  # noqa: F401



def this_year(settings) -> str:
    """The default period: this year up to today, where the office is (not where the tests run)."""
    today = today_in(settings)
    return f"from={today.year}-01-01&to={today.isoformat()}"


def test_the_ranking_page_links_each_count_to_its_items(web_sqlite):
    web = web_sqlite
    done, open_ = web.item("done", title="已办结事项"), web.item("in_progress", title="在办事项")
    html = web.browser("office").get("/assessment").text
    unit = web.units["a"]
    query = this_year(web.settings).replace("&", "&amp;")
    assert f'<a href="/assessment/units/{unit}?{query}">市商务局</a>' in html
    assert f'<a href="/assessment/units/{unit}?{query}&amp;measure=done">1</a>' in html
    drill = web.browser("leader").get(f"/assessment/units/{unit}?{this_year(web.settings)}&measure=done").text
    assert "已办结事项" in drill and "在办事项" not in drill
    assert f'<a href="/items/{done}">' in drill and open_


def test_the_json_twin_and_the_xlsx_agree(web):
    web.item("done")
    web.item("in_progress")
    data = web.api("leader").get("/api/assessment").json()
    [line] = data["units"]
    assert (line["name"], line["items"], line["done"], line["done_on_time"], line["completion_rate"]) == (
        "市商务局", 2, 1, 1, 0.5)
    assert (line["reports"], line["reports_on_time"]) == (1, 1)  # the completion application, the same day
    assert line["score"] == 40 * 0.5 + 40 * 1.0 + 20 * 1.0
    response = web.browser("office").get("/assessment/export")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:6] == ["排名", "单位", "得分", "事项数", "新交办", "办结"]
    assert [c.value for c in sheet[3]][:6] == [1, "市商务局", 80, 2, 2, 1]
    assert sheet["A1"].value.startswith("督办工作考核排名（")


def test_the_office_sets_the_formula_on_the_page(web_sqlite):
    web = web_sqlite
    web.item("done")
    client = web.browser("office")
    token = csrf_of(client.get("/assessment").text)
    response = client.post("/assessment/formula", data={"csrf_token": token, "base": "60", "w_on_time_rate": "40",
                                                        "w_ever_overdue": "-5"}, follow_redirects=True)
    assert "考核办法已保存" in response.text and '<td class="num score">100.0</td>' in response.text
    bad = client.post("/assessment/formula", data={"csrf_token": token, "w_done": "很多"}, follow_redirects=True)
    assert "办结的分值应为数字，而不是 &#39;很多&#39;" in bad.text
    assert web.api("office").get("/api/assessment").json()["formula"] == {
        "base": 60.0, "weights": {"on_time_rate": 40.0, "ever_overdue": -5.0}}


def test_who_sees_what(web_sqlite):
    web = web_sqlite
    web.item("done")
    assert 'id="formula-form"' not in web.browser("leader").get("/assessment").text
    unit_b = web.browser("unit_b")
    assert "市商务局" not in unit_b.get("/assessment").text
    assert unit_b.get(f"/assessment/units/{web.units['a']}").status_code == 403
    assert web.api("congress").get("/api/assessment").status_code == 403
    assert "assessment_link" not in web.api("congress").get("/api/dashboard").json()
    assert web.api("leader").get("/api/dashboard").json()["assessment_link"] == "/assessment/top"
    assert web.browser("leader").get("/assessment/top").text.startswith('<a class="more" id="assessment-top"')
    token = csrf_of(web.browser("leader").get("/assessment").text)
    assert web.browser("leader").post("/assessment/formula", data={"csrf_token": token}).status_code == 403


def test_an_extension_asked_and_granted_after_the_due_date_is_marked_in_the_history(web_sqlite):
    from datetime import UTC, datetime

    from luoshi.store.items import act

    web = web_sqlite
    item_id = web.item("in_progress")  # due 2030-06-30
    with web.db.session() as s:
        for who, action, day, payload in (("unit_a", "request_extension", 5, {"due": "2030-09-30", "reason": "征地"}),
                                          ("office", "approve_extension", 8, {})):
            act(s, item_id=item_id, actor=web.actor(who), action=action, expected_version=None,
                settings=web.settings, now=datetime(2030, 7, day, 2, tzinfo=UTC), **payload)
    history = web.api("office").get(f"/api/items/{item_id}/history").json()
    marks = [(e["type"], [v for k, v in e["details"] if k == "时效"]) for e in history[-2:]]
    assert marks == [("request_extension", ["逾期后申请（原期限 2030-06-30 已过）"]),
                     ("approve_extension", ["逾期后批准（原期限 2030-06-30 已过，仍计为曾逾期）"])]
