"""The counts the writes keep (`luoshi.store.counts`): after creating items and moving them through the loop,
the kept count of each state equals a full recount, and the office's ledger total is read from them."""

from __future__ import annotations

from luoshi.store import counts
from luoshi.store import items as store_items
from webfixtures import OFFICE, web  # noqa: F401


def test_the_kept_counts_equal_a_recount_after_the_loop(web):
    ids = [web.item(state) for state in ("draft", "confirmed", "in_progress", "completion_requested", "done")]
    with web.db.session() as s:
        store_items.act(s, item_id=ids[2], actor=OFFICE, action="cancel", expected_version=None,
                        settings=web.settings, reason="任务调整")
        store_items.act(s, item_id=ids[3], actor=OFFICE, action="return", expected_version=None,
                        settings=web.settings, reason="缺少材料")
        assert counts.kept(s) == counts.recount(s) == {"draft": 1, "confirmed": 1, "in_progress": 1, "done": 1,
                                                       "cancelled": 1}
        assert counts.items_in(s, ["done", "in_progress"]) == 2


def test_the_office_ledger_total_is_the_kept_count(web):
    for state in ("draft", "in_progress", "in_progress", "done"):
        web.item(state)
    office = web.api("office")
    assert office.get("/api/items?per_page=1").json()["total"] == 4
    assert office.get("/api/items?per_page=1&state=in_progress&state=done").json()["total"] == 3
    assert office.get("/api/items?per_page=1&state=in_progress&kind=task").json()["total"] == 2
