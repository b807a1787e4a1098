"""An item's evidence files: the file itself (download), its thumbnail, a preview page (a photo shown
whole, a PDF's pages as images) and a PDF page as PNG. Whoever may not see the item gets its 404."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import NotFound
from luoshi.files.previews import pdf_page
from luoshi.store import escalation, evidence
from luoshi.store import items as store_items
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep
from luoshi.web.evidence import blobs, file_response
from luoshi.web.queries import people_names
from luoshi.web.render import page

router = Router()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREVIEW_PAGES = 20  # a long PDF's first pages are shown; the rest by download


@router.get("/items/{item_id}/files/{file_id}")
def download(item_id: int, file_id: int, session: SessionDep, user: PageUser, request: Request) -> Response:
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    view = evidence.attachment_view(row)
    return file_response(blobs(request).get(row.sha256), media_type=view.kind.mime, name=row.name, inline=False)


@router.get("/items/{item_id}/files/{file_id}/inline")
def inline(item_id: int, file_id: int, session: SessionDep, user: PageUser, request: Request) -> Response:
    """A photo or PDF for the browser to show itself (other kinds only download)."""
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    view = evidence.attachment_view(row)
    if not view.kind.previewable:
        raise NotFound.of("item")
    return file_response(blobs(request).get(row.sha256), media_type=view.kind.mime, name=row.name, inline=True)


@router.get("/items/{item_id}/files/{file_id}/thumbnail")
def thumbnail(item_id: int, file_id: int, session: SessionDep, user: PageUser, request: Request) -> Response:
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    if row.thumbnail_sha256 is None:
        raise NotFound.of("item")
    return file_response(blobs(request).get(row.thumbnail_sha256), media_type="image/jpeg")


@router.get("/items/{item_id}/files/{file_id}/pages/{number}")
def pdf_page_image(item_id: int, file_id: int, number: int, session: SessionDep, user: PageUser,
                   request: Request) -> Response:
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    image = pdf_page(blobs(request).get(row.sha256), number - 1) if row.kind == "pdf" and number >= 1 else None
    if image is None:
        raise NotFound.of("item")
    return file_response(image, media_type="image/png")


@router.get("/items/{item_id}/notices/{version}.docx")
def notice(item_id: int, version: int, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    """The 督办通知 (Word) of an item's notice."""
    name, data = escalation.notice_file(session, item_id=item_id, version=version, actor=user.actor,
                                        settings=settings)
    return file_response(data, media_type=DOCX, name=name, inline=False)


@router.get("/items/{item_id}/files/{file_id}/preview")
def preview(item_id: int, file_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    view = evidence.attachment_view(row)
    if not view.kind.previewable:
        raise NotFound.of("item")
    item = store_items.get_item(session, item_id=item_id, actor=user.actor)
    pages = list(range(1, min(view.pages or 0, PREVIEW_PAGES) + 1))
    shown = {**view.to_dict(), "by": people_names(session, [row.by]).get(row.by, row.by)}
    return page(request, "file_preview.html", user=user, active="ledger", title=f"{row.name} · 佐证材料",
                file=shown, item={"id": item_id, "title": item.item.title}, pages=pages,
                more_pages=(view.pages or 0) > PREVIEW_PAGES)
