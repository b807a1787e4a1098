"""The unit and document choices of every page are kept by a process while their list's version, raised by
the database in the transaction of each change (`luoshi.store.list_versions`), is the one it read them at."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from luoshi.store.db import Database, recorded_statements
from luoshi.store.list_versions import version
from luoshi.store.models import Document, Organisation
from luoshi.web.queries import document_options, unit_options

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def _unit(name: str) -> Organisation:
    return Organisation(name=name, key=name, created_at=NOW)


def _document(n: int) -> Document:
    return Document(name=f"文件{n}.txt", path=f"/in/文件{n}.txt", sha256=f"{n:064d}", version=1, doc_type="other",
                    title=f"文件{n}", record={}, text="", ingested_at=NOW, ingested_by="office")


def _versions(db: Database) -> tuple[int, int]:
    """Both lists' versions (0: none kept yet, as after the tests' TRUNCATE on PostgreSQL)."""
    with db.session(read_only=True) as s:
        return version(s, "units") or 0, version(s, "documents") or 0


def test_a_change_to_units_or_documents_raises_its_lists_version_once_committed(db):
    units, documents = _versions(db)
    with db.session() as s:
        s.add_all([_unit("市发改委"), _unit("市住建局")])  # two rows, one transaction
        s.flush()
        assert _versions(db) == (units, documents)  # not before the change commits
        s.commit()
    after_insert = _versions(db)
    assert after_insert[1] == documents and after_insert[0] > units
    if db.engine.dialect.name == "postgresql":
        assert after_insert[0] == units + 1  # once per transaction, however many rows

    with db.session() as s:
        s.execute(update(Organisation).where(Organisation.name == "市住建局").values(name="市住房和城乡建设局"))
        s.rollback()  # a change rolled back raises nothing
    assert _versions(db) == after_insert
    with db.session() as s:
        s.execute(update(Organisation).where(Organisation.name == "市住建局").values(name="市住房和城乡建设局"))
        s.commit()
    renamed = _versions(db)
    assert renamed[0] > after_insert[0]
    with db.session() as s:
        s.add(_document(1))
        s.commit()
    assert _versions(db)[1] > documents and _versions(db)[0] == renamed[0]
    with db.session() as s:
        s.execute(delete(Organisation).where(Organisation.name == "市发改委"))
        s.commit()
    assert _versions(db)[0] > renamed[0]


def test_the_choices_are_kept_while_current_and_read_again_after_a_change_on_any_host(db):
    with db.session() as s:
        s.add_all([_unit("市发改委"), _document(1)])
        s.commit()
    # A second process on the same database: another Database (engine) on its URL.
    other = Database(db.url, migrate=False)
    try:
        with other.session(read_only=True) as s:
            first, docs = unit_options(s), document_options(s)
        with recorded_statements(other.engine) as seen, other.session(read_only=True) as s:
            assert unit_options(s) is first and document_options(s) is docs  # kept, not read again
        assert len(seen) == 1 and "list_versions" in seen[0][0]  # both lists' versions, in one statement
        assert [u["name"] for u in first] == ["市发改委"] and [d["title"] for d in docs] == ["文件1"]
        with db.session() as s:  # through this "host"
            s.add_all([_unit("市财政局"), _document(2)])
            s.commit()
        with other.session(read_only=True) as s:
            again, docs_again = unit_options(s), document_options(s)
        assert sorted(u["name"] for u in again) == ["市发改委", "市财政局"]
        assert [d["title"] for d in docs_again] == ["文件2", "文件1"]
    finally:
        other.dispose()


def test_a_session_that_writes_reads_a_list_it_changed_again(db):
    """A read-only session (a web GET's) reads the lists' versions once for its life; a session that writes
    asks again each time, so a list it has changed is read again within it."""
    with db.session() as s:
        s.add(_unit("市发改委"))
        s.commit()
        assert [u["name"] for u in unit_options(s)] == ["市发改委"]
        s.add(_unit("市财政局"))
        s.commit()
        assert sorted(u["name"] for u in unit_options(s)) == ["市发改委", "市财政局"]
    with db.session(read_only=True) as s:
        assert len(unit_options(s)) == 2
        with db.session() as writer:
            writer.add(_unit("市审计局"))
            writer.commit()
        assert len(unit_options(s)) == 2  # this request's view: the versions it read at its start
    with db.session(read_only=True) as s:
        assert len(unit_options(s)) == 3


def test_without_a_kept_version_the_choices_are_read_every_time(db):
    with db.session() as s:
        s.add(_unit("市发改委"))
        s.commit()
    with db.session() as s:
        s.execute(text("DELETE FROM list_versions"))
        s.commit()
    with db.session(read_only=True) as s:
        assert version(s, "units") is None
        listed = unit_options(s)
    with db.session() as s:
        s.execute(text("UPDATE organisations SET name = '市发展和改革委员会'"))
        s.commit()
    with db.session(read_only=True) as s:
        assert [u["name"] for u in unit_options(s)] == ["市发展和改革委员会"] != [u["name"] for u in listed]


def test_on_postgresql_writers_of_documents_wait_on_the_version_only_while_committing(make_db):
    db = make_db("postgresql")
    with db.engine.connect() as first:
        first.execute(text("BEGIN"))
        first.execute(text("INSERT INTO documents (name, path, sha256, version, doc_type, record, text, "
                           "ingested_at, ingested_by) VALUES ('a.txt', '/a', :sha, 1, 'other', '{}', '', now(), 'x')"),
                      {"sha": "a" * 64})
        done: list[object] = []

        def second_writer() -> None:
            try:
                with db.session() as s:
                    s.execute(text("SET LOCAL lock_timeout = '2s'"))
                    s.add(_document(2))
                    s.commit()
                done.append("committed")
            except Exception as exc:  # noqa: BLE001 - the test reports it
                done.append(exc)

        writer = threading.Thread(target=second_writer)
        writer.start()
        writer.join(10)
        assert done == ["committed"]  # the first writer's transaction is still open
        first.execute(text("COMMIT"))
    with db.session(read_only=True) as s:
        assert s.scalar(select(Document.name).where(Document.name == "a.txt")) == "a.txt"


def test_on_postgresql_a_truncate_raises_the_version_too(make_db):
    db = make_db("postgresql")
    with db.session() as s:
        s.add(_unit("市发改委"))
        s.commit()
    before = _versions(db)[0]
    with db.session() as s:
        s.execute(text("TRUNCATE organisations CASCADE"))
        s.commit()
    assert _versions(db)[0] > before


def test_a_bulk_load_raises_no_version_row_by_row_and_every_version_at_its_end(db):
    """`aggregates.pause` drops the triggers with the others; `rebuild` makes them again and raises both
    lists' versions, which no process's copy can then match."""
    from luoshi.store import aggregates

    before = _versions(db)
    with db.engine.begin() as conn:
        aggregates.pause(conn)
        loading = Session(bind=conn)
        loading.add(_unit("市发改委"))
        loading.flush()
        assert conn.execute(text("SELECT version FROM list_versions WHERE name = 'units'")).scalar() in (before[0], None)
        aggregates.rebuild(conn)
    raised = _versions(db)
    assert raised[0] > before[0] and raised[1] > before[1]
    with db.session() as s:  # the triggers are back
        s.add(_unit("市财政局"))
        s.commit()
    assert _versions(db)[0] > raised[0]
