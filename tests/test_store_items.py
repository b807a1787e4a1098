"""Items in the database: the loop through `act`, who may see and do what, the ledger query's filters,
sorting and paging, and optimistic locking (of two writers of one version, the second gets a Conflict)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from luoshi.errors import NotFound
from luoshi.ledger import Action, Actor, Conflict, InvalidTransition, InvalidValue, PermissionDenied, Role, State
from luoshi.ledger.workflow import apply
from luoshi.store.items import act, create_item, get_item, item_history, list_items, load_item, save
from luoshi.store.models import ItemRow
from luoshi.store.orgs import create_organisation
from luoshi.store.warnings import colour_clause, warning_columns

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")
LEADER = Actor("mayor", Role.LEADER)


def at(days: int) -> datetime:
    return NOW + timedelta(days=days)


@pytest.fixture
def units(session):
    """Two units: 市商务局 (id 1) and 市财政局 (id 2)."""
    return [create_organisation(session, name=n).id for n in ("市商务局", "市财政局")]


def unit_user(unit_id: int) -> Actor:
    return Actor(f"u{unit_id}", Role.UNIT, unit=str(unit_id))


def draft(session, settings, title="推进外贸稳增长", lead=("市商务局",), co=()):
    return create_item(session, actor=OFFICE, kind="task", title=title, text=title, lead_units=lead,
                       co_units=co, now=NOW, settings=settings)


def step(session, settings, item_id, actor, action, version, days, **payload):
    return act(session, item_id=item_id, actor=actor, action=action, expected_version=version,
               settings=settings, now=at(days), **payload)


def handed_out(session, settings, units, **kw):
    row = draft(session, settings, **kw)
    step(session, settings, row.id, OFFICE, "confirm", 1, 0)
    step(session, settings, row.id, OFFICE, "assign", 2, 0, due="2024-06-30")
    return row.id


def test_the_whole_loop_through_act(session, settings, units):
    sw, cz = unit_user(units[0]), unit_user(units[1])
    item_id = handed_out(session, settings, units, co=("市财政局",))
    step(session, settings, item_id, sw, "accept", 3, 1)
    step(session, settings, item_id, cz, "report_progress", 4, 2, text="资金已拨付", percent=30)
    step(session, settings, item_id, sw, "apply_completion", 5, 3, text="已完成", attachments=["验收单.pdf"])
    step(session, settings, item_id, OFFICE, "return", 6, 4, reason="缺少佐证材料")
    step(session, settings, item_id, sw, "apply_completion", 7, 5, text="补充佐证")
    view = step(session, settings, item_id, OFFICE, "approve", 8, 6)
    assert (view.item.state, view.item.version, view.item.progress, view.item.returns) == (State.DONE, 9, 100, 1)
    assert view.units == {str(units[0]): "市商务局", str(units[1]): "市财政局"}
    history = item_history(session, item_id=item_id, actor=sw)
    assert [(h.seq, h.type, h.actor, h.to_state) for h in history] == [
        (1, "create", "dc1", State.DRAFT), (2, "confirm", "dc1", State.CONFIRMED),
        (3, "assign", "dc1", State.ASSIGNED), (4, "accept", "u1", State.IN_PROGRESS),
        (5, "report_progress", "u2", State.IN_PROGRESS), (6, "apply_completion", "u1", State.COMPLETION_REQUESTED),
        (7, "return", "dc1", State.IN_PROGRESS), (8, "apply_completion", "u1", State.COMPLETION_REQUESTED),
        (9, "approve", "dc1", State.DONE)]
    assert history[6].data["reason"] == "缺少佐证材料" and history[6].at == at(4)


def test_assign_without_a_due_date_takes_the_default_of_the_kind(session, settings, units):
    row = draft(session, settings)
    step(session, settings, row.id, OFFICE, "confirm", 1, 0)
    view = step(session, settings, row.id, OFFICE, "assign", 2, 0)
    assert view.item.due == date(2024, 3, 31)  # 30d from 2024-03-01 (Shanghai)


def test_units_may_be_named_by_any_alias_or_id(session, settings, units):
    row = draft(session, settings, lead=())
    view = step(session, settings, row.id, OFFICE, "confirm", 1, 0, lead_units=["商务局"], co_units=[str(units[1])])
    assert (view.item.lead_units, view.item.co_units) == ((str(units[0]),), (str(units[1]),))


def test_an_unknown_unit_is_refused_by_name(session, settings, units):
    row = draft(session, settings)
    with pytest.raises(InvalidValue) as caught:
        step(session, settings, row.id, OFFICE, "confirm", 1, 0, lead_units=["市外星局"])
    assert str(caught.value) == "牵头单位“市外星局”不在单位名录中：请从单位名录中选择单位"


def test_another_units_item_is_not_found_for_a_unit_user(session, settings, units):
    item_id = handed_out(session, settings, units)
    stranger = unit_user(units[1])
    with pytest.raises(NotFound):
        get_item(session, item_id=item_id, actor=stranger, settings=settings)
    with pytest.raises(NotFound):
        step(session, settings, item_id, stranger, "report_progress", 3, 1, text="x")
    with pytest.raises(NotFound):
        item_history(session, item_id=item_id, actor=stranger)
    assert get_item(session, item_id=item_id, actor=unit_user(units[0]), settings=settings).id == item_id


def test_a_draft_is_not_shown_to_its_unit_before_it_is_handed_out(session, settings, units):
    row = draft(session, settings)
    with pytest.raises(NotFound):
        get_item(session, item_id=row.id, actor=unit_user(units[0]), settings=settings)


@pytest.mark.parametrize("actor, action, payload", [
    (LEADER, "approve", {}),
    (Actor("u1", Role.UNIT, unit="1"), "remind", {}),
    (OFFICE, "report_progress", {"text": "x"}),
])
def test_who_may_not_is_refused_and_nothing_is_written(session, settings, units, actor, action, payload):
    item_id = handed_out(session, settings, units)
    with pytest.raises(PermissionDenied):
        step(session, settings, item_id, actor, action, 3, 1, **payload)
    assert [h.type for h in item_history(session, item_id=item_id, actor=OFFICE)] == ["create", "confirm", "assign"]


def test_an_action_in_the_wrong_state_is_refused(session, settings, units):
    row = draft(session, settings)
    with pytest.raises(InvalidTransition):
        step(session, settings, row.id, OFFICE, "approve", 1, 0)


def test_a_stale_version_is_a_conflict(session, settings, units):
    row = draft(session, settings)
    step(session, settings, row.id, OFFICE, "confirm", 1, 0)
    with pytest.raises(Conflict) as caught:
        step(session, settings, row.id, OFFICE, "cancel", 1, 0, reason="重复")
    assert str(caught.value) == "此事项已被他人修改，请刷新后重试"


def test_two_writers_of_one_version_one_conflict(make_db, backend, settings):
    db = make_db(backend)
    with db.session() as a, db.session() as b:
        create_organisation(a, name="市商务局")
        row_id = draft(a, settings).id
        item_a = load_item(a, item_id=row_id, actor=OFFICE)
        item_b = load_item(b, item_id=row_id, actor=OFFICE)
        new_a, event_a = apply(item_a, Action.CONFIRM, OFFICE, at(1))
        new_b, event_b = apply(item_b, Action.CANCEL, OFFICE, at(1), reason="重复")
        save(a, old=item_a, new=new_a, event=event_a, settings=settings)
        a.commit()
        with pytest.raises(Conflict) as caught:
            save(b, old=item_b, new=new_b, event=event_b, settings=settings)
        assert str(caught.value) == "此事项已被他人修改，请刷新后重试"
    with db.session() as c:
        view = get_item(c, item_id=row_id, actor=OFFICE, settings=settings)
        assert (view.item.state, view.item.version) == (State.CONFIRMED, 2)
        assert [h.type for h in item_history(c, item_id=row_id, actor=OFFICE)] == ["create", "confirm"]


def test_extensions_are_kept_with_the_item(session, settings, units):
    sw = unit_user(units[0])
    item_id = handed_out(session, settings, units)
    step(session, settings, item_id, sw, "request_extension", 3, 1, due="2024-08-31", reason="汛期影响")
    view = step(session, settings, item_id, OFFICE, "approve_extension", 4, 2)
    [ext] = view.item.extensions
    assert (view.item.due, ext.status.value, ext.previous_due, ext.decided_by) == (
        date(2024, 8, 31), "approved", date(2024, 6, 30), "dc1")


def ids(page):
    return [v.id for v in page.rows]


def test_the_ledger_query_filters_by_unit_state_text_and_due(session, settings, units):
    a = handed_out(session, settings, units, title="推进外贸稳增长")
    b = handed_out(session, settings, units, title="落实财政资金", lead=("市财政局",))
    c = draft(session, settings, title="外贸展会筹备").id
    q = dict(session=session, actor=OFFICE, settings=settings, now=at(1))
    assert (ids(list_items(**q)), list_items(**q).total) == ([a, b, c], 3)
    assert ids(list_items(**q, unit="市财政局")) == [b]
    assert ids(list_items(**q, state="draft")) == [c]
    assert ids(list_items(**q, state=["assigned", "draft"], q="外贸")) == [a, c]
    assert ids(list_items(**q, due_from=date(2024, 6, 1), due_to=date(2024, 6, 30))) == [a, b]
    assert ids(list_items(**q, sort="-id", per_page=2, page=2)) == [a]
    assert ids(list_items(session=session, actor=unit_user(units[0]), settings=settings, now=at(1))) == [a]
    assert ids(list_items(**q, q="50%_")) == []


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_a_colours_pages_by_due_date_hold_each_item_once_in_order(session, settings, units, sort):
    """Yellow, green and red items in progress or assigned, by due date: the office's pages, read by number
    and by cursor, hold each item of the state and colour once, in order, those without a due date last (on
    PostgreSQL a yellow or green page merges the items due today or later with those without a due date, each
    read from its own range of the index)."""
    dues = (-6, -1, 0, 0, 2, 5, 7, 9, 30, 60, None, None)
    for n, due in enumerate(dues * 2):
        row = draft(session, settings, title=f"排序事项{n}")
        step(session, settings, row.id, OFFICE, "confirm", 1, -20)
        day = NOW.astimezone(settings.zone).date() + timedelta(days=due or 0)
        step(session, settings, row.id, OFFICE, "assign", 2, -20, due=day.isoformat())
        if n % 2:
            step(session, settings, row.id, unit_user(units[0]), "accept", 3, -19)
        if due is None:  # no due date (an item handed out before due dates were asked for)
            item = dataclasses.replace(load_item(session, item_id=row.id, actor=OFFICE), due=None)
            session.execute(update(ItemRow).where(ItemRow.id == row.id).values(
                due=None, **warning_columns(item, settings.warning_policy, settings.timezone)))
    session.commit()
    today = NOW.astimezone(settings.zone).date()
    undated = set()
    for state in ("assigned", "in_progress"):
        for colour in ("yellow", "green", "red"):
            found = session.execute(select(ItemRow.id, ItemRow.due).where(
                ItemRow.state == state, colour_clause(colour, today))).all()
            key = (lambda r: (r.due is None, r.due, r.id)) if sort == "due" else \
                (lambda r: (r.due is None, -r.due.toordinal() if r.due else 0, -r.id))
            expected = [r.id for r in sorted(found, key=key)]
            q = dict(session=session, actor=OFFICE, settings=settings, now=NOW, state=state, warning=colour,
                     sort=sort, per_page=3)
            by_number = [i for page in range(1, 6) for i in ids(list_items(**q, page=page))]
            by_cursor, cursor = [], None
            while True:
                page = list_items(**q, cursor=cursor)
                by_cursor += ids(page)
                if not (cursor := page.next_cursor):
                    break
            assert by_number == by_cursor == expected and expected, (state, colour)
            undated |= {(state, colour) for _, due in found if due is None}
    assert undated == {("assigned", "green"), ("in_progress", "green")}  # no due date, handed out within the stale days


def test_the_ledger_query_refuses_unknown_values_by_name(session, settings, units):
    with pytest.raises(InvalidValue) as caught:
        list_items(session, actor=OFFICE, state="finished", settings=settings)
    assert str(caught.value).startswith("状态“finished”无法识别：可选待确认（draft）、待交办（confirmed）")
    with pytest.raises(InvalidValue):
        list_items(session, actor=OFFICE, sort="colour", settings=settings)
    with pytest.raises(InvalidValue):
        list_items(session, actor=OFFICE, warning="blue", settings=settings)
    with pytest.raises(InvalidValue) as caught:
        list_items(session, actor=OFFICE, document="minutes", settings=settings)
    assert str(caught.value) == "来源文件“minutes”须为文件编号（整数）"
    with pytest.raises(InvalidValue) as caught:
        list_items(session, actor=OFFICE, kind="wish", settings=settings)
    assert str(caught.value) == "类别“wish”无法识别：可选议定事项（decision）、工作任务（task）、目标指标（target）、代表建议（suggestion）"


def test_get_item_shows_the_source_sentence(session, settings):
    from luoshi.ingest import ingest_upload

    text = ("青山县人民政府常务会议纪要\n2024年3月1日上午，县长李明主持召开县政府第3次常务会议。现将会议议定事项纪要如下：\n"
            "一、审议《青山县农村人居环境整治实施方案》\n会议原则同意，县财政局要在年底前落实资金保障。\n")
    result = ingest_upload(session, name="minutes.txt", data=text.encode(), settings=settings, now=NOW)
    page = list_items(session, actor=OFFICE, document=result.document_id, settings=settings, now=NOW)
    view = get_item(session, item_id=page.rows[0].id, actor=OFFICE, settings=settings, now=NOW)
    start, end = view.item.source.span
    assert view.source_text == text[start:end] == "审议《青山县农村人居环境整治实施方案》\n会议原则同意，县财政局要在年底前落实资金保障"
    assert (view.item.due, view.item.due_text, view.units) == (date(2024, 12, 31), "年底前", {"1": "县财政局"})
    assert view.document.name == "minutes.txt"


def test_two_users_acting_at_once_never_lose_an_update(make_db, backend, settings):
    """Two threads, two sessions, the same version: one wins, the other gets a Conflict, nothing is lost."""
    import threading

    db = make_db(backend)
    with db.session() as s:
        create_organisation(s, name="市商务局")
        item_id = draft(s, settings).id
    barrier, outcomes = threading.Barrier(2), []

    def confirm(note: str) -> None:
        with db.session() as s:
            barrier.wait()
            try:
                act(s, item_id=item_id, actor=OFFICE, action="confirm", expected_version=1, note=note,
                    settings=settings, now=at(1))
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=confirm, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.session() as s:
        history = item_history(s, item_id=item_id, actor=OFFICE)
    assert (sorted(outcomes), [h.seq for h in history]) == (["conflict", "ok"], [1, 2])


def test_returned_items_progress_reports_and_instructions(session, settings, units):
    from luoshi.store.items import instructions, progress_reports

    sw = unit_user(units[0])
    item_id = handed_out(session, settings, units)
    step(session, settings, item_id, sw, "report_progress", 3, 1, text="已走访20家", percent=40, attachments=["表.xlsx"])
    step(session, settings, item_id, sw, "apply_completion", 4, 2, text="已完成")
    step(session, settings, item_id, OFFICE, "return", 5, 3, reason="缺少佐证")
    step(session, settings, item_id, LEADER, "instruct", 6, 4, text="请抓紧")
    q = dict(session=session, actor=sw, settings=settings, now=at(5))
    assert (ids(list_items(**q, returned=True)), ids(list_items(**q, returned=False))) == ([item_id], [])
    assert [(p.version, p.kind, p.text, p.percent, p.attachments, p.by) for p in
            progress_reports(session, item_id=item_id, actor=sw)] == [
        (4, "report_progress", "已走访20家", 40, [{"name": "表.xlsx"}], "u1"),
        (5, "apply_completion", "已完成", None, [], "u1")]
    assert [(i.text, i.by, i.at) for i in instructions(session, item_id=item_id, actor=sw)] == [("请抓紧", "mayor", at(4))]


def test_a_refused_new_item_leaves_nothing_behind(session, settings, units):
    from luoshi.ledger import MissingField
    from luoshi.store.models import ItemRow

    with pytest.raises(MissingField):
        create_item(session, actor=OFFICE, kind="task", title="  ", settings=settings)
    with pytest.raises(PermissionDenied):
        create_item(session, actor=LEADER, kind="task", title="新事项", settings=settings)
    session.commit()
    assert session.query(ItemRow).count() == 0
