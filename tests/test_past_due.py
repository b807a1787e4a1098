"""Assigning with a due date already past asks first, saying how late it is: the item page shows the form
again with what was typed and a box to confirm, the API answers 409 unless `confirm_past_due`, and a batch
with one due date asks before touching any item."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from luoshi.ledger.errors import DueDatePassed
from luoshi.store import batch as store_batch
from luoshi.store.items import today_in
from webfixtures import OFFICE, csrf_of, web, web_sqlite  # noqa: F401


def _past(web, days: int = 33):
    day = today_in(web.settings) - timedelta(days=days)
    return day, f"完成时限{day.year}年{day.month}月{day.day}日已过去{days}天，确认仍按此时限交办？"


def test_the_api_asks_before_assigning_with_a_past_due_date(web):
    item = web.item("confirmed")
    day, question = _past(web)
    asked = web.api("office").post(f"/api/items/{item}/assign", json={"due": day.isoformat(), "version": 2})
    assert (asked.status_code, asked.json()) == (409, {"detail": question})
    assert web.api("office").get(f"/api/items/{item}").json()["state"] == "confirmed"
    done = web.api("office").post(f"/api/items/{item}/assign", json={"due": day.isoformat(), "version": 2,
                                                                      "confirm_past_due": True})
    assert (done.status_code, done.json()["state"], done.json()["due"]) == (200, "assigned", day.isoformat())


def test_today_and_later_need_no_confirmation(web):
    item = web.item("confirmed")
    today = today_in(web.settings).isoformat()
    done = web.api("office").post(f"/api/items/{item}/assign", json={"due": today, "version": 2})
    assert (done.status_code, done.json()["due"]) == (200, today)


def test_the_page_shows_the_form_again_with_what_was_typed_and_a_box_to_confirm(web_sqlite):
    web = web_sqlite
    item = web.item("confirmed")
    day, question = _past(web, days=1)
    client = web.browser("office")
    token = csrf_of(client.get(f"/items/{item}").text)
    form = {"csrf_token": token, "version": "2", "due": day.isoformat(), "note": "请抓紧办理，月底前报送",
            "lead_units": [str(web.units["a"])], "co_units": [str(web.units["b"])]}
    asked = client.post(f"/items/{item}/assign", data=form)
    assert asked.status_code == 409
    assign = asked.text[asked.text.index('id="act-assign"'):]
    assign = assign[:assign.index("</details>")]
    assert assign.startswith('id="act-assign"') and "<details open" in asked.text.split('id="act-assign"')[0][-20:]
    assert f'name="confirm_past_due" value="1" required> {question}' in assign
    assert ">请抓紧办理，月底前报送</textarea>" in assign and f'value="{day.isoformat()}"' in assign
    assert re.search(rf'<option value="{web.units["b"]}" selected', assign.split('name="co_units"')[1])
    assert web.api("office").get(f"/api/items/{item}").json()["state"] == "confirmed"
    done = client.post(f"/items/{item}/assign", data={**form, "confirm_past_due": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert web.api("office").get(f"/api/items/{item}").json()["due"] == day.isoformat()


def test_a_batch_with_one_past_due_date_asks_before_any_item(web):
    items = [web.item("confirmed", title=f"事项{i}") for i in range(2)]
    day, question = _past(web, days=5)
    with web.db.session() as s:
        with pytest.raises(DueDatePassed) as caught:
            store_batch.batch_act(s, actor=web.actor("office"), action="assign", item_ids=items, due=day,
                                  settings=web.settings, ask_past_due=True)
    assert str(caught.value) == question
    api = web.api("office")
    asked = api.post("/api/items/batch", json={"action": "assign", "ids": items, "due": day.isoformat()})
    assert (asked.status_code, asked.json()) == (409, {"detail": question})
    assert {api.get(f"/api/items/{i}").json()["state"] for i in items} == {"confirmed"}
    done = api.post("/api/items/batch", json={"action": "assign", "ids": items, "due": day.isoformat(),
                                              "confirm_past_due": True})
    assert done.json()["done"] == items


def test_the_batch_form_asks_on_a_page_that_posts_the_same_selection_again(web_sqlite):
    web = web_sqlite
    items = [web.item("confirmed", title=f"事项{i}") for i in range(2)]
    day, question = _past(web, days=5)
    client = web.browser("office")
    token = csrf_of(client.get("/ledger").text)
    asked = client.post("/ledger/batch", data={"csrf_token": token, "action": "assign", "due": day.isoformat(),
                                               "ids": [str(i) for i in items], "f_state": "confirmed"})
    assert asked.status_code == 409 and f'<p class="flash error" role="alert" id="batch-question">{question}</p>' in asked.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked.text))
    assert hidden["confirm_past_due"] == "1" and hidden["due"] == day.isoformat() and hidden["f_state"] == "confirmed"
    reposted = re.findall(r'<input type="hidden" name="ids" value="(\d+)">', asked.text)
    assert reposted == [str(i) for i in items]
    done = client.post("/ledger/batch", data={**hidden, "ids": reposted})
    assert "已交办 2 项" in done.text
