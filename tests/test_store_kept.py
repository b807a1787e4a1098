"""Kept statements (`luoshi.store.kept`): on PostgreSQL sent through the driver as compiled once; the rows,
their types and the errors must be those of SQLAlchemy's own execution of the same statement."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.exc import DBAPIError

from luoshi.store.db import recorded_statements
from luoshi.store.kept import Kept, built
from luoshi.store.models import ItemRow, Organisation, User
from luoshi.store.types import among

BEIJING = timezone(timedelta(hours=8))


def _fill(db) -> list[int]:
    with db.session() as s:
        s.add_all([Organisation(name=f"单位{i}", key=f"单位{i}", created_at=datetime(2026, 3, i + 1, 9, tzinfo=BEIJING))
                   for i in range(5)])
        s.add(User(username="kept", password_hash="x", role="office", created_at=datetime(2026, 3, 1, tzinfo=UTC)))
        s.commit()
        return sorted(s.scalars(select(Organisation.id)))


def _both(db, statement, params):
    """The rows of `statement` kept, and through SQLAlchemy, as tuples."""
    with db.session(read_only=True) as s:
        kept = Kept(statement).all(s, params)
        plain = [tuple(r) for r in s.execute(statement, params).all()]
    return kept, plain


def test_kept_rows_are_sqlalchemys_rows_with_their_names_and_types(db):
    ids = _fill(db)
    # A list as one array, a time bound through its type's processor, a name used twice, a literal % and
    # aware times coming back (UTCDateTime's result processor).
    statement = (select(Organisation.id, Organisation.name, Organisation.created_at,
                        literal_column("'100%'").label("share"))
                 .where(among(Organisation.id, "ids"),
                        Organisation.created_at >= bindparam("since", type_=Organisation.created_at.type),
                        Organisation.name.like("单位%"), Organisation.id != bindparam("skip"),
                        Organisation.id != bindparam("skip") + 0)
                 .order_by(Organisation.id))
    params = {"ids": ids[:4], "since": datetime(2026, 3, 2, 9, tzinfo=BEIJING), "skip": ids[2]}
    kept, plain = _both(db, statement, params)
    assert [tuple(r) for r in kept] == plain == [(i, f"单位{n}", datetime(2026, 3, n + 1, 1, tzinfo=UTC), "100%")
                                                 for n, i in enumerate(ids) if n in (1, 3)]
    assert kept[0]._fields == ("id", "name", "created_at", "share")
    assert kept[0].created_at.tzinfo is UTC and kept[0].name == "单位1"


def test_kept_statements_take_fixed_values_and_answer_nothing_alike(db):
    ids = _fill(db)
    statement = select(Organisation.name).where(Organisation.name == "单位3", among(Organisation.id, "ids"))
    assert _both(db, statement, {"ids": ids})[0] == [("单位3",)]
    assert _both(db, statement, {"ids": []}) == ([], [])
    with db.session(read_only=True) as s:
        counted = Kept(select(func.count().label("n")).select_from(Organisation))
        assert (counted.scalar(s), counted.first(s).n) == (5, 5)
        assert Kept(statement).first(s, {"ids": [ids[0]]}) is None


def test_on_postgresql_a_kept_statement_is_sent_through_the_driver(make_db):
    db = make_db("postgresql")
    ids = _fill(db)
    statement = Kept(select(Organisation.name).where(among(Organisation.id, "ids")).order_by(Organisation.id))
    with db.session(read_only=True) as s:
        assert [r.name for r in statement.all(s, {"ids": ids[:2]})] == ["单位0", "单位1"]
        plan = statement._plans[s.connection().dialect]
    assert plan is not None and plan.checked and "$1" in plan.sql and "%(" not in plan.sql
    # Where statements are being recorded (the EXPLAIN test, the bench), SQLAlchemy's path runs: it is seen.
    with recorded_statements(db.engine) as seen, db.session(read_only=True) as s:
        assert [r.name for r in statement.all(s, {"ids": ids[3:]})] == ["单位3", "单位4"]
    assert len(seen) == 1 and "organisations" in seen[0][0]


def test_sqlite_runs_a_kept_statement_through_sqlalchemy(make_db):
    db = make_db("sqlite")
    _fill(db)
    statement = Kept(select(Organisation.name).order_by(Organisation.id))
    with recorded_statements(db.engine) as seen, db.session(read_only=True) as s:
        assert statement.first(s).name == "单位0"
        assert statement._plans[s.connection().dialect] is None
    assert len(seen) == 1


def test_a_driver_error_is_sqlalchemys_error_and_the_session_goes_on(db):
    _fill(db)
    failing = Kept(select((ItemRow.id / bindparam("zero")).label("q")).select_from(ItemRow)
                   .union_all(select(literal_column("1") / bindparam("zero"))))
    with db.session() as s:
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError):
                failing.all(s, {"zero": 0})
            s.rollback()
        assert Kept(select(func.count().label("n")).select_from(Organisation)).scalar(s) == 5


def test_the_ledgers_kept_statements_answer_as_sqlalchemy_does(db, settings):
    """Every kept statement of the ledger, against SQLAlchemy's execution of the same statement."""
    from luoshi.ledger import Actor, Role
    from luoshi.ledger.drafts import Subtask
    from luoshi.store import aggregates, counts, directory, evidence, items, pages, subtasks, users
    from luoshi.store.models import Document
    from luoshi.web import queries

    _fill(db)
    with db.session() as s:
        user = users.create_user(s, username="office", password="kept-pass-123", role=Role.SUPERVISOR)
        token = users.create_token(s, user_id=user.id, name="kept")
        made = items.create_item(s, kind="task", title="建设充电站", text="新建新能源充电站40座", lead_units=["单位0"],
                                 co_units=["单位1"], due=date(2026, 6, 30), actor=Actor("office", Role.SUPERVISOR),
                                 settings=settings)
        document = Document(name="纪要.txt", path="/in/纪要.txt", sha256="0" * 64, version=1, doc_type="other",
                            title="纪要", record={}, text="会议议定：新建新能源充电站40座。", ingested_at=datetime.now(UTC),
                            ingested_by="office")
        s.add(document)
        s.commit()
    item_id = int(made.id)
    cases = [(items._UNITS, {"ids": [item_id]}), (items._EXTENSIONS, {"ids": [item_id]}),
             (items._ONE, {"id": item_id}), (items._LOAD, {"id": item_id}), (counts._ALL, {}),
             (counts._IN, {"states": ["draft", "confirmed"]}),
             (users._USER_BY_TOKEN, {"token_hash": users._token_hash(token)}),
             (evidence._FILES, {"item_id": item_id}), (subtasks._SUBTASKS, {"ids": [item_id]}),
             (items._ANSWERS, {"ids": [item_id]}), (items._INSTRUCTIONS, {"ids": [item_id]}),
             (users._USER_BY_ID, {"user_id": user.id}), (users._USER_BY_NAME, {"username": "office"}),
             (queries._EVENTS, {"item_id": item_id}), (directory._ROWS, {}), (evidence._RULES, {}),
             (pages._PAGES, {"document_id": document.id}),
             (queries._WINDOW, {"start": 3, "length": 6, "id": document.id}),
             (aggregates._COLOURED, {"today": date(2026, 7, 1), "kinds": ["red", "warned"],
                                     "states": ["assigned", "in_progress"]})]
    with db.session() as s:  # a subtask (JSON columns) to read back
        subtasks.write_subtasks(s, item_id, [Subtask(text="完成选址", span=(0, 4), owners=("单位0",),
                                                     co_owners=("单位1",), due_text="6月底前", due="2026-06-30")])
        s.commit()
    empty_ok = (items._EXTENSIONS, evidence._FILES, items._ANSWERS, items._INSTRUCTIONS, evidence._RULES, pages._PAGES,
                aggregates._COLOURED)
    with db.session(read_only=True) as s:
        for kept, params in cases:
            rows = kept.all(s, params)
            assert [tuple(r) for r in rows] == [tuple(r) for r in s.execute(kept.statement, params).all()]
            assert rows or kept in empty_ok
            assert all(r._fields == kept.fields for r in rows)


def test_statements_built_per_request_answer_with_their_own_values(db, monkeypatch):
    """`built`: statements of one shape share a plan, each with its own values; an expanding IN (a new SQL
    text per length) and a full set of plans still answer as SQLAlchemy does."""
    from luoshi.store import kept

    ids = _fill(db)

    def page(after, name_like, limit):
        return (select(Organisation.id, Organisation.name).where(Organisation.id > after,
                                                                  Organisation.name.like(name_like))
                .order_by(Organisation.id).limit(limit))

    with db.session(read_only=True) as s:
        c = s.connection()
        for after, like, limit in ((ids[0], "单位%", 2), (ids[2], "单位%", 5), (ids[0], "单位4", 3), (ids[0], "单位%", 2)):
            assert [tuple(r) for r in kept.built(c, page(after, like, limit))] == \
                [tuple(r) for r in c.execute(page(after, like, limit)).all()]
        assert [r.id for r in kept.built(c, page(ids[2], "单位%", 5))] == ids[3:]
        shapes = kept._SHAPES.get(c.dialect, {})
        assert len(shapes) == (1 if db.engine.dialect.name == "postgresql" else 0)
        listed = select(Organisation.name).where(Organisation.id.in_(ids[:3])).order_by(Organisation.id)
        assert [r.name for r in kept.built(c, listed)] == ["单位0", "单位1", "单位2"]
        monkeypatch.setattr(kept, "SHAPES_KEPT", 1)  # a new shape then takes the place of the oldest
        backwards = page(ids[2], "单位%", 9).order_by(None).order_by(Organisation.id.desc())
        assert [r.name for r in kept.built(c, backwards)] == ["单位4", "单位3"]
        assert len(kept._SHAPES.get(c.dialect, {})) <= 1


def test_a_bind_name_sqlalchemy_escapes_is_given_by_its_own_name(db):
    ids = _fill(db)
    statement = select(Organisation.name).where(Organisation.id == bindparam("unit id[0]"))
    with db.session(read_only=True) as s:
        assert Kept(statement).first(s, {"unit id[0]": ids[1]}).name == "单位1"
        fixed = select(Organisation.name).where(Organisation.id == bindparam("unit id[0]", ids[2]))
        assert [r.name for r in built(s.connection(), fixed)] == ["单位2"]


def test_a_fixed_set_of_names_is_written_into_the_sql(db):
    """`one_of`: the code's own names as constants in the statement's text, answering as an IN of them does;
    anything else is refused rather than written into SQL."""
    from luoshi.store import kept
    from luoshi.store.types import one_of

    _fill(db)
    with db.session() as s:
        s.add(User(username="kept2", password_hash="x", role="leader", created_at=datetime(2026, 3, 1, tzinfo=UTC)))
        s.commit()
    statement = select(User.username).where(one_of(User.role, ("office", "supervisor"))).order_by(User.username)
    text = str(statement.compile(dialect=db.engine.dialect))
    assert "IN ('office', 'supervisor')" in text and "POSTCOMPILE" not in text
    with db.session(read_only=True) as s:
        assert [r.username for r in built(s.connection(), statement)] == ["kept"] == \
            list(s.scalars(select(User.username).where(User.role.in_(("office", "supervisor")))))
        shapes = kept._SHAPES.get(s.connection().dialect, {})
        if db.engine.dialect.name == "postgresql":  # kept: one plan, no expanding IN left to SQLAlchemy
            assert any(p is not None and "IN ('office', 'supervisor')" in p.sql for p in shapes.values())
    for bad in ((), ("office'); DROP TABLE users; --",), ("Office",), ("in progress",)):
        with pytest.raises(ValueError):
            one_of(User.role, bad)


def test_a_ledger_page_by_colour_takes_the_kept_path(make_db, settings, monkeypatch):
    """On PostgreSQL a ledger page filtered by colour (the office's red, yellow or green items of a state) is
    sent as a kept plan: its colour condition names the states whose clock runs as constants, where an IN of
    a bound list made SQLAlchemy render every such page anew. Its rows are those SQLAlchemy's path gives."""
    from luoshi.ledger import Actor, Role
    from luoshi.store import items, kept

    db = make_db("postgresql")
    _fill(db)
    office, handed = Actor("office", Role.SUPERVISOR), datetime(2025, 12, 1, 2, tzinfo=UTC)
    with db.session() as s:
        for n in range(12):  # due every 20 days from New Year, handed out before it
            made = items.create_item(s, kind="task", title=f"事项{n}", text="按期完成", lead_units=["单位0"],
                                     actor=office, settings=settings, now=handed)
            items.act(s, item_id=made.id, actor=office, action="confirm", expected_version=1, settings=settings,
                      now=handed)
            items.act(s, item_id=made.id, actor=office, action="assign", expected_version=2, settings=settings,
                      now=handed, due=(date(2026, 1, 1) + timedelta(days=20 * n)).isoformat())
        s.commit()
    now = datetime(2026, 3, 19, 4, tzinfo=UTC)
    pages = [dict(state="assigned", warning=colour, sort=sort, per_page=3, page=page)
             for colour in ("red", "yellow", "green") for sort in ("due", "-due") for page in (1, 2)]
    with recorded_statements(db.engine), db.session(read_only=True) as s:  # SQLAlchemy's path, seen
        expected = [[v.id for v in items.list_items(s, actor=office, settings=settings, now=now, **q).rows]
                    for q in pages]
    # Four red (due before); the others yellow, handed out in December and not reported on since; none green.
    assert [len(e) for e in expected] == [3, 1, 3, 1, 3, 3, 3, 3, 0, 0, 0, 0]

    def refused(*_args):
        raise AssertionError("a ledger page by colour went through SQLAlchemy")

    monkeypatch.setattr(kept, "_through_sqlalchemy", refused)
    with db.session(read_only=True) as s:
        got = [[v.id for v in items.list_items(s, actor=office, settings=settings, now=now, **q).rows] for q in pages]
    assert got == expected


def test_the_office_dashboards_kept_figures_take_the_kept_path(make_db, settings, monkeypatch):
    """On PostgreSQL the office dashboard's figures read from the kept counts (by state, hand-outs, on time,
    red and warned; the months' trend) are kept plans: the kinds of fact they sum are constants in the SQL
    (`one_of`), where an IN of them took SQLAlchemy's path. They equal the figures counted from the items."""
    from luoshi.ledger import Actor, Role
    from luoshi.store import dashboard, items, kept

    db = make_db("postgresql")
    _fill(db)
    office, handed = Actor("office", Role.SUPERVISOR), datetime(2026, 11, 20, 2, tzinfo=UTC)
    with db.session() as s:
        for n in range(6):
            made = items.create_item(s, kind="task", title=f"事项{n}", text="按期完成", lead_units=[f"单位{n % 2}"],
                                     actor=office, settings=settings, now=handed)
            items.act(s, item_id=made.id, actor=office, action="confirm", expected_version=1, settings=settings,
                      now=handed)
            if n < 4:
                items.act(s, item_id=made.id, actor=office, action="assign", expected_version=2, settings=settings,
                          now=handed, due=(date(2026, 11, 25) + timedelta(days=5 * n)).isoformat())
        s.commit()
    now = datetime.now(UTC)
    with db.session(read_only=True) as s:
        counted = dashboard.dashboard(s, actor=office, settings=settings, now=now, kept=False)

    def refused(*_args):
        raise AssertionError("a kept figure of the dashboard went through SQLAlchemy")

    monkeypatch.setattr(kept, "_through_sqlalchemy", refused)
    with db.session(read_only=True) as s:
        today = items.today_in(settings, now)
        assert dashboard._scope(s, office, today, settings, True) == 0  # the kept counts answer
        figures = dashboard.dashboard(s, actor=office, settings=settings, now=now)
    assert (figures.headline, figures.by_state, figures.by_warning, figures.trend) == \
        (counted.headline, counted.by_state, counted.by_warning, counted.trend)
    assert figures.by_state["assigned"] == 4 and figures.by_state["confirmed"] == 2


def test_a_ledger_page_reads_its_items_units_and_extensions_in_its_own_statement(make_db, settings, monkeypatch):
    """On PostgreSQL a ledger page is one statement: each row carries its item's units (lead and co-operating,
    in their order, with names) and extensions (every field, granted or pending) as JSON. The pages, by every
    kind of order, merged or not, by number and by cursor, are those read with two statements after the page."""
    from luoshi.ledger import Actor, Role
    from luoshi.store import items

    db = make_db("postgresql")
    ids = _fill(db)
    office = Actor("office", Role.SUPERVISOR)
    lead = Actor("lead", Role.UNIT, unit=str(ids[2]))
    start = datetime(2026, 1, 5, 2, 3, 4, 567891, tzinfo=UTC)  # a time to the microsecond, in and out of JSON
    with db.session() as s:
        for n in range(9):
            made = items.create_item(s, kind="task", title=f"事项{n}", text="按期完成",
                                     lead_units=[f"单位{(n + 2) % 5}"], co_units=[f"单位{(n + 4) % 5}", f"单位{(n + 3) % 5}"][:n % 3],
                                     actor=office, settings=settings, now=start)
            items.act(s, item_id=made.id, actor=office, action="confirm", expected_version=None, settings=settings,
                      now=start)
            if n % 4 == 3:
                continue  # confirmed, not handed out: no due date (a NULL key)
            items.act(s, item_id=made.id, actor=office, action="assign", expected_version=None, settings=settings,
                      now=start, due=(date(2026, 2, 1) + timedelta(days=3 * (n % 4))).isoformat())
            if n % 3 == 0:  # lead by 单位2: an extension granted, then one pending
                unit = Actor("lead", Role.UNIT, unit=str(ids[(n + 2) % 5]))
                for k, (who, action, payload) in enumerate((
                        (unit, "request_extension", {"due": "2026-03-31", "reason": "征地未完成"}),
                        (office, "approve_extension", {"note": "同意"}),
                        (unit, "request_extension", {"due": "2026-04-30", "reason": "资金未到位"}))):
                    items.act(s, item_id=made.id, actor=who, action=action, expected_version=None,
                              settings=settings, now=start + timedelta(days=k + 1, microseconds=k), **payload)
        s.commit()
    now = datetime(2026, 2, 2, 4, tzinfo=UTC)
    pages = [dict(sort=sort, per_page=4, page=page) for sort in ("due", "-due", "id", "title", "-updated")
             for page in (1, 2, 3)]
    pages += [dict(state=["assigned", "confirmed"], sort="due", per_page=3, page=2),  # merged from two ranges
              dict(state="assigned", warning="yellow", sort="due", per_page=2),
              dict(unit=str(ids[1]), sort="-due", per_page=2)]

    def read(s, actor, query):
        page = items.list_items(s, actor=actor, settings=settings, now=now, **query)
        pages = [page]
        while pages[-1].next_cursor:  # and every page after it, by cursor, then back
            pages.append(items.list_items(s, actor=actor, settings=settings, now=now, cursor=pages[-1].next_cursor,
                                          **{k: v for k, v in query.items() if k != "page"}))
        if pages[-1].prev_cursor:
            pages.append(items.list_items(s, actor=actor, settings=settings, now=now, cursor=pages[-1].prev_cursor,
                                          **{k: v for k, v in query.items() if k != "page"}))
        return [(p.rows, p.total) for p in pages]

    read_after = []

    class Watched:  # the statements that read units and extensions after a page
        def __init__(self, kept):
            self.kept = kept

        def all(self, *args):
            read_after.append(args)
            return self.kept.all(*args)

    monkeypatch.setattr(items, "_UNITS", Watched(items._UNITS))
    monkeypatch.setattr(items, "_EXTENSIONS", Watched(items._EXTENSIONS))
    with db.session(read_only=True) as s:
        folded = [read(s, who, q) for who in (office, lead) for q in pages]
    assert read_after == []
    monkeypatch.setattr(items, "_FOLDS", {key: None for key in items._FOLDS})  # read after the page, as before
    with db.session(read_only=True) as s:
        apart = [read(s, who, q) for who in (office, lead) for q in pages]
    assert read_after
    assert folded == apart
    rows = [v for page in folded for rows, _ in page for v in rows]
    extended = [v for v in rows if v.item.extensions]
    assert {len(v.item.extensions) for v in extended} == {2}
    granted, pending = extended[0].item.extensions
    assert (granted.status.value, granted.granted_due, granted.decided_by, pending.status.value, pending.decided_at) == \
        ("approved", date(2026, 3, 31), "office", "pending", None)
    assert granted.requested_at.astimezone(UTC) == start + timedelta(days=1)
    assert any(len(v.item.co_units) == 2 for v in rows) and all(v.units for v in rows)
    assert sum(len(page[0][0]) for page in folded[:len(pages)]) > 20


def test_a_ledger_rows_view_and_json_are_kept_by_all_they_are_made_of(make_db, settings):
    """On PostgreSQL a ledger row's view (its JSON, its row on the ledger page) is kept for the next page
    that shows the same row to the same viewer on the same day; an item that changes, another viewer or another day make their own."""
    import orjson

    from luoshi.ledger import Actor, Role
    from luoshi.store import items
    from luoshi.web.present import item_dict, item_json
    from luoshi.web.render import macro
    from luoshi.web.routes.pages.ledger import _row as ledger_row

    db = make_db("postgresql")
    ids = _fill(db)
    office = Actor("office", Role.SUPERVISOR)
    lead = Actor("lead", Role.UNIT, unit=str(ids[2]))
    start = datetime(2026, 1, 5, 2, tzinfo=UTC)
    with db.session() as s:
        for n in range(3):
            made = items.create_item(s, kind="task", title=f"事项{n}", text="按期完成", lead_units=["单位2"],
                                     co_units=["单位3"], actor=office, settings=settings, now=start)
            items.act(s, item_id=made.id, actor=office, action="confirm", expected_version=None, settings=settings,
                      now=start)
            items.act(s, item_id=made.id, actor=office, action="assign", expected_version=None, settings=settings,
                      now=start, due="2026-02-10")
        s.commit()
    now = datetime(2026, 2, 2, 4, tzinfo=UTC)

    def read(actor, when=now):
        with db.session(read_only=True) as s:
            return items.list_items(s, actor=actor, state="assigned", sort="id", settings=settings, now=when).rows

    first, again = read(office), read(office)
    assert [v.item.title for v in first] == ["事项0", "事项1", "事项2"]
    assert all(a is b for a, b in zip(first, again))  # kept: the same views
    assert all(item_json(a, actor=office) is item_json(b, actor=office) for a, b in zip(first, again))
    for view in first:  # the JSON kept is the item's dict, written
        assert orjson.loads(orjson.dumps(item_json(view, actor=office))) == \
            orjson.loads(orjson.dumps(item_dict(view, actor=office)))

    theirs = read(lead)  # another viewer: their own actions and role, not the office's view
    assert not any(a is b for a, b in zip(first, theirs))
    assert [v.actions for v in theirs] != [v.actions for v in first]
    assert orjson.loads(orjson.dumps(item_json(theirs[0], actor=lead)))["role_label"] == "牵头"

    # The ledger page's row of a kept view is rendered once, the HTML the table renders for a view not kept
    # (its dict); the office's row has the batch checkbox, a unit's not.
    office_row = ledger_row(first[0], office, True)
    assert ledger_row(again[0], office, True) is office_row
    afresh = ledger_row(replace(first[0], key=None, made=None), office, True)
    assert afresh == item_dict(first[0], actor=office)
    assert office_row == macro("_macros.html", "item_row", afresh, True)
    assert 'name="ids"' in office_row and ">事项0</a>" in office_row and "单位2" in office_row
    assert 'name="ids"' not in ledger_row(theirs[0], lead, False)

    later = read(office, now + timedelta(days=3))  # another day: the warning counts it again
    assert [v.warning.days_left for v in later] == [v.warning.days_left - 3 for v in first]

    with db.session() as s:  # an item that changes is read as another row: never the kept view
        items.act(s, item_id=first[1].id, actor=lead, action="accept", expected_version=None, settings=settings,
                  now=now)
        s.commit()
    with db.session(read_only=True) as s:
        moved = items.list_items(s, actor=office, state="in_progress", sort="id", settings=settings, now=now).rows
    assert [(v.id, v.item.state.value, v.item.version) for v in moved] == \
        [(first[1].id, "in_progress", first[1].item.version + 1)]
    rest = read(office)
    assert [v.id for v in rest] == [first[0].id, first[2].id]
    assert rest[0] is first[0] and rest[1] is first[2]


def test_a_ledger_row_is_kept_only_while_there_is_room(make_db, settings, monkeypatch):
    """The kept views are bounded (`VIEWS_KEPT`): the oldest leave first, and a page still shows every row."""
    from luoshi.ledger import Actor, Role
    from luoshi.store import items

    db = make_db("postgresql")
    _fill(db)
    office = Actor("office", Role.SUPERVISOR)
    with db.session() as s:
        for n in range(5):
            items.create_item(s, kind="task", title=f"事项{n}", text="按期完成", lead_units=["单位1"], actor=office,
                              settings=settings)
        s.commit()
    monkeypatch.setattr(items, "_KEPT_VIEWS", {})
    monkeypatch.setattr(items, "VIEWS_KEPT", 3)
    with db.session(read_only=True) as s:
        page = items.list_items(s, actor=office, sort="id", settings=settings)
    assert [v.item.title for v in page.rows] == [f"事项{n}" for n in range(5)]
    assert len(items._KEPT_VIEWS) == 3
    assert [key[0].title for key in items._KEPT_VIEWS] == ["事项2", "事项3", "事项4"]
