"""The 督办通知 (a formal supervision notice) of one item to its units as DOCX, in the bulletin's GB/T 9704
layout: red letterhead with the 文号, title, addressees, what was handed out and how late it is, the office's
requirements, signature and 版记. A pure function of plain values, like the bulletin.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document

from luoshi.exports.dates import zh_date
from luoshi.exports.docx import (_body, _fallbacks, _footer_page_number, _heading, _letterhead, _page, _record,
                                 _signature, _styles, _title)
from luoshi.exports.rows import Letterhead


@dataclass(frozen=True)
class NoticeContent:
    item_title: str
    item_text: str
    units: Sequence[str]
    due: date | None
    issued: date  # the day of the notice
    requirements: str
    assigned: date | None = None


def notice_title(item_title: str) -> str:
    short = item_title if len(item_title) <= 24 else item_title[:23] + "…"
    return f"关于加快办理“{short}”的督办通知"


def _status(content: NoticeContent) -> str:
    if content.due is None:
        return "目前尚未办结"
    late = (content.issued - content.due).days
    if late > 0:
        return f"办理期限为{zh_date(content.due)}，截至{zh_date(content.issued)}已逾期{late}天，仍未办结"
    return f"办理期限为{zh_date(content.due)}，目前进展滞后，尚未办结"


def notice_docx(content: NoticeContent, letterhead: Letterhead) -> bytes:
    """The notice as DOCX bytes."""
    doc = Document()
    _page(doc)
    _styles(doc)
    _fallbacks(doc)
    _letterhead(doc, letterhead)
    _title(doc, notice_title(content.item_title))
    _body(doc, "、".join(content.units) + "：", 0)
    handed = f"于{zh_date(content.assigned)}" if content.assigned else ""
    _body(doc, f"{letterhead.office}{handed}交办你单位的督办事项“{content.item_title}”，{_status(content)}。"
               "经多次提醒、催办，办理进度仍未达到要求。现予督办，有关事项通知如下：")
    _heading(doc, "一、督办事项")
    _body(doc, content.item_text or content.item_title)
    _heading(doc, "二、督办要求")
    _body(doc, content.requirements)
    _heading(doc, "三、报送要求")
    _body(doc, f"请于收到本通知后3个工作日内，将办理进展、存在问题和下一步措施书面报送{letterhead.office}，"
               "并在督办系统中报送进展、上传佐证材料。逾期仍未办结的，将按规定约谈单位主要负责人。")
    _signature(doc, letterhead)
    _record(doc, letterhead)
    _footer_page_number(doc)
    doc.core_properties.title = notice_title(content.item_title)
    doc.core_properties.author = letterhead.issuer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
