"""The common parts of a 公文: genre, title, issuing office, serial number (第N号), issue date.

They all sit in the head of the document, before the first paragraph of body text; 主送/抄送 sit
at its foot.
"""

from __future__ import annotations

import re

from luoshi.extract import genre
from datetime import date

from luoshi.extract.dates import find_dates, iso
from luoshi.extract.document import Document
from luoshi.extract.numerals import cn_to_int
from luoshi.extract.pipeline import stage

SERIAL = re.compile(r"(?:〔\d{4}〕|\[\d{4}\]|\(\d{4}\)|（\d{4}）)?第?\s*([0-9０-９一二三四五六七八九十百〇]+)\s*(?:号|期)")
ISSUER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff（）()]{2,30}?(?:人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|办公室|办公厅|人民政府"
    r"|委员会|常委会办公室|人大常委会|人民代表大会常务委员会|督查室|督查办公室|督查办))(?:编|印发|整理|发|制)?(?=$|\d|[一二][〇○零]|[〇○])"
)
TITLE_WORDS = re.compile(r"纪要|报告|意见|情况|通知|决定|汇总|通报|方案|办法")
# A web page's metadata table: `发文机构:X`, `发文字号:长府会议纪要〔2023〕39号`, `发布时间: 2025-12-17`.
META_ISSUER = re.compile(r"(?:发文机构|发文单位|发布机构|信息来源|来源单位|公开责任部门)\s*[:：|]\s*\|?\s*"
                         r"(?P<v>[\u4e00-\u9fff（）()]{4,40}?(?:办公室|办公厅|人民政府|政府|委员会|人大常委会))(?![\u4e00-\u9fff])")
META_SERIAL = re.compile(r"(?:发文字号|文号)\s*[:：|]\s*\|?\s*[^\n|]{0,20}?[〔\[(（]\d{4}[〕\])）]\s*第?\s*(?P<v>[0-9]{1,4})\s*号")
META_DATE = re.compile(r"(?:发布时间|发布日期|公开日期|成文日期|发文日期|印发日期|日期|时间)\s*[:：|]?\s*\|?\s*")
TERM_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?\s*第\s*[0-9一二三四五六七八九十百]+\s*次|[〔\[](?P<s>(?:19|20)\d{2})[〕\]]")
# What a web page prints after a headline on the same line (发布时间：…信息来源：…文字大小…).
PAGE_LABELS = re.compile(r"(?:发布时间|发布日期|更新时间|信息来源|来源|文字大小|字号|背景色|浏览次数|点击数|阅读次数|作者)[:：]|文字大小")
# A page's metadata table flattened to cells (`文件名称|…通报|索引号|…`): the cell after the label is the title.
TABLE_TITLE = re.compile(r"(?:^|\|)(?:文件名称|文件标题|标题|名称)(?:[:：]\|*|\|+)([^|\n]+)")
# `灌云县人民政府办公室关于…的通报` as a page headline: the office before 关于 is the issuer, not the title.
OFFICE_BEFORE_TITLE = re.compile(
    r"^[\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办|办公室|办公厅|督查室|委员会|人大常委会)(?=关于)")
FOOT = re.compile(r"^(主送|抄送|抄报|分送|发送|本期发送)[:：](.*)$")


def head_paragraphs(doc: Document, limit: int = 8):
    """The paragraphs of the head: those before the first long paragraph of body text."""
    out = []
    for p in doc.paragraphs[:limit]:
        if len(p.text) > 60 and ("，" in p.text or "。" in p.text) and not _page_head(p.text):
            break
        if p.text.startswith("各位代表"):
            break
        out.append(p)
    return out


def _title(lines: list[str], issuer: str | None) -> str | None:
    lines = [without_page_chrome(line) for line in lines]
    title = table_title(lines) or _titled(lines, issuer)
    return OFFICE_BEFORE_TITLE.sub("", title) if title else title


def _titled(lines: list[str], issuer: str | None) -> str | None:
    candidates = [line for line in lines
                  if (TITLE_WORDS.search(line) or line.startswith("关于")) and not SERIAL.fullmatch(line)]
    if not candidates:
        return None
    # A bulletin's masthead (人大工作情况, 第2期) stands above the title of the piece, which opens with 关于.
    title = next((line for line in candidates if line.startswith("关于")), candidates[0])
    # A title split over several head lines (关于…审议 / 《政府工作报告》…的情况) is one title.
    i = lines.index(title)
    while i + 1 < len(lines) and title.startswith("关于") and not TITLE_WORDS.search(title[-4:]):
        i += 1
        title += lines[i]
    for prefix in filter(None, (issuer, re.sub(r"办公室$|办公厅$", "", issuer or ""))):
        if title.startswith(prefix) and len(title) > len(prefix) + 2:
            title = title[len(prefix):]
    title = re.sub(r"^[\u4e00-\u9fff]{2,12}?人民政府(?=[\u4e00-\u9fff]*纪要$)", "", title)
    return title.strip("—- ") or None


def _page_head(line: str) -> bool:
    """A web page's head run into one paragraph: a metadata table, or a headline with the page's chrome."""
    chrome = PAGE_LABELS.search(line)
    return bool(TABLE_TITLE.match(line) or (chrome and 4 <= chrome.start() <= 80 and "。" not in line[:chrome.start()]))


def document_dates(head, dates: list) -> list:
    """The dates of the head without those of a web page's chrome (发布时间：…), when the document has its own."""
    chrome = []
    for p in head:
        m = PAGE_LABELS.search(p.text)
        if m:
            chrome.append((p.start + (m.start() if m.start() >= 4 else 0), p.end))
    own = [d for d in dates if not any(a <= d[0] < b for a, b in chrome)]
    return own or dates


def without_page_chrome(line: str) -> str:
    """A head line without what the web page ran into it after the headline."""
    m = PAGE_LABELS.search(line)
    return line[:m.start()] if m and m.start() >= 4 else line


def table_title(lines: list[str]) -> str | None:
    """The title a page's metadata table gives (`文件名称|2022年…的通报|`), if the head is such a table."""
    for line in lines:
        m = TABLE_TITLE.search(line)
        if m and TITLE_WORDS.search(m.group(1)):
            return m.group(1).strip()
    return None


@stage("header", assigns=("doc_type", "title", "issuer", "serial", "issued"))
def header(doc: Document) -> None:
    text = doc.text
    head = head_paragraphs(doc)
    lines = [p.text for p in head]
    decision = genre.decide(text, doc.source)
    doc_type = decision.doc_type
    issuer = serial = issued = None
    for line in lines:
        if serial is None:
            m = SERIAL.fullmatch(line) or (SERIAL.search(line) if "号" in line and len(line) < 20 else None)
            if m:
                serial = cn_to_int(m.group(1))
        m = ISSUER.match(line)
        if m and not TITLE_WORDS.search(m["org"]):
            # The office that issues (…办公室 + date) beats the red-header government name.
            if issuer is None or (m["org"].endswith(("办公室", "办公厅")) and not issuer.endswith(("办公室", "办公厅"))):
                issuer = m["org"]
    head_end = head[-1].end if head else min(len(text), 200)
    dates = document_dates(head, find_dates(text, 0, head_end))
    if dates:
        issued = dates[0][2]
    doc.facts["head_end"] = head_end
    doc.facts["doc_date"] = issued
    doc.facts["ref_date"] = issued or reference_date(text)
    labelled = metadata(text)
    issuer = issuer or labelled.get("issuer")
    if serial is None and labelled.get("serial"):
        serial = cn_to_int(labelled["serial"])
    doc.record.update(
        format=1,
        source=doc.name,
        doc_type=doc_type,
        title=_title(lines, issuer),
        issuer=issuer,
        serial=serial,
        issued=iso(issued),
    )
    doc.record["genre"] = decision.record()
    doc.record["distribution"] = distribution(doc)


def distribution(doc: Document) -> dict[str, list[str]]:
    """主送/抄送 at the foot: the units a document was sent and copied to."""
    out: dict[str, list[str]] = {"to": [], "cc": []}
    for p in doc.paragraphs[-12:]:
        m = FOOT.match(p.text)
        if m:
            key = "to" if m.group(1) in ("主送", "发送", "分送", "本期发送") else "cc"
            out[key] += [x for x in re.split(r"[，、,；;。]", m.group(2)) if x]
    return out


def metadata(text: str, limit: int = 1500) -> dict[str, str]:
    """The issuer and serial number a web page's metadata table gives (`发文机构:…`, `发文字号:…〔2023〕39号`)."""
    out = {}
    head = text[:limit]
    m = META_ISSUER.search(head)
    if m:
        out["issuer"] = m["v"]
    m = META_SERIAL.search(head)
    if m:
        out["serial"] = m["v"]
    return out


def reference_date(text: str, limit: int = 1500):
    """The date the document itself gives for reading a date written without its year: a labelled date
    (`发布时间: 2025-12-17`, `公开日期 2018-01-31`), else the first full date of its head, else the last day
    of the year of its term or serial (`2026年第1次`, `〔2023〕`). None when the document names no year."""
    head = text[:limit]
    for m in META_DATE.finditer(head):
        found = find_dates(head, m.end(), min(len(head), m.end() + 24))
        if found and found[0][0] - m.end() <= 2:
            return found[0][2]
    found = find_dates(head, 0, min(len(head), 300))
    if found:
        return found[0][2]
    m = TERM_YEAR.search(head)
    if m:
        return date(int(m["y"] or m["s"]), 12, 31)
    return None
