"""The tables of the ledger as SQLAlchemy 2 typed models: documents, meetings, organisations and people,
items with their assignments and history, users and tokens, and the hash-chained audit log.

The migrations in `luoshi/store/migrations/` create exactly this schema (a test compares them). Unit ids
in the ledger's rules are organisation ids as strings; item ids are item ids as strings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from luoshi.store.types import UTCDateTime

# Named constraints, so that migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


# -- documents and what they record ------------------------------------------------------------------

class Document(Base):
    """One version of one document file: same file name, new content → a new row with version + 1."""

    __tablename__ = "documents"
    # The list's order (newest first) read backwards in this index, however deep the page; the latest versions
    # only are those no row names as `previous_id`.
    __table_args__ = (UniqueConstraint("name", "version"), Index("ix_documents_ingested_at_id", "ingested_at", "id"),
                      Index("ix_documents_previous_id", "previous_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)  # the file name, the version chain's key
    path: Mapped[str] = mapped_column(String(1024))  # where it was ingested from
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    doc_type: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(String(500))
    issued: Mapped[date | None] = mapped_column(Date)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # the extraction record (format 1), whole
    text: Mapped[str] = mapped_column(Text)  # the source text the record's spans index into
    ingested_at: Mapped[datetime]
    ingested_by: Mapped[str] = mapped_column(String(100))


class DocumentPage(Base):
    """A page of a document read by OCR: its image as shown (JPEG), its size in pixels as read, and for each
    character read on it [offset in the document's text, x0, y0, x1, y1 (thousandths of the page), confidence]."""

    __tablename__ = "document_pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # from 1, as in the file
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    chars: Mapped[list[Any]] = mapped_column(JSON)


class OcrJob(Base):
    """An upload that needs OCR, read in the background: the file until it is stored, and how far it got."""

    __tablename__ = "ocr_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)  # emptied once the document is stored
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | running | done | failed
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))  # inserted | updated | noop
    items_created: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]  # a running job's reader past this died: another process takes it


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    ordinal: Mapped[int | None]
    held_on: Mapped[date | None] = mapped_column(Date, index=True)
    part_of_day: Mapped[str | None] = mapped_column(String(16))
    chair: Mapped[str | None] = mapped_column(String(100))
    chair_title: Mapped[str | None] = mapped_column(String(100))


# -- organisations and people --------------------------------------------------------------------------

class Organisation(Base):
    """A unit (单位). `key` is `luoshi.store.orgs.key_of`: its level and its level-free name, so 市卫健委 and
    市卫生健康委员会 are one organisation and 县住建局 and 区住建局 two; `proposed` marks one ingest created and
    nobody confirmed yet, `not_unit` one the office marked as no unit (a name misread), `merged_into_id` one
    merged into another (kept, so that its history still names it)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    not_unit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))  # marked: not a unit
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))  # the unit kept instead
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    webhook_format: Mapped[str] = mapped_column(String(16), default="json")
    mobiles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Membership(Base):
    """A person seen for a unit at a meeting (出席/列席): who represented which unit, and when."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # 出席 | 列席
    org_as_written: Mapped[str | None] = mapped_column(String(200))


# -- items and their history ------------------------------------------------------------------------

class ItemRow(Base):
    """An item (督办事项): the columns of `luoshi.ledger.Item` plus its source and the optimistic lock."""

    __tablename__ = "items"
    __table_args__ = (
        # The ledger's pages by state, in due order (then id: items share due dates by thousands, and
        # without the id every item of the page's last due date was read and sorted), filtered by colour in
        # the index alone. PostgreSQL puts NULL last going up and first coming down, so latest-due-first (NULL
        # still last) has its own.
        Index("ix_items_state_due_id", "state", "due", "id", "red_on", "yellow_on"),
        Index("ix_items_state_due_id_desc", "state", text("due DESC NULLS LAST"), text("id DESC"), "red_on",
              "yellow_on").ddl_if(dialect="postgresql"),
        # Counting a state's items of one colour reads one range of an index (luoshi.store.warnings).
        Index("ix_items_state_red", "state", "red_on"),
        Index("ix_items_state_yellow", "state", "yellow_on", "red_on"),
        # The ledger's pages by state in id order (newest, oldest first; `state`), filtered by colour in the
        # index alone: without it one state's page read the primary key from its end, item after item, until
        # it had a page (one with none of that state and colour read all 1 000 000: 350 ms).
        Index("ix_items_state_id", "state", "id", "red_on", "yellow_on"),
        # The ledger over all items by latest due first, and by progress either way, read in index order.
        Index("ix_items_due_desc", text("due DESC NULLS LAST"), text("id DESC")).ddl_if(dialect="postgresql"),
        Index("ix_items_progress_id", "progress", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    source_path: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)  # kind + text, across versions
    due: Mapped[date | None] = mapped_column(Date, index=True)
    due_text: Mapped[str | None] = mapped_column(String(100))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    last_progress_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    completion_requested_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    return_reason: Mapped[str | None] = mapped_column(Text)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    # How many extensions (延期) were asked for: a page reads `extensions` only for the items that have any.
    extension_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_reminded_at: Mapped[datetime | None]
    rating: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # The days it turns yellow and red (`luoshi.ledger.warning_dates`), under the warning rule named by
    # `warning_rule` (thresholds and time zone); written with every change, recomputed when the rule changes.
    yellow_on: Mapped[date | None] = mapped_column(Date)
    red_on: Mapped[date | None] = mapped_column(Date)
    warning_rule: Mapped[str | None] = mapped_column(String(100), index=True)

    assignments: Mapped[list[Assignment]] = relationship(
        order_by="Assignment.position", cascade="all, delete-orphan", lazy="selectin")
    extensions: Mapped[list[ExtensionRow]] = relationship(
        order_by="ExtensionRow.position", cascade="all, delete-orphan", lazy="selectin")


class Assignment(Base):
    """A unit on an item: `lead` (牵头) or `co_operating` (配合), in the order given."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("item_id", "organisation_id"),
                      Index("ix_assignments_organisation_id_item_id", "organisation_id", "item_id"),
                      # A unit's ledger by state and colour from this index alone (luoshi.store.items).
                      Index("ix_assignments_unit_ledger", "organisation_id", "state", "due", "red_on", "yellow_on",
                            "item_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Copies of the item's columns that a unit's ledger filters on, written with the item's (`UNIT_COPY`):
    # a unit's page then reads its few matching items instead of every item of the unit.
    state: Mapped[str | None] = mapped_column(String(32))
    due: Mapped[date | None] = mapped_column(Date)
    yellow_on: Mapped[date | None] = mapped_column(Date)
    red_on: Mapped[date | None] = mapped_column(Date)
    # Set once the item is handed out (交办): a unit sees the item from then on, and counts its items here alone.
    assigned_at: Mapped[datetime | None]


UNIT_COPY = ("state", "due", "yellow_on", "red_on", "assigned_at")  # the columns of an item its assignments copy


class ListVersion(Base):
    """A list's version, raised by triggers in the transaction of every change to its table
    (`luoshi.store.list_versions`): what tells a process its copy of the unit or document choices is current."""

    __tablename__ = "list_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class ItemStateCount(Base):
    """How many items were in a state: kept by triggers on `items` until migration 0025, which dropped them
    (the totals are the dashboard's `state` facts now: `luoshi.store.counts`); read by the release before it
    while its processes restart, dropped by a later release."""

    __tablename__ = "item_state_counts"

    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DashboardCount(Base):
    """How many items show one fact of the dashboard in one scope (0: all items, else a unit's), kept by
    triggers on `items` and `assignments` (`luoshi.store.aggregates`)."""

    __tablename__ = "dashboard_counts"
    # The office's overdue and due-soon items per unit: the facts of a range of days, over every scope, read
    # from the index alone on PostgreSQL (the triggers' updates scatter the rows over the table's pages).
    __table_args__ = (Index("ix_dashboard_counts_covering", "kind", "day", "scope", postgresql_include=["day2", "n"]),)

    scope: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    day2: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


# The facts a PostgreSQL transaction's triggers staged, added to `dashboard_counts` as it commits and deleted
# then (`luoshi.store.aggregates._APPLY`): a row lives only inside the transaction that wrote it. No key: a
# plain insert, which waits for no other writer. Unused on SQLite.
dashboard_pending = Table(
    "dashboard_pending", Base.metadata,
    Column("tx", BigInteger, nullable=False),
    Column("scope", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(32), nullable=False),
    Column("day", Date, nullable=False),
    Column("day2", Date, nullable=False),
    Column("n", Integer, nullable=False),
    Index("ix_dashboard_pending_tx", "tx"),
)


class DashboardMark(Base):
    """The one row saying how `dashboard_counts` was counted: the office's time zone (and its UTC offset
    in minutes, for SQLite) of its months, the warning policy's near_days of its due facts, the day its
    past days are folded into, and how far its red and warned facts are keyed by state (`key_facts`)."""

    __tablename__ = "dashboard_marks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    near_days: Mapped[int] = mapped_column(Integer)
    folded_through: Mapped[date] = mapped_column(Date)
    # While the red and warned facts are keyed by state after an upgrade: the items below it are (NULL: all).
    keyed_through: Mapped[int | None] = mapped_column(Integer)


class ExtensionRow(Base):
    """One request to move an item's due date (延期) and its outcome; all are kept."""

    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    requested_due: Mapped[date] = mapped_column(Date)
    previous_due: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    granted_due: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class SubtaskRow(Base):
    """A directive kept with its item (分解任务): its sentence and span in the item's document, its owners
    and co-operating units as written, and its due phrase and date."""

    __tablename__ = "subtasks"
    __table_args__ = (UniqueConstraint("item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    source_path: Mapped[str | None] = mapped_column(String(100))
    owners: Mapped[list[Any]] = mapped_column(JSON, default=list)
    co_owners: Mapped[list[Any]] = mapped_column(JSON, default=list)
    due_text: Mapped[str | None] = mapped_column(String(100))
    due: Mapped[date | None] = mapped_column(Date)


class AuditEntryRow(Base):
    """The audit log: every event of every item, hash-chained per item (seq = the item's version).

    It is also the item's state transitions: `type`, `actor`, `at`, `from_state`, `to_state` are copies of
    the hashed `event` JSON (canonical text) kept for queries; `luoshi audit verify` checks them too.
    Rows are only ever inserted.
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("item_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainEntryRow(Base):
    """The global audit chain (`luoshi.store.anchor`): one entry per fact a page shows (an item created,
    an event, an administrative change, a progress report, a rating, an instruction), hash-chained in
    one sequence whose head is checkpointed outside the database."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AdminEntryRow(Base):
    """The administrative audit log: users, tokens, organisations and ingested documents, one hash chain
    over all (seq 1, 2, …). `subject` names what changed (`user:li`, `document:12`); no secret is logged."""

    __tablename__ = "admin_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    event: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ProgressReport(Base):
    """A progress report or a completion application (办理情况/申请办结), with attachment metadata."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # report_progress | apply_completion
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None]
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class ReminderRow(Base):
    """A chase (催办) to one unit, and what became of sending it to the unit's webhook."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    delivery: Mapped[str] = mapped_column(String(16), index=True)  # none | pending | sent | failed
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]


class RatingRow(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class Instruction(Base):
    """A leader's instruction (批示) on an item."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class InstructionAnswer(Base):
    """A unit's answer to a leader's instruction (批示), made by the item's event at `version`."""

    __tablename__ = "instruction_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("instructions.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


# -- users ------------------------------------------------------------------------------------------

class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # A session cookie carries the generation it was signed in under; raising it ends every session of
    # the user on the server (logout, sign-out everywhere, deactivation).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A bearer token for integrations: only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


# -- office documents and assessment (luoshi.store.numbering, luoshi.store.assessment) ----------------------

class DocumentCounter(Base):
    """The last number given in a series of the office's documents in a year (督字〔2026〕N号): one row per
    series and year, raised in the transaction that records the document, so numbers have no gaps or twins."""

    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IssuedDocument(Base):
    """A numbered document the office issued: a 督办单 for one item, a 督办通知 for overdue items."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("series", "year", "number"), Index("ix_issued_documents_kind_item", "kind",
                                                                          "item_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # supervision_order | overdue_notice
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the items a notice names
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(100))


class AssessmentFormula(Base):
    """The office's assessment rule (考核办法): a weight per measure and a base score, by name."""

    __tablename__ = "assessment_formulas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
# -- background jobs --------------------------------------------------------------------------------

class JobRow(Base):
    """A piece of work done outside the request that asked for it (`luoshi.jobs`): queued, claimed by one
    runner at a time (a lease that expires if the runner dies), its progress shown while it runs."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # an upload waiting for its job; dropped after
