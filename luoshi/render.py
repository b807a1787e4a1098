"""Terminal rendering of records (`luoshi extract --format table`): readable at a glance.

Labels are in Chinese, as the users are; each genre gets its own layout of tables.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

GENRE_LABELS = {"meeting_minutes": "会议纪要", "work_report": "政府工作报告", "congress_review": "人大审议意见汇总", "other": "其他"}


def _v(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(x) for x in value)
    return str(value)


def _quantity(q: dict) -> str:
    if q.get("value") is None:
        return "—"
    value = f"{q['value']:g}" if isinstance(q["value"], float) else str(q["value"])
    if q.get("value_max") is not None:
        value += f"—{q['value_max']:g}"
    return f"{q.get('measure') or ''}{value}{q.get('unit') or ''}{'' if q.get('bound') in (None, '区间') else q['bound']}"


def header_panel(record: dict) -> Panel:
    lines = [
        f"[bold]{_v(record.get('title'))}[/bold]  ({GENRE_LABELS.get(record.get('doc_type'), record.get('doc_type'))})",
        f"文件：{_v(record.get('source'))}   发文单位：{_v(record.get('issuer'))}   "
        f"编号：{_v(record.get('serial'))}   日期：{_v(record.get('issued'))}",
    ]
    meeting = record.get("meeting")
    if meeting:
        lines.append(
            f"会议：第{_v(meeting.get('ordinal'))}次   {_v(meeting.get('date'))} {meeting.get('part_of_day') or ''}   "
            f"主持：{_v(meeting.get('chair'))}{meeting.get('chair_title') or ''}"
        )
    if record.get("speaker") or record.get("occasion"):
        lines.append(f"报告人：{_v(record.get('speaker'))}   会议：{_v(record.get('occasion'))}   "
                     f"回顾 {_v(record.get('review_year'))} 年 / 部署 {_v(record.get('plan_year'))} 年")
    if record.get("session"):
        period = record.get("period") or []
        lines.append(f"会议：{record['session']}   {' 至 '.join(period) if period else ''}")
    return Panel("\n".join(lines), expand=False)


def minutes_tables(record: dict) -> list:
    out: list = []
    if record.get("agenda"):
        agenda = Table(title="议题", show_lines=False, title_justify="left")
        agenda.add_column("方式", no_wrap=True)
        agenda.add_column("内容")
        for a in record["agenda"]:
            agenda.add_row(a.get("verb") or "", a.get("subject") or "")
        out.append(agenda)
    items = record.get("items") or []
    out.append(decisions_table(items))
    if any(it.get("tasks") for it in items):
        out.append(tasks_table(items))
    if record.get("attendees"):
        out.append(attendees_text(record["attendees"]))
    return out


def decisions_table(items: list[dict]) -> Table:
    """One row a decision: what, how it was decided, who leads it, how many tasks it gave."""
    table = Table(title=f"议定事项（{len(items)}项）", title_justify="left")
    table.add_column("序号", justify="right", no_wrap=True)
    table.add_column("事项", ratio=3)
    table.add_column("决定", no_wrap=True)
    table.add_column("牵头单位", ratio=1, style="bold cyan")
    table.add_column("任务", justify="right", no_wrap=True)
    for it in items:
        table.add_row(str(it.get("no")), it.get("title") or "", _v(it.get("decision")), _v(it.get("leads")),
                      str(len(it.get("tasks") or [])))
    return table


TASK_TEXT_LIMIT = 90


def _due(task: dict) -> Text:
    if not task.get("due_text"):
        return Text("—", style="dim")
    return Text(task["due_text"] + (f"\n{task['due']}" if task.get("due") else ""), style="yellow")


def tasks_table(items: list[dict]) -> Table:
    """Every task, numbered `item.task`, with its responsible units and its due phrase and date."""
    total = sum(len(it.get("tasks") or []) for it in items)
    table = Table(title=f"任务（{total}项）", title_justify="left")
    table.add_column("编号", justify="right", no_wrap=True)
    table.add_column("责任单位", ratio=1, style="bold cyan")
    table.add_column("时限", no_wrap=True)
    table.add_column("任务", ratio=4)
    for it in items:
        tasks = it.get("tasks") or []
        for i, t in enumerate(tasks, 1):
            text = t.get("text") or ""
            owners = Text(_v(t.get("owners")), style="" if t.get("owners") else "dim")
            table.add_row(f"{it.get('no')}.{i}", owners, _due(t),
                          text if len(text) <= TASK_TEXT_LIMIT else text[: TASK_TEXT_LIMIT - 1] + "…",
                          end_section=i == len(tasks))
    return table


def attendees_text(attendees: list[dict]) -> Text:
    """出席/列席/请假 lines; people of one unit are listed together after it (`市政府办：王晨清、倪明德`)."""
    roles: dict[str, dict[str | None, list[str]]] = {}
    for a in attendees:
        units = roles.setdefault(a.get("role") or "", {})
        units.setdefault(a.get("org"), []).append(a.get("name") or "代表")
    out = Text()
    for role, units in roles.items():
        count = sum(len(names) for names in units.values())
        out.append(f"{role}（{count}）：", style="bold")
        groups = ["、".join(names) if org is None else f"{org} {'、'.join(names)}" for org, names in units.items()]
        out.append("；".join(groups) + "\n")
    out.rstrip()
    return out


def quantity_table(title: str, rows: list[dict], with_year: bool = False) -> Table:
    table = Table(title=f"{title}（{len(rows)}项）", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("指标")
    table.add_column("目标/数值", no_wrap=True)
    if with_year:
        table.add_column("年份", no_wrap=True)
    table.add_column("原文")
    for i, q in enumerate(rows, 1):
        row = [str(i), q.get("indicator") or "", _quantity(q)]
        if with_year:
            row.append(_v(q.get("year")))
        row.append(q.get("text") or "")
        table.add_row(*row)
    return table


def report_tables(record: dict) -> list:
    out = [quantity_table("主要预期目标", record.get("targets") or [], with_year=True),
           quantity_table("量化任务", record.get("commitments") or []),
           quantity_table("上年成效", record.get("achievements") or [], with_year=True)]
    if record.get("glossary"):
        out.append(Text("名词解释：" + "、".join(g.get("term") or "" for g in record["glossary"])))
    return out


def review_tables(record: dict) -> list:
    table = Table(title="代表建议", show_lines=False, title_justify="left")
    table.add_column("组", justify="right", no_wrap=True)
    table.add_column("类别 / 建议")
    table.add_column("代表")
    for g in record.get("suggestion_groups") or []:
        table.add_row(str(g.get("no")), Text(f"{g.get('category') or '—'}（{g.get('count')}条）", style="bold"), "")
        for s in g.get("suggestions") or []:
            table.add_row("", f"  {s.get('no')}. {s.get('title') or ''}", _v(s.get("deputies")))
    return [table]


def print_record(record: dict, console: Console) -> None:
    parts: list = [header_panel(record)]
    kind = record.get("doc_type")
    if kind == "meeting_minutes":
        parts += minutes_tables(record)
    elif kind == "work_report":
        parts += report_tables(record)
    elif kind == "congress_review":
        parts += review_tables(record)
    console.print(Group(*parts))
