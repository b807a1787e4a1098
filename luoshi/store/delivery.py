"""Promise versus delivery in the database: links from the targets of year Y to the results a later work
report states for Y, proposed by `luoshi.ledger.delivery.match` and confirmed or rejected by the office.

Proposals are brought up to date whenever a work report is tracked (`propose_links`, from `track_report`):
a review report is paired with the plan report of the same government, and its results matched to that
report's targets; a confirmation or rejection goes into the audit log and is never undone by a proposal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import Actor, Conflict, InvalidTransition
from luoshi.ledger.delivery import Claim, Verdict, match, results_of
from luoshi.ledger.targets import Bound, Target
from luoshi.settings import Settings
from luoshi.store.audit import append_admin
from luoshi.store.items import DocumentRef, utcnow
from luoshi.store.models import Document
from luoshi.store.targets import _documents, _require_office, to_target
from luoshi.store.tracking import DeliveryLinkRow, TargetRow

PROPOSED, CONFIRMED, REJECTED = "proposed", "confirmed", "rejected"
LINK_STATES = (PROPOSED, CONFIRMED, REJECTED)


@dataclass(frozen=True)
class Sentence:
    """One side of a link as shown side by side: the document, where in it, and the words."""

    document: DocumentRef | None
    span: tuple[int, int] | None
    path: str | None
    text: str


@dataclass(frozen=True)
class LinkView:
    id: int
    year: int
    target: Target
    promise: Sentence
    result: Sentence
    result_value: Decimal | None
    result_unit: str | None
    score: int
    reasons: list[str]
    verdict: Verdict
    rule: str
    state: str
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    version: int


@dataclass(frozen=True)
class Delivery:
    """A year's promises: the links proposed or decided, and the targets no result was linked to
    (not reported, or reported in words the rules missed)."""

    year: int
    links: list[LinkView]
    unlinked: list[Target]

    @property
    def linked_share(self) -> float:
        total = len({link.target.id for link in self.links if link.state != REJECTED}) + len(self.unlinked)
        return 0.0 if not total else 1 - len(self.unlinked) / total


# -- proposing -------------------------------------------------------------------------------------------

def claim_of(row: TargetRow) -> Claim:
    span = (row.span_start, row.span_end) if row.span_start is not None and row.span_end is not None else None
    return Claim(kind=row.kind, text=row.text, indicator=row.indicator,
                 value=Decimal(row.value) if row.value is not None else None, unit=row.unit, measure=row.measure,
                 value_max=Decimal(row.value_max) if row.value_max is not None else None,
                 bound=Bound(row.bound) if row.bound else None, year=row.year, document=str(row.document_id),
                 span=span, path=row.source_path)


def reviews_of(session: Session, year: int) -> list[Document]:
    """The latest version of every stored work report that reviews `year`."""
    superseded = select(Document.previous_id).where(Document.previous_id.isnot(None))
    return list(session.scalars(select(Document).where(Document.doc_type == "work_report",
                                                       Document.record["review_year"].as_integer() == year,
                                                       Document.id.not_in(superseded)).order_by(Document.id)))


ORDINALS = re.compile(r"第[一二三四五六七八九十百零〇\d]+(?:届|次)|会议|上$")


def series(record: dict[str, Any] | None) -> str | None:
    """Which government's reports a report belongs to, from the assembly it was made to, without the term
    and session (`青溪县第十八届人民代表大会第三次会议` → `青溪县人民代表大会`); None when the record does not say."""
    occasion = "".join(((record or {}).get("occasion") or "").split())
    return ORDINALS.sub("", occasion) or None


MIN_PAIR = 3  # links a plan report and a review report must share to be taken for the same government's


@dataclass
class _Pair:
    review: Document
    plan: str  # the plan report's file name: all its versions' targets
    matches: list[Any]
    fixed: bool  # a link between them was already confirmed or rejected


def propose_links(session: Session, *, year: int, actor: Any = None, now: datetime | None = None,
                  settings: Settings | None = None, commit: bool = True) -> int:
    """Bring the proposed links of `year` up to date with the reports stored, and return how many are new.

    Each report reviewing `year` is paired with the plan report of the same government (by the assembly
    they were made to, when both say) whose targets its results answer most (at least MIN_PAIR links),
    each report used once; a pair with a decided link stays a pair. Proposals are `delivery.match` over
    each pair, leaving out the targets and results decided already; a proposal no pair makes any longer is
    withdrawn (deleted), one already there is kept as it is.
    """
    now = now or utcnow()
    links = session.scalars(select(DeliveryLinkRow).where(DeliveryLinkRow.year == year)).all()
    targets = session.execute(select(TargetRow, Document.name).join(Document, Document.id == TargetRow.document_id)
                              .where(TargetRow.year == year).order_by(TargetRow.document_id, TargetRow.id)).all()
    plans: dict[str, list[TargetRow]] = {}
    for row, name in targets:
        plans.setdefault(name, []).append(row)
    pairs = _pairs(session, reviews_of(session, year), plans, links, year)
    wanted = {(row_id, pair.review.id): (pair.review, m) for pair in pairs for row_id, m in pair.matches}
    stale = [link for link in links
             if link.state == PROPOSED and (link.target_id, link.result_document_id) not in wanted]
    for link in stale:
        session.delete(link)
    session.flush()
    have = {(link.target_id, link.result_document_id): link for link in links if link not in stale}
    added = 0
    for (row_id, _), (review, m) in wanted.items():
        old = have.get((row_id, review.id))
        if old is not None and old.result_path == m.result.path:
            continue
        if old is not None:  # the same target, now answered by another result of the report
            session.delete(old)
            session.flush()
        session.add(_link_row(row_id, review, year, m, now))
        added += 1
    session.flush()
    if added or stale:
        append_admin(session, type="delivery_proposed", actor=actor, subject=f"delivery:{year}", at=now,
                     settings=settings, data={"year": year, "proposed": added, "withdrawn": [s.id for s in stale]})
    if commit:
        session.commit()
    return added


def _pairs(session: Session, reviews: list[Document], plans: dict[str, list[TargetRow]],
           links: Sequence[DeliveryLinkRow], year: int) -> list[_Pair]:
    """The (review, plan) pairs with their matches: decided pairs first, then the best-matched, greedily."""
    decided = [link for link in links if link.state != PROPOSED]
    plan_of = {row.id: name for name, rows in plans.items() for row in rows}
    fixed = {(link.result_document_id, plan_of.get(link.target_id)) for link in decided}
    candidates = []
    for review in reviews:
        key = series(review.record)
        for name, rows in plans.items():
            plan_key = series(session.get(Document, rows[0].document_id).record)  # type: ignore[union-attr]
            if name == review.name or (key and plan_key and key != plan_key and (review.id, name) not in fixed):
                continue
            found = _match(session, review, rows, [d for d in decided if d.result_document_id == review.id], year)
            if (review.id, name) in fixed or len(found) >= MIN_PAIR:
                candidates.append(_Pair(review, name, found, (review.id, name) in fixed))
    candidates.sort(key=lambda p: (not p.fixed, -len(p.matches), p.review.id, p.plan))
    chosen, reviews_used, plans_used = [], set(), set()
    for pair in candidates:
        if pair.fixed or (pair.review.id not in reviews_used and pair.plan not in plans_used):
            chosen.append(pair)
            reviews_used.add(pair.review.id)
            plans_used.add(pair.plan)
    return chosen


def _match(session: Session, review: Document, rows: list[TargetRow], decided: list[DeliveryLinkRow],
           year: int) -> list[tuple[int, Any]]:
    """`delivery.match` of the plan's targets (those not decided against this review) and the review's
    results for `year` (those not confirmed for another target), as (target id, match)."""
    closed = {d.target_id for d in decided}
    used = {d.result_path for d in decided if d.state == CONFIRMED}
    open_rows = [r for r in rows if r.id not in closed]
    claims = [claim_of(r) for r in open_rows]
    row_of = {id(c): r.id for c, r in zip(claims, open_rows)}
    results = [c for c in results_of(review.record or {}, year) if c.path not in used]
    glossary = list((review.record or {}).get("glossary") or [])
    for doc_id in sorted({r.document_id for r in open_rows}):
        doc = session.get(Document, doc_id)
        glossary += ((doc.record or {}).get("glossary") or []) if doc else []
    return [(row_of[id(m.promise)], m) for m in match(claims, results, glossary=glossary)]


def _link_row(target_id: int, review: Document, year: int, m: Any, now: datetime) -> DeliveryLinkRow:
    span = m.result.span
    return DeliveryLinkRow(
        target_id=target_id, year=year, result_document_id=review.id, result_path=m.result.path,
        result_text=m.result.text, result_span_start=span[0] if span else None,
        result_span_end=span[1] if span else None,
        result_value=format(m.result.value.normalize(), "f") if m.result.value is not None else None,
        result_unit=m.result.unit, score=m.score, reasons=list(m.reasons), verdict=m.verdict.value, rule=m.rule,
        state=PROPOSED, version=1, created_at=now)


# -- reading -----------------------------------------------------------------------------------------

def _view(link: DeliveryLinkRow, target: TargetRow, docs: dict[int, DocumentRef]) -> LinkView:
    def span(a: int | None, b: int | None) -> tuple[int, int] | None:
        return (a, b) if a is not None and b is not None else None

    return LinkView(
        link.id, link.year, to_target(target),
        Sentence(docs.get(target.document_id), span(target.span_start, target.span_end), target.source_path,
                 target.text),
        Sentence(docs.get(link.result_document_id), span(link.result_span_start, link.result_span_end),
                 link.result_path, link.result_text),
        Decimal(link.result_value) if link.result_value is not None else None, link.result_unit, link.score,
        list(link.reasons), Verdict(link.verdict), link.rule, link.state, link.decided_by, link.decided_at, link.note,
        link.version)


def list_delivery(session: Session, *, year: int, state: str | None = None) -> Delivery:
    """The promises of `year` side by side with the results linked to them (in the order of the promise
    report), and the targets without a link (rejected links leave their target unlinked)."""
    if state is not None and state not in LINK_STATES:
        raise _bad_state(state)
    targets = session.scalars(select(TargetRow).where(TargetRow.year == year)
                              .order_by(TargetRow.document_id, TargetRow.kind.desc(), TargetRow.id)).all()
    order = {t.id: i for i, t in enumerate(targets)}
    by_id = {t.id: t for t in targets}
    links = session.scalars(select(DeliveryLinkRow).where(DeliveryLinkRow.year == year)).all()
    links = sorted(links, key=lambda link: (order.get(link.target_id, 0), link.id))
    docs = _documents(session, {t.document_id for t in targets} | {link.result_document_id for link in links})
    live = {link.target_id for link in links if link.state != REJECTED}
    shown = [_view(link, by_id[link.target_id], docs) for link in links if state is None or link.state == state]
    return Delivery(year, shown, [to_target(t) for t in targets if t.id not in live])


def get_link(session: Session, *, link_id: int | str) -> LinkView:
    link = _link(session, link_id)
    target = session.get(TargetRow, link.target_id)
    assert target is not None
    return _view(link, target, _documents(session, {target.document_id, link.result_document_id}))


def _link(session: Session, link_id: int | str) -> DeliveryLinkRow:
    try:
        key = int(link_id)
    except (TypeError, ValueError):
        raise NotFound.of("link") from None
    link = session.scalars(select(DeliveryLinkRow).where(DeliveryLinkRow.id == key)
                           .execution_options(populate_existing=True)).first()
    if link is None:
        raise NotFound.of("link")
    return link


def _bad_state(state: str) -> Exception:
    from luoshi.ledger import InvalidValue

    return InvalidValue(f"状态“{state}”无法识别：可选{'、'.join(LINK_STATES)}", "state")


# -- deciding ----------------------------------------------------------------------------------------

LINK_STALE = "这条对照已被他人处理，请刷新后重试"


def _decide(session: Session, link_id: int | str, actor: Actor, to: str, expected_version: int | None,
            note: str | None, settings: Settings | None, now: datetime | None) -> LinkView:
    _require_office(actor, f"{'确认' if to == CONFIRMED else '驳回'}承诺兑现对照")
    now = now or utcnow()
    link = _link(session, link_id)
    if expected_version is not None and expected_version != link.version:
        raise Conflict(LINK_STALE)
    if link.state != PROPOSED:
        raise InvalidTransition("这条对照已经处理过：只有待核实的对照可以确认或驳回，请刷新后查看")
    done = session.execute(update(DeliveryLinkRow).where(DeliveryLinkRow.id == link.id,
                                                         DeliveryLinkRow.version == link.version)
                           .values(state=to, decided_by=actor.id, decided_at=now, note=note, version=link.version + 1)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.rollback()
        raise Conflict(LINK_STALE)
    append_admin(session, type=f"delivery_link_{to}", actor=actor, subject=f"delivery_link:{link.id}", at=now,
                 settings=settings, data={"target_id": link.target_id, "verdict": link.verdict, "from_state": PROPOSED,
                                          "to_state": to, "note": note, "version": link.version + 1})
    session.commit()
    return get_link(session, link_id=link.id)


def confirm_link(session: Session, *, link_id: int | str, actor: Actor, expected_version: int | None = None,
                 note: str | None = None, settings: Settings | None = None, now: datetime | None = None) -> LinkView:
    """The office confirms a proposed link (the result does answer the promise). Commits."""
    return _decide(session, link_id, actor, CONFIRMED, expected_version, note, settings, now)


def reject_link(session: Session, *, link_id: int | str, actor: Actor, expected_version: int | None = None,
                note: str | None = None, settings: Settings | None = None, now: datetime | None = None) -> LinkView:
    """The office rejects a proposed link (the result answers something else); its target shows unlinked."""
    return _decide(session, link_id, actor, REJECTED, expected_version, note, settings, now)
