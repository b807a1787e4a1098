"""The exports from the database: every row of a list (ledger, targets, suggestions) that a user may see
under the list's filters, as the files of `luoshi.exports`, and the bulletin (督查通报) of a period.
The CLI and the web call these; the layouts are `luoshi.exports`'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi import exports
from luoshi.ledger import Action, Actor, InvalidValue, Role, State
from luoshi.settings import Settings, get_settings
from luoshi.store.items import to_item, today_in
from luoshi.store.models import AuditEntryRow, ItemRow, Organisation, ProgressReport
from luoshi.store.paging import walk

# The office as the CLI acts: it sees every list whole.
CLI_ACTOR = Actor("luoshi-cli", Role.SUPERVISOR, name="luoshi export")
LISTS = ("ledger", "targets", "suggestions")
PAGE = 200
MAX_ROWS = 100_000  # a guard: an export is a file a person opens, not a dump of the database


def _pages(fetch: Callable[[str | None], Any]) -> list[Any]:
    """Every row of a paged store query, following its cursors (`fetch(cursor)` → a page)."""
    return walk(fetch, limit=MAX_ROWS)


def _latest_progress(session: Session, item_ids: list[int]) -> dict[str, str]:
    """`{item id: the latest report of the current round}` for the 进展情况 column.

    A round ends when the office returns (退回) the item: a completion text it returned is not progress.
    When the unit has not reported since, its last progress report before the return still stands.
    """
    out: dict[str, str] = {}
    for start in range(0, len(item_ids), 1000):
        chunk = item_ids[start:start + 1000]
        returned = dict(session.execute(select(AuditEntryRow.item_id, func.max(AuditEntryRow.seq))
                                        .where(AuditEntryRow.item_id.in_(chunk),
                                               AuditEntryRow.type == Action.RETURN.value)
                                        .group_by(AuditEntryRow.item_id)).all())
        rows = session.execute(select(ProgressReport.item_id, ProgressReport.version, ProgressReport.kind,
                                      ProgressReport.text)
                               .where(ProgressReport.item_id.in_(chunk)).order_by(ProgressReport.version))
        for item_id, version, kind, text in rows:
            if version > returned.get(item_id, 0) or kind == Action.REPORT_PROGRESS.value:
                out[str(item_id)] = text
    return out


def ledger_rows(session: Session, *, actor: Actor, settings: Settings | None = None, now: datetime | None = None,
                include_drafts: bool = False, **filters: Any) -> list[exports.LedgerRow]:
    """The ledger's rows under `filters` (those of `luoshi.store.items.list_items`), in the ledger's order.

    Drafts (待确认) are nobody's work yet: they are left out unless `include_drafts` or a `state` filter
    asks for them."""
    from luoshi.store.items import PER_PAGE_MAX, list_items

    filters.setdefault("sort", "due")
    if not include_drafts and not filters.get("state"):
        filters["state"] = [s.value for s in State if s is not State.DRAFT]
    views = _pages(lambda c: list_items(session, actor=actor, cursor=c, per_page=PER_PAGE_MAX, settings=settings,
                                        now=now, **filters))
    progress = _latest_progress(session, [v.id for v in views])
    return exports.ledger_rows_from_views(views, progress=progress, subtasks=_subtask_lines(session, [v.id for v in views]))


def _subtask_lines(session: Session, item_ids: list[int]) -> dict[str, list[exports.SubtaskLine]]:
    """`{item id: its directives}` for the 分解任务 column."""
    from luoshi.store.subtasks import subtasks_of

    out: dict[str, list[exports.SubtaskLine]] = {}
    for start in range(0, len(item_ids), 1000):
        for item_id, subtasks in subtasks_of(session, item_ids[start:start + 1000]).items():
            out[str(item_id)] = [exports.SubtaskLine(s.text, tuple(s.owners), tuple(s.co_owners), s.due_text, s.due)
                                 for s in subtasks]
    return out


def target_rows(session: Session, *, actor: Actor, settings: Settings | None = None, now: datetime | None = None,
                **filters: Any) -> list[exports.TargetRow]:
    """The targets under `filters` (those of `luoshi.store.targets.list_targets`), each with its status."""
    from luoshi.store.targets import PER_PAGE_MAX, list_targets

    views = _pages(lambda c: list_targets(session, actor=actor, cursor=c, per_page=PER_PAGE_MAX, settings=settings,
                                          now=now, **filters))
    names = {u: n for v in views for u, n in v.units.items()}
    return exports.target_rows([v.target for v in views], statuses={v.target.id: v.status for v in views},
                               unit_names=names)


def suggestion_rows(session: Session, *, actor: Actor, settings: Settings | None = None,
                    now: datetime | None = None, **filters: Any) -> list[exports.SuggestionRow]:
    """The suggestions `actor` may see under `filters` (those of `list_suggestions`)."""
    from luoshi.store.suggestions import PER_PAGE_MAX, list_suggestions

    views = _pages(lambda c: list_suggestions(session, actor=actor, cursor=c, per_page=PER_PAGE_MAX,
                                              settings=settings, now=now, **filters))
    names = {u: n for v in views for u, n in v.units.items()}
    return exports.suggestion_rows([v.suggestion for v in views], unit_names=names)


ROWS: Mapping[str, Callable[..., list[Any]]] = {"ledger": ledger_rows, "targets": target_rows,
                                                "suggestions": suggestion_rows}


def export_file(session: Session, name: str, fmt: str, *, actor: Actor, settings: Settings | None = None,
                now: datetime | None = None, issuer: str = "", **filters: Any) -> bytes:
    """The list `name` (ledger, targets, suggestions) as `fmt` (xlsx, csv, json) bytes: the rows `actor`
    may see under `filters`. An unknown list or format raises ExportError naming the valid ones."""
    if name not in ROWS:
        raise exports.unknown_list(name)
    if fmt not in exports.FORMATS:
        raise exports.unknown_format(fmt)
    settings = settings or get_settings()
    rows = ROWS[name](session, actor=actor, settings=settings, now=now,
                      **{k: v for k, v in filters.items() if v not in (None, "")})
    return exports.export_list(name, fmt, rows, issuer=issuer, generated=today_in(settings, now))


def file_name(name: str, fmt: str, today: date) -> str:
    """`督办事项台账-2026-11-25.xlsx`: what the download is saved as."""
    return f"{exports.spec_for(name).title}-{today.isoformat()}{exports.FORMATS[fmt][0]}"


# -- the bulletin --------------------------------------------------------------------------------------------

def bulletin_as_of(start: date, end: date, today: date) -> date:
    """The day a bulletin's figures stand on: the period's last day, or today while the period runs.
    A period that has not begun has nothing to report (InvalidValue)."""
    if start > end:
        raise InvalidValue(f"通报期间有误：开始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}", "from")
    if start > today:
        raise InvalidValue(f"通报期间有误：开始日期 {start.isoformat()} 晚于今天 {today.isoformat()}，请选择已经开始的期间", "from")
    return min(end, today)


def bulletin_content(session: Session, *, start: date, end: date, settings: Settings | None = None,
                     now: datetime | None = None) -> exports.BulletinContent:
    """The figures and tables of the bulletin for `start`..`end` from the items handed out by then and
    still open at `start`, as they stand on `bulletin_as_of` (the rules are `luoshi.exports.bulletin_content`')."""
    settings = settings or get_settings()
    as_of = bulletin_as_of(start, end, today_in(settings, now))
    rows = session.scalars(select(ItemRow).where(ItemRow.assigned_at.isnot(None),
                                                 ItemRow.state != State.CANCELLED.value)
                           .order_by(ItemRow.due.asc().nulls_last(), ItemRow.id)).all()
    items = [to_item(r, settings.zone) for r in rows]
    ids = {int(u) for i in items for u in i.lead_units}
    names = {str(i): n for i, n in session.execute(select(Organisation.id, Organisation.name)
                                                    .where(Organisation.id.in_(ids)))} if ids else {}
    return exports.bulletin_content(items, start=start, end=as_of, unit_names=names, tz=settings.zone)


def bulletin_number(prefix: str, year: int, number: str) -> str:
    """The bulletin's 文号: `11` → `{prefix}〔{year}〕11号`; a whole 文号 typed by the office stays as it is."""
    number = number.strip()
    return f"{prefix}〔{year}〕{int(number)}号" if number.isdigit() else number


def bulletin_file(session: Session, *, start: date, end: date, issuer: str = "", number: str = "",
                  settings: Settings | None = None, now: datetime | None = None) -> bytes:
    """The bulletin (督查通报) of `start`..`end` as DOCX bytes, issued today by `issuer` (default the
    setting `bulletin_issuer`) as `number` (a plain number takes the setting `bulletin_prefix`)."""
    settings = settings or get_settings()
    content = bulletin_content(session, start=start, end=end, settings=settings, now=now)
    today = today_in(settings, now)
    letterhead = exports.Letterhead(issuer=issuer.strip() or settings.bulletin_issuer,
                                    number=bulletin_number(settings.bulletin_prefix, today.year, number),
                                    issued=today)
    return exports.bulletin_docx(start=start, end=end, figures=content.figures, overdue=content.overdue,
                                 completed=content.completed, letterhead=letterhead)
