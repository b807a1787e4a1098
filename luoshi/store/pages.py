"""The pages of documents read by OCR: stored with their per-character boxes, read back to draw a record's
span over the page image."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.store.kept import Kept
from luoshi.store.models import DocumentPage
from luoshi.text.ocr import OcrMap, OcrPage


def store_pages(session: Session, document_id: int | None, ocr: OcrMap) -> None:
    """Store each OCR'd page of a document: its image, size and the characters read on it."""
    if document_id is None:
        return
    by_page: dict[int, list] = {p.number: [] for p in ocr.pages}
    for offset, page, box, conf in ocr.chars:
        by_page.setdefault(page, []).append([offset, *box, round(conf, 3)])
    for p in ocr.pages:
        session.add(DocumentPage(document_id=document_id, number=p.number, width=p.width, height=p.height,
                                 image=p.image, chars=by_page.get(p.number, [])))
    session.flush()


def ocr_map(session: Session, document_id: int) -> OcrMap | None:
    """The OCR map of a stored document (without its images), or None when no page was read by OCR."""
    rows = _PAGES.all(session, {"document_id": document_id})
    if not rows:
        return None
    chars = sorted((c[0], number, (c[1], c[2], c[3], c[4]), c[5]) for number, _, _, cs in rows for c in cs)
    return OcrMap([OcrPage(number, width, height) for number, width, height, _ in rows], chars)


# Asked by every item page whose source is in a stored document (a kept statement: `luoshi.store.kept`).
_PAGES = Kept(select(DocumentPage.number, DocumentPage.width, DocumentPage.height, DocumentPage.chars)
              .where(DocumentPage.document_id == bindparam("document_id")).order_by(DocumentPage.number))


def page_image(session: Session, document_id: int, number: int) -> bytes | None:
    return session.scalars(select(DocumentPage.image).where(DocumentPage.document_id == document_id,
                                                             DocumentPage.number == number)).first()
