"""Data for the export tests (CLI and web): two units, items in October 2026 (one overdue, one done, one
of the other unit, one draft), the sample 2024 work report's targets and two suggestions.

`fill(session, settings)` → the ids; the times are fixed so the bulletin of October 2026 is known.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl

from conftest import ROOT
from luoshi.ingest import ingest_file
from luoshi.ledger import Actor, Role
from luoshi.store import items as store_items
from luoshi.store.orgs import create_organisation
from luoshi.store.suggestions import act_on_suggestion, create_suggestion

REPORT = ROOT / "luoshi" / "samples" / "qingxi_2024_work_report.txt"
UNIT_A, UNIT_B = "县住建局", "县商务局"
OFFICE = Actor("office", Role.SUPERVISOR, name="督查室")
OVERDUE = "推进老旧小区改造，10月中旬完成立项"
DONE = "完成城镇燃气管道排查"
OTHER = "组织外贸企业参加广交会"
DRAFT = "研究制定夜间经济扶持政策"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=UTC)


def _item(s, settings, title, unit, due, *, done=False, draft=False, units=None):
    row = store_items.create_item(s, actor=OFFICE, kind="task", title=title, text=title, lead_units=[units[unit]],
                                  settings=settings, now=at(1))
    if draft:
        return row.id
    unit_actor = Actor(f"liaison-{unit}", Role.UNIT, unit=str(units[unit]))
    steps = [(OFFICE, "confirm", {}), (OFFICE, "assign", {"due": due}), (unit_actor, "accept", {})]
    if done:
        steps += [(unit_actor, "apply_completion", {"text": "已完成"}), (OFFICE, "approve", {})]
    for version, (actor, action, payload) in enumerate(steps, start=1):
        store_items.act(s, item_id=row.id, actor=actor, action=action, expected_version=version, settings=settings,
                        now=at(2 + version * 3), **payload)
    return row.id


def fill(s, settings) -> dict[str, int]:
    units = {name: create_organisation(s, name=name).id for name in (UNIT_A, UNIT_B)}
    s.commit()
    ids = {"overdue": _item(s, settings, OVERDUE, UNIT_A, "2026-10-15", units=units),
           "done": _item(s, settings, DONE, UNIT_A, "2026-12-31", done=True, units=units),
           "other": _item(s, settings, OTHER, UNIT_B, "2026-12-31", units=units),
           "draft": _item(s, settings, DRAFT, UNIT_A, None, draft=True, units=units)}
    assert ingest_file(s, str(REPORT), settings=settings).status == "inserted"
    first = create_suggestion(s, actor=OFFICE, title="关于增加城区学位供给的建议", deputies=["王芳"], category="教育",
                              settings=settings)
    create_suggestion(s, actor=OFFICE, title="关于改善农贸市场环境的建议", deputies=["李华"], category="城建",
                      settings=settings)
    act_on_suggestion(s, suggestion_id=first.id, actor=OFFICE, action="assign", expected_version=1,
                      lead_unit=UNIT_A, settings=settings)
    return {**ids, **{f"unit_{k}": v for k, v in zip("ab", units.values())}}


def xlsx_rows(data: bytes) -> list[list]:
    """The cells of the first sheet, row by row (row 1 the title, row 2 the header)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def json_rows(data: bytes) -> list[dict]:
    return json.loads(data.decode("utf-8"))
