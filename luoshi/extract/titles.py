"""A document's full title, as an office names it, from its extraction record: minutes by issuer, year and
number (青溪县人民政府常务会议纪要〔2024〕第12号), a work report by year and place (2024年青溪县政府工作报告).

The header stage reads the title line as printed (常务会议纪要, 政府工作报告): the genre's name, the same for
every document of that genre. The pieces that tell one document from another are in the record beside it.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from luoshi.extract import genre

# What a title line says when it names only the genre: not a title that tells documents apart.
GENRE_NAMES = frozenset({"会议纪要", "常务会议纪要", "政府常务会议纪要", "政府工作报告", "工作报告"})
OFFICE_SUFFIX = re.compile(r"(?:办公室|办公厅)$")
# `青溪县第十八届人民代表大会第三次会议` → 青溪县: the place whose congress heard the report.
PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,12}?(?:自治区|省|自治州|州|盟|市|自治县|县|区|旗))(?=第|[一二三四五六七八九十]+届)")


def document_title(record: dict[str, Any], file_name: str) -> str:
    """The title to show for a document: the record's title made whole for minutes and work reports; without
    a title of its own (or with only its genre's name and nothing to add), the file name without extension."""
    title = (record.get("title") or "").strip()
    doc_type = record.get("doc_type")
    if doc_type == genre.MEETING_MINUTES and title:
        title = _minutes_title(title, record)
    elif doc_type == genre.WORK_REPORT and title:
        title = _report_title(title, record)
    if not title or title in GENRE_NAMES:
        return PurePath(file_name).stem or file_name
    return title


def _minutes_title(title: str, record: dict[str, Any]) -> str:
    """`常务会议纪要` of 青溪县人民政府办公室, issued 2024, 第12号 → 青溪县人民政府常务会议纪要〔2024〕第12号."""
    government = OFFICE_SUFFIX.sub("", record.get("issuer") or "")
    if government and not title.startswith(government):
        title = government + title
    year = _year(record.get("issued")) or _year((record.get("meeting") or {}).get("date"))
    serial = record.get("serial")
    if serial:
        title += (f"〔{year}〕" if year else "") + f"第{serial}号"
    return title


def _report_title(title: str, record: dict[str, Any]) -> str:
    """`政府工作报告` given at 青溪县's congress, planning 2024 → 2024年青溪县政府工作报告."""
    if not title.startswith("政府工作报告"):
        return title
    place = PLACE.match(record.get("occasion") or "")
    year = record.get("plan_year") or _year(record.get("issued"))
    return f"{f'{year}年' if year else ''}{place['place'] if place else ''}{title}"


def _year(value: Any) -> int | None:
    text = str(value or "")
    return int(text[:4]) if text[:4].isdigit() else None
