"""Government work reports (政府工作报告): targets, commitments, results and the glossary."""

from __future__ import annotations

from luoshi.extract.document import Document
from luoshi.extract.pipeline import stage


@stage("report_header", assigns=("speaker", "occasion", "review_year", "plan_year"))
def report_header(doc: Document) -> None:
    pass


@stage("targets", assigns=("targets",))
def targets(doc: Document) -> None:
    pass


@stage("commitments", assigns=("commitments",))
def commitments(doc: Document) -> None:
    pass


@stage("achievements", assigns=("achievements",))
def achievements(doc: Document) -> None:
    pass


@stage("glossary", assigns=("glossary",))
def glossary(doc: Document) -> None:
    pass
