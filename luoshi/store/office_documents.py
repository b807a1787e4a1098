"""The documents an office files, from the database: the 督办单 of an item and the 督办通知 of overdue items,
numbered 督字〔年份〕N号 per year without gaps or twins; the 办结报告单 of a completed item; and the dossier of
one item (一事一档) as a ZIP. The layouts are `luoshi.exports.office_documents`'.

Numbers come from one counter row per series and year, raised in the transaction that records the
document (`issued_documents`): a failed transaction gives its number back, and two offices issuing at once
wait for each other on the row (PostgreSQL's row lock, SQLite's one writer), so no number is given twice.
An item's 督办单 keeps its number: asked again, it is made again with the same one.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luoshi import glossary
from luoshi.errors import StoreError
from luoshi.exports.office_documents import (CompletionSheet, OrderSheet, OverdueNotice, completion_docx,
                                             document_number, notice_docx, order_docx)
from luoshi.exports.rows import OverdueRow
from luoshi.ledger import Actor, ExtensionStatus, InvalidTransition, Item, PermissionDenied, State
from luoshi.ledger.actors import OFFICE
from luoshi.settings import Settings, get_settings
from luoshi.store import items as store
from luoshi.store.models import DocumentCounter, IssuedDocument, User

SERIES = "督字"
ORDER, NOTICE = "supervision_order", "overdue_notice"
DEFAULT_ISSUER = "县人民政府督查室"
NOTICE_MAX = 2000


@dataclass(frozen=True)
class Issued:
    kind: str
    series: str
    year: int
    seq: int
    issued_at: datetime

    @property
    def number(self) -> str:
        return document_number(self.series, self.year, self.seq)


# -- numbers ---------------------------------------------------------------------------------------

def next_number(session: Session, *, series: str, year: int) -> int:
    """The next number of `series` in `year`, counted in the caller's transaction (commit to keep it)."""
    for _ in range(3):
        raised = session.execute(update(DocumentCounter)
                                 .where(DocumentCounter.series == series, DocumentCounter.year == year)
                                 .values(last=DocumentCounter.last + 1).returning(DocumentCounter.last)
                                 .execution_options(synchronize_session=False)).scalar()
        if raised is not None:
            return int(raised)
        try:
            with session.begin_nested():  # the year's first number; another writer may be making it too
                session.add(DocumentCounter(series=series, year=year, last=1))
            return 1
        except IntegrityError:
            continue  # it did: raise theirs
    raise StoreError("文号计数器暂时无法更新；请稍后重试")


def issue(session: Session, *, kind: str, actor: Actor, now: datetime, settings: Settings, item_id: int | None = None,
          items: Sequence[int] = (), series: str = SERIES) -> Issued:
    """Record a numbered document of `kind` issued now (year: the office's today), in the caller's transaction."""
    year = store.today_in(settings, now).year
    seq = next_number(session, series=series, year=year)
    session.add(IssuedDocument(series=series, year=year, number=seq, kind=kind, item_id=item_id, items=list(items),
                               issued_at=now, issued_by=actor.id))
    session.flush()
    return Issued(kind, series, year, seq, now)


def _issued_for(session: Session, kind: str, item_id: int) -> Issued | None:
    row = session.scalars(select(IssuedDocument).where(IssuedDocument.kind == kind, IssuedDocument.item_id == item_id)
                          .order_by(IssuedDocument.id)).first()
    return None if row is None else Issued(row.kind, row.series, row.year, row.number, row.issued_at)


def issued_documents(session: Session, *, item_id: int) -> list[Issued]:
    rows = session.scalars(select(IssuedDocument).where(IssuedDocument.item_id == item_id).order_by(IssuedDocument.id))
    return [Issued(r.kind, r.series, r.year, r.number, r.issued_at) for r in rows]


def _office_only(actor: Actor, what: str) -> None:
    if actor.role not in OFFICE:
        raise PermissionDenied(f"只有督查室可以{what}")


# -- the 督办单 -----------------------------------------------------------------------------------------

def _source(view: store.ItemView) -> str:
    doc = view.document
    name = (doc.title or doc.name) if doc else ""
    sentence = (view.source_text or "").strip()
    if name and sentence:
        return f"《{name}》：{sentence}"
    return f"《{name}》" if name else sentence


def _names(view: store.ItemView, units: Sequence[str]) -> tuple[str, ...]:
    return tuple(view.units.get(u, u) for u in units)


def supervision_order(session: Session, *, item_id: int, actor: Actor, issuer: str = DEFAULT_ISSUER,
                      settings: Settings | None = None, now: datetime | None = None) -> tuple[Issued, bytes]:
    """The 督办单 of a handed-out item as DOCX, with its number (given on first issue, kept after); commits."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    _office_only(actor, "签发督办单")
    view = store.get_item(session, item_id=item_id, actor=actor, settings=settings, now=now)
    if view.item.assigned_at is None or view.item.state is State.CANCELLED:
        raise InvalidTransition("该事项尚未交办或已撤销，交办后才能签发督办单")
    issued = _issued_for(session, ORDER, view.id)
    if issued is None:
        issued = issue(session, kind=ORDER, actor=actor, now=now, settings=settings, item_id=view.id)
        session.commit()
    item = view.item
    sheet = OrderSheet(number=issued.number, title=item.title, text=item.text, source=_source(view),
                       lead_units=_names(view, item.lead_units), co_units=_names(view, item.co_units), due=item.due,
                       issuer=issuer or DEFAULT_ISSUER, issued=issued.issued_at.astimezone(settings.zone).date())
    return issued, order_docx(sheet)


# -- the 督办通知 ---------------------------------------------------------------------------------------

def overdue_rows(session: Session, *, actor: Actor, settings: Settings, now: datetime,
                 unit: int | str | None = None) -> tuple[list[int], list[OverdueRow]]:
    """The items overdue today (the ledger's red, of `unit` if given), one row per lead unit."""
    today = store.today_in(settings, now)
    ids, rows, number = [], [], 1
    while True:
        result = store.list_items(session, actor=actor, warning="red", unit=unit, sort="due", page=number,
                                  per_page=store.PER_PAGE_MAX, settings=settings, now=now)
        for view in result.rows:
            ids.append(view.id)
            for name in _names(view, view.item.lead_units) or ("未定牵头单位",):
                rows.append(OverdueRow(name, view.item.title, view.item.due, (today - view.item.due).days))
        if number >= result.pages or len(ids) >= NOTICE_MAX:
            return ids, rows
        number += 1


def overdue_notice(session: Session, *, actor: Actor, unit: int | str | None = None, issuer: str = DEFAULT_ISSUER,
                   settings: Settings | None = None, now: datetime | None = None) -> tuple[Issued, bytes]:
    """A new 督办通知 of the items overdue today (of one unit, or all), numbered; commits."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    _office_only(actor, "签发督办通知")
    ids, rows = overdue_rows(session, actor=actor, settings=settings, now=now, unit=unit)
    if not ids:
        raise InvalidTransition("当前没有逾期未办结的督办事项，无需签发督办通知")
    issued = issue(session, kind=NOTICE, actor=actor, now=now, settings=settings, items=ids)
    session.commit()
    today = store.today_in(settings, now)
    return issued, notice_docx(OverdueNotice(issued.number, issuer or DEFAULT_ISSUER, today, today, tuple(rows)))


# -- the 办结报告单 -------------------------------------------------------------------------------------

def timeliness(item: Item, closed_on: date | None, settings: Settings) -> str:
    """How the item was completed against its due dates: an extension granted after the item was overdue
    does not make it on time (as the assessment counts it)."""
    if closed_on is None:
        return "待审核"
    late_grant = any(e.status is ExtensionStatus.APPROVED and e.previous_due is not None and e.decided_at is not None
                     and e.decided_at.astimezone(settings.zone).date() > e.previous_due for e in item.extensions)
    if item.due is not None and closed_on > item.due:
        return f"逾期办结（逾期{(closed_on - item.due).days}天）"
    if late_grant:
        return "逾期后获批延期，在延期时限内办结（不计按期办结）"
    return "按期办结"


def completion_report(session: Session, *, item_id: int, actor: Actor, issuer: str = DEFAULT_ISSUER,
                      settings: Settings | None = None, now: datetime | None = None) -> bytes:
    """The 办结报告单 of an item done or asked to be closed, as DOCX, for whoever may see the item."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    view = store.get_item(session, item_id=item_id, actor=actor, settings=settings, now=now)
    item = view.item
    if item.state not in (State.DONE, State.COMPLETION_REQUESTED):
        raise InvalidTransition("该事项尚未申请办结，申请办结或办结后才能生成办结报告单")
    reports = store.progress_reports(session, item_id=item_id, actor=actor)
    applied = [r for r in reports if r.kind == "apply_completion"]
    events = store.item_history(session, item_id=item_id, actor=actor)
    approved = [e for e in events if e.type == "approve"]
    zone = settings.zone
    closed_on = item.closed_at.astimezone(zone).date() if item.state is State.DONE and item.closed_at else None
    sheet = CompletionSheet(
        title=item.title, text=item.text, source=_source(view), lead_units=_names(view, item.lead_units),
        co_units=_names(view, item.co_units),
        assigned_on=item.assigned_at.astimezone(zone).date() if item.assigned_at else None, due=item.due,
        closed_on=closed_on, timeliness=timeliness(item, closed_on, settings),
        report=applied[-1].text if applied else "",
        attachments=tuple(a.get("name", "") for r in reports for a in r.attachments if a.get("name")),
        decision=(approved[-1].data.get("note") or "同意办结") if approved else "",
        rating=item.rating.label if item.rating else "", issuer=issuer or DEFAULT_ISSUER,
        issued=store.today_in(settings, now))
    return completion_docx(sheet)


# -- the dossier (一事一档) --------------------------------------------------------------------------------

AttachmentSource = Callable[[Session, int], list[tuple[str, bytes]]]


def stored_attachments(session: Session, item_id: int) -> list[tuple[str, bytes]]:
    """The files of an item's reports, as (name, bytes). Reports record attachment names only today; when
    evidence files are stored, this is the one place that reads them for the dossier."""
    return []


def _label(event_type: str) -> str:
    try:
        return glossary.zh(f"action.{event_type}")
    except KeyError:
        return event_type


def _facts(data: dict[str, Any]) -> str:
    parts = []
    for key, label in (("due", "期限"), ("reason", "理由"), ("text", "内容"), ("note", "意见"), ("percent", "进度"),
                       ("rating", "评价"), ("requested_due", "申请期限")):
        value = data.get(key)
        if value not in (None, "", [], ()):
            parts.append(f"{label}：{value}{'%' if key == 'percent' else ''}")
    if data.get("attachments"):
        parts.append(f"附件：{'、'.join(data['attachments'])}")
    return "；".join(parts)


def dossier(session: Session, *, item_id: int, actor: Actor, settings: Settings | None = None,
            now: datetime | None = None, attachments: AttachmentSource = stored_attachments) -> bytes:
    """One item's file (一事一档) as a ZIP: a summary (DOCX) with its facts, source passage, every step and
    every report; the source passage as text; the audit events as JSON; the issued 督办单 and the 办结报告单
    when there are; and the reports' files (`attachments`), each under 附件/."""
    from luoshi.exports.office_documents import dossier_docx

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    view = store.get_item(session, item_id=item_id, actor=actor, settings=settings, now=now)
    item, zone = view.item, settings.zone
    events = store.item_history(session, item_id=item_id, actor=actor)
    reports = store.progress_reports(session, item_id=item_id, actor=actor)
    people = dict(session.execute(select(User.username, User.display_name)
                                  .where(User.username.in_({e.actor for e in events}))).all())
    steps = [(e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), people.get(e.actor) or e.actor, _label(e.type),
              e.to_state.label, _facts(e.data)) for e in events]
    files = attachments(session, view.id)
    listed = [a.get("name", "") for r in reports for a in r.attachments if a.get("name")]
    summary = dossier_docx(
        title=item.title, facts=[("事项", item.title), ("事项内容", item.text or item.title), ("来源", _source(view) or "—"),
                                 ("牵头单位", "、".join(_names(view, item.lead_units)) or "—"),
                                 ("配合单位", "、".join(_names(view, item.co_units)) or "—"),
                                 ("完成时限", str(item.due or "—")), ("状态", item.state.label),
                                 ("进度", f"{item.progress}%")],
        steps=steps,
        reports=[(r.at.astimezone(zone).strftime("%Y-%m-%d"), "申请办结" if r.kind == "apply_completion" else "进展报送",
                  r.text, "、".join(a.get("name", "") for a in r.attachments)) for r in reports],
        missing=[n for n in listed if n not in {name for name, _ in files}], generated=store.today_in(settings, now))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("01-事项档案.docx", summary)
        z.writestr("02-原文出处.txt", (_source(view) or "（该事项为手工录入，无原文出处）") + "\n")
        z.writestr("03-办理记录.json", json.dumps([{"seq": e.seq, **e.data} for e in events], ensure_ascii=False,
                                              indent=2, default=str))
        if actor.role in OFFICE and _issued_for(session, ORDER, view.id) is not None:
            z.writestr("04-督办单.docx", supervision_order(session, item_id=view.id, actor=actor, settings=settings,
                                                        now=now)[1])
        if item.state in (State.DONE, State.COMPLETION_REQUESTED):
            z.writestr("05-办结报告单.docx", completion_report(session, item_id=view.id, actor=actor,
                                                           settings=settings, now=now))
        for name, data in files:
            z.writestr(f"附件/{name}", data)
    return out.getvalue()
