"""Which kind of 公文 a text is: meeting minutes, a government work report, a congress review summary.

The decision weighs cues of the head of the document more than cues of its body, so a work report
quoting 会议纪要 is still a work report.
"""

from __future__ import annotations

import re

MEETING_MINUTES = "meeting_minutes"
WORK_REPORT = "work_report"
CONGRESS_REVIEW = "congress_review"
OTHER = "other"
GENRES = (MEETING_MINUTES, WORK_REPORT, CONGRESS_REVIEW, OTHER)

# (genre, pattern, weight in the head, weight in the body)
CUES: list[tuple[str, re.Pattern, int, int]] = [
    (MEETING_MINUTES, re.compile(r"会议纪要|会\s*议\s*纪\s*要|办公会议?纪要|专题会议纪要"), 6, 1),
    (MEETING_MINUTES, re.compile(r"主持召开.{0,30}?第?[0-9一二三四五六七八九十〇]+次.{0,8}?会议"), 4, 0),
    (MEETING_MINUTES, re.compile(r"会议(?:议定|决定|研究决定)(?:以下|如下)|纪要如下|会议形成的?(?:一致)?意见|会议决定事项"), 4, 0),
    (MEETING_MINUTES, re.compile(r"^(?:出席|列席)(?:人员|领导)?[:：]", re.M), 0, 2),
    (WORK_REPORT, re.compile(r"政府工作报告"), 5, 0),
    (WORK_REPORT, re.compile(r"^各位代表[:：，]", re.M), 3, 3),
    (WORK_REPORT, re.compile(r"主要预期目标|主要目标是|工作回顾"), 0, 3),
    # a report without its head (an abridged text) still opens on the years it reviews
    (WORK_REPORT, re.compile(r"^(?:过去|这)?[一两三五几]年来|^过去(?:的)?[一五]年", re.M), 3, 0),
    (WORK_REPORT, re.compile(r"五年计划|五年规划|国民经济和社会发展计划"), 0, 1),
    (CONGRESS_REVIEW, re.compile(r"代表建议|审议意见|审议.{0,30}的情况|审议情况|议案|建议汇总"), 4, 1),
    (CONGRESS_REVIEW, re.compile(r"人大常委会办公室|人民代表大会常务委员会办公室|人大.{0,6}次会议"), 2, 0),
    (CONGRESS_REVIEW, re.compile(r"[一二三四五六七八九十]+是关于.{1,40}?方面[（(]\d+条[）)]"), 0, 5),
    (CONGRESS_REVIEW, re.compile(r"代表(?:建议|认为|表示|提出)"), 0, 1),
]


def head_of(text: str, limit: int = 400) -> str:
    return text[:limit]


def detect(text: str) -> str:
    """The genre of a clean text, one of GENRES."""
    head = head_of(text)
    scores = dict.fromkeys(GENRES, 0)
    for genre, rx, head_weight, body_weight in CUES:
        if head_weight and rx.search(head):
            scores[genre] += head_weight
        if body_weight:
            scores[genre] += body_weight * min(3, len(rx.findall(text)))
    best = max(scores, key=lambda g: scores[g])
    return best if scores[best] >= 5 else OTHER
