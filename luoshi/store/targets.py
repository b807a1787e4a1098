"""Targets in the database: tracking a work report's targets and commitments, the units responsible, the
actual values units enter or the office imports (CSV/XLSX, all rows or none), and the status against plan.

The rules are `luoshi.ledger.targets`'; a target's id in them is `str(row.id)`, a unit's `str(organisation.id)`.
Write functions commit unless told not to (`commit=False`, for ingest's own transaction).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import any_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import Actor, InvalidValue, PermissionDenied, Role, SourceRef
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.targets import (TEMPLATE_COLUMNS, Actual, Bound, Period, RowError, Status, Target, TargetKind,
                                   TargetStatus, fmt, status, template_header, template_rows, validate_actuals)
from luoshi.settings import Settings, get_settings
from luoshi.keys import session_secret
from luoshi.store import paging, search_index
from luoshi.store.audit import append_admin
from luoshi.store.items import DocumentRef, today_in, unit_ids, utcnow
from luoshi.store.models import Document, Organisation
from luoshi.store.paging import Key, Order, Page
from luoshi.store.tracking import ActualRow, DeliveryLinkRow, TargetRow, TargetUnit, Tracked

LEAD, CO = "lead", "co_operating"
PER_PAGE_MAX = 200
FORMATS = ("csv", "xlsx")
# The order of their reports: year, report, targets before commitments, then as read.
ORDER = Order("targets", (Key(TargetRow.year), Key(TargetRow.document_id), Key(TargetRow.kind, True),
                          Key(TargetRow.id)))


def _system() -> Actor:
    from luoshi.ingest import INGEST_ACTOR

    return INGEST_ACTOR


# -- what the web gets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActualView:
    id: int
    period: Period
    value: Decimal
    note: str | None
    entered_by: str
    entered_at: datetime
    source: str  # form | import


@dataclass(frozen=True)
class TargetView:
    """A target with its status today, its document, the names of its units (`units[id] = name`) and,
    from `get_target`, its actual values (oldest first) and its source sentence."""

    target: Target
    status: TargetStatus
    document: DocumentRef | None
    units: dict[str, str]
    actuals: list[ActualView] | None = None
    source_text: str | None = None
    editable: bool = False  # the viewer may enter actual values

    @property
    def id(self) -> int:
        return int(self.target.id)


TargetPage = Page[TargetView]


class ImportRejected(InvalidValue):
    """An import with faulty rows: nothing was imported; `errors` name each row and column (HTTP 422)."""

    def __init__(self, errors: Sequence[RowError]):
        lines = [f"row {e.row}, column {e.column}: {e.message}" for e in errors]
        super().__init__(f"nothing imported: {len(errors)} problem{'s' if len(errors) != 1 else ''} — "
                         + "; ".join(lines), errors[0].column if errors else "rows")
        self.errors = list(errors)


# -- rows ↔ ledger targets ------------------------------------------------------------------------------

def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def to_target(row: TargetRow) -> Target:
    """The ledger's `Target` of a row (with its units loaded)."""
    source = None
    if row.span_start is not None and row.span_end is not None:
        source = SourceRef(str(row.document_id), (row.span_start, row.span_end), row.source_path)
    return Target(id=str(row.id), indicator=row.indicator, value=_dec(row.value), unit=row.unit, year=row.year,
                  measure=row.measure, value_max=_dec(row.value_max), bound=Bound(row.bound) if row.bound else None,
                  kind=TargetKind(row.kind), text=row.text, source=source,
                  lead_units=tuple(str(u.organisation_id) for u in row.units if u.role == LEAD),
                  co_units=tuple(str(u.organisation_id) for u in row.units if u.role == CO))


def to_actual(row: ActualRow) -> Actual:
    return Actual(target_id=str(row.target_id), period=Period.parse(row.period), value=Decimal(row.value),
                  entered_by=row.entered_by, at=row.entered_at, note=row.note)


def fingerprint(kind: str, year: int, text: str) -> str:
    """A target's identity across versions of its report: kind, year and sentence, whitespace ignored."""
    return hashlib.sha256(f"{kind}\0{year}\0{''.join(text.split())}".encode("utf-8")).hexdigest()


# -- tracking a work report --------------------------------------------------------------------------

def _pledges(doc: Document) -> list[Target]:
    """The report's targets and commitments as ledger targets (a record without a year is skipped)."""
    record = doc.record or {}
    out = []
    for kind in ("targets", "commitments"):
        for i, rec in enumerate(record.get(kind) or []):
            try:
                out.append(Target.from_record(rec, id=f"{kind}[{i}]", year=record.get("plan_year"), kind=kind[:-1],
                                              document=str(doc.id), path=f"{kind}[{i}]"))
            except InvalidValue:
                continue
    return out


def _known(session: Session, doc: Document) -> set[str]:
    """Fingerprints of the targets this document or an earlier version of it already gave."""
    rows = session.scalars(select(TargetRow.fingerprint).join(Document, Document.id == TargetRow.document_id)
                           .where(Document.name == doc.name))
    return set(rows)


def track_report(session: Session, *, document: Document | int, actor: Actor | None = None,
                 now: datetime | None = None, settings: Settings | None = None, commit: bool = True) -> Tracked:
    """Turn a stored work report's targets and commitments into tracked targets, then propose delivery
    links: for the year the report reviews (its results against that year's targets) and for its plan
    year (when a later report reviewing it is already stored).

    Idempotent: a target this document or an earlier version of it already gave is `kept`, not repeated.
    """
    from luoshi.store.delivery import propose_links

    doc = _document(session, document)
    now, actor = now or utcnow(), actor or _system()
    result = Tracked()
    if doc.doc_type != "work_report":
        return result
    known = _known(session, doc)
    for t in _pledges(doc):
        key = fingerprint(t.kind.value, t.year, t.text)
        if key in known:
            result.kept += 1
            continue
        known.add(key)
        row = TargetRow(kind=t.kind.value, year=t.year, indicator=t.indicator, measure=t.measure,
                        value=_text(t.value), value_max=_text(t.value_max), unit=t.unit,
                        bound=t.bound.value if t.bound else None, text=t.text, document_id=doc.id,
                        span_start=t.source.span[0] if t.source else None,
                        span_end=t.source.span[1] if t.source else None, source_path=t.id,
                        fingerprint=key, version=1, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        result.inserted += 1
        result.ids.append(row.id)
    if result.inserted:
        append_admin(session, type="targets_tracked", actor=actor, subject=f"document:{doc.id}", at=now,
                     settings=settings, data={"inserted": result.ids, "kept": result.kept})
    record = doc.record or {}
    for year in {record.get("review_year"), record.get("plan_year")} - {None}:
        result.proposed += propose_links(session, year=year, actor=actor, now=now, settings=settings, commit=False)
    if commit:
        session.commit()
    return result


def _document(session: Session, document: Document | int) -> Document:
    doc = document if isinstance(document, Document) else session.get(Document, int(document))
    if doc is None:
        raise NotFound.of("document")
    return doc


# -- reading ------------------------------------------------------------------------------------------

def _row(session: Session, target_id: int | str) -> TargetRow:
    try:
        key = int(target_id)
    except (TypeError, ValueError):
        raise NotFound.of("target") from None
    row = session.scalars(select(TargetRow).where(TargetRow.id == key)
                          .execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFound.of("target")
    return row


def _actuals(session: Session, target_ids: Iterable[int]) -> dict[int, list[ActualRow]]:
    ids = list(target_ids)
    out: dict[int, list[ActualRow]] = {i: [] for i in ids}
    if ids:
        for a in session.scalars(select(ActualRow).where(ActualRow.target_id.in_(ids))
                                 .order_by(ActualRow.entered_at, ActualRow.id)):
            out[a.target_id].append(a)
    return out


def _names(session: Session, targets: Iterable[Target]) -> dict[str, str]:
    ids = {int(u) for t in targets for u in t.lead_units + t.co_units}
    if not ids:
        return {}
    return {str(i): n for i, n in session.execute(select(Organisation.id, Organisation.name)
                                                   .where(Organisation.id.in_(ids)))}


def _documents(session: Session, ids: set[int]) -> dict[int, DocumentRef]:
    if not ids:
        return {}
    rows = session.execute(select(Document.id, Document.name, Document.title, Document.version)
                           .where(Document.id.in_(ids)))
    return {r.id: DocumentRef(r.id, r.name, r.title, r.version) for r in rows}


def _views(session: Session, rows: Sequence[TargetRow], today: date, *, full: bool = False,
           actor: Actor | None = None) -> list[TargetView]:
    actuals = _actuals(session, [r.id for r in rows])
    targets = [to_target(r) for r in rows]
    names = _names(session, targets)
    docs = _documents(session, {r.document_id for r in rows})
    delivered = _confirmed_links(session, [r.id for r in rows])
    out = []
    for row, t in zip(rows, targets):
        values = [to_actual(a) for a in actuals[row.id]]
        shown = [ActualView(a.id, v.period, v.value, a.note, a.entered_by, a.entered_at, a.source)
                 for a, v in zip(actuals[row.id], values)] if full else None
        text = None
        if full and row.span_start is not None and row.span_end is not None:
            text = session.scalar(select(func.substr(Document.text, row.span_start + 1, row.span_end - row.span_start))
                                  .where(Document.id == row.document_id))
        judged = status(t, values, today)
        if judged.status is Status.NO_DATA and today.year > t.year and row.id in delivered:
            judged = _as_delivered(t, delivered[row.id])
        out.append(TargetView(t, judged, docs.get(row.document_id),
                              {u: names.get(u, u) for u in t.lead_units + t.co_units}, shown, text,
                              actor is not None and may_enter(actor, t)))
    return out


def _confirmed_links(session: Session, target_ids: list[int]) -> dict[int, DeliveryLinkRow]:
    if not target_ids:
        return {}
    links = session.scalars(select(DeliveryLinkRow).where(DeliveryLinkRow.target_id.in_(target_ids),
                                                          DeliveryLinkRow.state == "confirmed")
                            .order_by(DeliveryLinkRow.decided_at))
    return {link.target_id: link for link in links if link.verdict in ("achieved", "missed")}


def _as_delivered(target: Target, link: DeliveryLinkRow) -> TargetStatus:
    """A year over without actual values: the verdict of the confirmed link to the next report's result."""
    value = Decimal(link.result_value) if link.result_value is not None and link.result_unit == target.unit else None
    verdict = Status.ACHIEVED if link.verdict == "achieved" else Status.MISSED
    return TargetStatus(verdict, f"{link.rule}（据下一年政府工作报告：{link.result_text}）", value)


def get_target(session: Session, *, target_id: int | str, actor: Actor | None = None,
               settings: Settings | None = None, now: datetime | None = None) -> TargetView:
    """One target with its status, its actual values (every entry, oldest first) and its source sentence."""
    settings = settings or get_settings()
    return _views(session, [_row(session, target_id)], today_in(settings, now), full=True, actor=actor)[0]


def target_status(session: Session, *, target_id: int | str, settings: Settings | None = None,
                  now: datetime | None = None) -> TargetStatus:
    """The target's status today by `luoshi.ledger.targets.status`, with the rule that gave it."""
    return get_target(session, target_id=target_id, settings=settings, now=now).status


def list_targets(session: Session, *, actor: Actor, year: int | None = None, unit: int | str | None = None,
                 status: str | None = None, kind: str | None = None, document: int | None = None,
                 q: str | None = None, page: int = 1, per_page: int = 50, cursor: str | None = None,
                 settings: Settings | None = None, now: datetime | None = None) -> TargetPage:
    """Targets (every role reads them: they are published in the report), filtered and paged, in the
    order of their report. `unit`: an organisation id or name (lead or co-operating); `status`: one of
    on_track, behind, achieved, missed, no_data (judged today); `kind`: target or commitment; `q`: text in
    the indicator or sentence. page: pages 1 to `paging.MAX_OFFSET_PAGE` by number; cursor: a page's
    `next_cursor` or `prev_cursor` (then `page` is ignored; InvalidCursor: not one luoshi issued for this list)."""
    settings = settings or get_settings()
    secret = session_secret(settings)
    at = paging.start(ORDER, cursor=cursor, page=page, per_page=per_page, per_page_max=PER_PAGE_MAX, secret=secret)
    conds: list[Any] = []
    if year is not None:
        conds.append(TargetRow.year == int(year))
    if kind:
        conds.append(TargetRow.kind == TargetKind(kind).value)
    if document is not None:
        conds.append(TargetRow.document_id == int(document))
    if unit not in (None, ""):
        [unit_id] = unit_ids(session, [unit], "unit")
        conds.append(_of_unit(session, int(unit_id)))
    if actor.role is Role.UNIT:  # a unit sees the targets it is responsible for, whatever the caller filters
        conds.append(_of_unit(session, int(actor.unit or 0)))
    if q:
        like = f"%{q.strip()}%"
        conds.append(or_(TargetRow.indicator.like(like), TargetRow.text.like(like)))
    stmt = select(TargetRow).where(*conds)
    today = today_in(settings, now)
    wanted = _status(status) if status else None

    def judge(rows: list[TargetRow]) -> list[tuple[TargetRow, TargetView]]:
        """The status, judged in Python (actual values against plan)."""
        return [(r, v) for r, v in zip(rows, _views(session, rows, today, actor=actor)) if v.status.status is wanted]

    return paging.listed(session, stmt, ORDER, at, page=page, per_page=per_page, secret=secret, scalars=True,
                         count=lambda: session.scalar(select(func.count(TargetRow.id)).where(*conds)),
                         views=lambda rows: _views(session, rows, today, actor=actor),
                         judge=judge if status else None)


def _of_unit(session: Session, unit_id: int) -> Any:
    """The condition for a unit's targets. On PostgreSQL its target ids are read first (an array) and the targets
    fetched by id: a unit holds a few of the targets, which a join would read whole to find."""
    ids = select(TargetUnit.target_id).where(TargetUnit.organisation_id == unit_id)
    if session.get_bind().dialect.name == "postgresql":
        return TargetRow.id == any_(func.array(ids.scalar_subquery()))
    return TargetRow.id.in_(ids)


def every_target(session: Session, **filters: Any) -> list[TargetView]:
    """Every target under `filters` (those of `list_targets`, `actor` included), page by page by cursor."""
    return paging.walk(lambda cursor: list_targets(session, per_page=PER_PAGE_MAX, cursor=cursor, **filters))


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidValue(f"状态“{value}”无法识别：可选{'、'.join(f'{s.label}（{s.value}）' for s in Status)}",
                           "status") from None


# -- the units responsible -----------------------------------------------------------------------------

def _require_office(actor: Actor, what: str) -> None:
    if actor.role not in OFFICE:
        raise PermissionDenied(f"{actor.role.label}不能{what}：只有督查室可以")


def assign_target(session: Session, *, target_id: int | str, actor: Actor, lead_units: Sequence[str | int],
                  co_units: Sequence[str | int] = (), settings: Settings | None = None,
                  now: datetime | None = None) -> TargetView:
    """Name the units responsible for a target (office only): units by id or any name; replaces the
    units named before. Commits."""
    _require_office(actor, "指定目标指标的责任单位")
    now = now or utcnow()
    row = _row(session, target_id)
    leads = unit_ids(session, lead_units, "lead_units")
    if not leads:
        raise InvalidValue("请至少指定一个牵头单位", "lead_units")
    cos = tuple(u for u in unit_ids(session, co_units, "co_units") if u not in leads)
    session.execute(delete(TargetUnit).where(TargetUnit.target_id == row.id))
    units = [(u, LEAD) for u in leads] + [(u, CO) for u in cos]
    session.execute(insert(TargetUnit), [{"target_id": row.id, "organisation_id": int(u), "role": r, "position": i}
                                         for i, (u, r) in enumerate(units)])
    row.version += 1
    row.updated_at = now
    append_admin(session, type="target_units_set", actor=actor, subject=f"target:{row.id}", at=now, settings=settings,
                 data={"lead_units": list(leads), "co_units": list(cos), "version": row.version})
    search_index.index_targets(session, [row.id])
    session.commit()
    session.expire(row)
    return get_target(session, target_id=row.id, actor=actor, settings=settings, now=now)


# -- actual values ------------------------------------------------------------------------------------

def may_enter(actor: Actor, target: Target) -> bool:
    """The office enters actual values for every target; a unit user for the targets of its unit."""
    if actor.role in OFFICE:
        return True
    return actor.role is Role.UNIT and actor.unit in target.lead_units + target.co_units


def _deny(actor: Actor, target: Target) -> PermissionDenied:
    if actor.role is Role.UNIT:
        return PermissionDenied(f"本单位不是“{target.indicator}”的责任单位，不能填报它的实际值")
    return PermissionDenied(f"{actor.role.label}不能填报实际值：只有督查室和该指标的责任单位可以")


def _store_actuals(session: Session, actuals: Sequence[Actual], source: str) -> list[ActualRow]:
    rows = [ActualRow(target_id=int(a.target_id), period=a.period.key, value=fmt(a.value), note=a.note,
                      entered_by=a.entered_by, entered_at=a.at, source=source) for a in actuals]
    session.add_all(rows)
    session.flush()
    return rows


def enter_actual(session: Session, *, target_id: int | str, actor: Actor, period: Any, value: Any,
                 unit: str | None = None, note: str | None = None, settings: Settings | None = None,
                 now: datetime | None = None) -> TargetView:
    """Enter the actual value of a target for a month (`2024-03`) or quarter (`2024-Q3`), in the target's
    unit or in `unit` (scaled: 1.7 万人 → 17000 人). Commits; returns the target with its new status.

    Raises NotFound, PermissionDenied (a unit user on another unit's target), InvalidValue naming the field.
    """
    now = now or utcnow()
    target = to_target(_row(session, target_id))
    if not may_enter(actor, target):
        raise _deny(actor, target)
    row = {"target_id": target.id, "period": period, "value": value, "unit": unit, "note": note}
    actuals, errors = validate_actuals([row], [target], entered_by=actor.id, at=now)
    if errors:
        key = {c.heading: c.key for c in TEMPLATE_COLUMNS}.get(errors[0].column, errors[0].column)
        raise InvalidValue(errors[0].message, key)
    [stored] = _store_actuals(session, actuals, "form")
    append_admin(session, type="actual_entered", actor=actor, subject=f"target:{target.id}", at=now,
                 settings=settings, data={"actual": stored.id, "period": stored.period, "value": stored.value})
    session.commit()
    return get_target(session, target_id=target.id, actor=actor, settings=settings, now=now)


@dataclass(frozen=True)
class Imported:
    """An import that went in whole: how many values, for how many targets."""

    values: int
    targets: int


def import_actuals(session: Session, *, actor: Actor, rows: Sequence[Mapping[str, Any]] | bytes,
                   fmt: str | None = None, settings: Settings | None = None, now: datetime | None = None) -> Imported:
    """Import actual values from a filled template: rows as dicts keyed by the template's headings (or
    keys), or the CSV/XLSX file's bytes (`fmt` csv or xlsx; guessed from the bytes when not given).

    All or nothing: when any row is wrong (or names a target that is not the actor's unit's), nothing is
    imported and ImportRejected lists every problem by sheet row (the header is row 1) and column.
    """
    if actor.role not in OFFICE and actor.role is not Role.UNIT:
        raise PermissionDenied(f"{actor.role.value} ({actor.role.label}) {actor.id!r} may not import actual "
                               "values; only the office and units may")
    now = now or utcnow()
    table = parse_rows(rows, fmt=fmt) if isinstance(rows, (bytes, bytearray)) else list(rows)
    targets = [to_target(r) for r in session.scalars(select(TargetRow))]
    actuals, errors = validate_actuals(table, targets, entered_by=actor.id, at=now)
    errors += _foreign(actor, table, {t.id: t for t in targets})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    if not actuals:
        raise InvalidValue("没有可导入的内容：文件中没有填写任何一行", "rows")
    stored = _store_actuals(session, actuals, "import")
    append_admin(session, type="actuals_imported", actor=actor, subject="targets", at=now, settings=settings,
                 data={"actuals": [r.id for r in stored]})
    session.commit()
    return Imported(len(stored), len({a.target_id for a in actuals}))


def _foreign(actor: Actor, table: Sequence[Mapping[str, Any]], targets: Mapping[str, Target]) -> list[RowError]:
    """Rows naming a target the actor may not enter values for."""
    heading = {c.key: c.heading for c in TEMPLATE_COLUMNS}
    ids = {heading["target_id"], "target_id"}
    out = []
    for n, row in enumerate(table, start=2):
        value = next((v for k, v in row.items() if str(k).strip() in ids), None)
        key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value or "").strip()
        target = targets.get(key)
        if target is not None and not may_enter(actor, target):
            out.append(RowError(n, heading["target_id"], value, str(_deny(actor, target))))
    return out


# -- the template and the file formats ----------------------------------------------------------------

def parse_rows(data: bytes, *, fmt: str | None = None) -> list[dict[str, Any]]:
    """The rows of a CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it in China) or of the first
    sheet of an XLSX, as dicts keyed by the header row's cells."""
    fmt = fmt or ("xlsx" if data[:2] == b"PK" else "csv")
    if fmt not in FORMATS:
        raise InvalidValue(f"没有“{fmt}”这种格式：可选{'、'.join(FORMATS)}", "fmt")
    if fmt == "xlsx":
        return _xlsx_rows(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    lines = list(csv.reader(io.StringIO(text)))
    return _keyed(lines)


def _xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise InvalidValue("文件无法作为 Excel（XLSX）工作簿读取：请用导入模板填写后另存为 .xlsx 再上传", "file") from None
    sheet = book.worksheets[0]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return _keyed(lines)


def _keyed(lines: list[list[Any]]) -> list[dict[str, Any]]:
    if not lines:
        return []
    header = [str(h).strip() if h is not None else "" for h in lines[0]]
    return [{h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h} for row in lines[1:]]


def actuals_template(session: Session, *, fmt: str = "csv", actor: Actor | None = None,
                     year: int | None = None) -> bytes:
    """The import template: the header (指标编号, 指标名称, 期间, 实际值, 单位, 备注) and one prefilled row per
    target (of `year`; of the actor's unit for a unit user), period and value left to fill. CSV is UTF-8
    with a BOM, so Excel opens the Chinese correctly."""
    if fmt not in FORMATS:
        raise InvalidValue(f"没有“{fmt}”这种格式：可选{'、'.join(FORMATS)}", "fmt")
    stmt = select(TargetRow).order_by(TargetRow.year, TargetRow.document_id, TargetRow.kind.desc(), TargetRow.id)
    if year is not None:
        stmt = stmt.where(TargetRow.year == int(year))
    targets = [to_target(r) for r in session.scalars(stmt)]
    if actor is not None and actor.role is Role.UNIT:
        targets = [t for t in targets if may_enter(actor, t)]
    lines = [template_header(), *template_rows(targets)]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(lines)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _xlsx(lines)


def _xlsx(lines: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "实际值"
    for line in lines:
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (12, 40, 14, 12, 10, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
