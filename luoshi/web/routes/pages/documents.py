"""Documents: the list, upload (office), and one document rendered whole with every extracted record
highlighted, those that became items linked to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger import Role
from luoshi.ledger.actors import OFFICE
from luoshi.store import documents as store
from luoshi.store import items as store_items
from luoshi import jobs
from luoshi.web import uploads
from luoshi.web.deps import CsrfChecked, PageUser, SessionDep, SettingsDep, require_role
from luoshi.web.highlight import document_marks, runs
from luoshi.web.present import doc_type_label, item_dict
from luoshi.web.render import flash, page, redirect

router = APIRouter()
READERS = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)


@router.get("/documents")
def documents(request: Request, session: SessionDep, user: PageUser) -> Response:
    require_role(user, *READERS)
    rows, _ = store.list_documents(session, per_page=200)
    docs = [{"id": d.id, "title": d.title or d.name, "filename": d.name, "doc_type_label": doc_type_label(d.doc_type),
             "issued": d.issued, "item_count": d.items} for d in rows]
    return page(request, "documents.html", user=user, active="documents", title="文件", documents=docs,
                can_upload=user.role in OFFICE)


@router.get("/documents/upload")
def upload_form(request: Request, user: PageUser) -> Response:
    require_role(user, *OFFICE)
    return page(request, "upload.html", user=user, active="documents", title="上传文件")


@router.post("/documents/upload", dependencies=[CsrfChecked])
def upload(request: Request, file: Annotated[UploadFile, File()], session: SessionDep, user: PageUser,
           settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    try:
        result = uploads.receive(session, file=file, actor=user.actor, settings=settings)
    except LuoshiError as exc:
        session.rollback()
        flash(request, "error", f"上传失败：{exc}")
        return page(request, "upload.html", status_code=422, user=user, active="documents", title="上传文件")
    if isinstance(result, uploads.Queued):
        flash(request, "ok", f"已收到《{file.filename}》：文件较大，正在后台处理，本页显示进度")
        return redirect(f"/documents/jobs/{result.job_id}")
    flash(request, "ok", f"已上传《{file.filename}》：{uploads.outcome_text(result)}")
    return redirect(f"/documents/{result.document_id}")


@router.get("/documents/jobs/{job_id}")
def upload_job(job_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    """A large upload's ingest job: its state and progress (refreshed every 2 s while it runs), then a
    link to the stored document."""
    require_role(user, *OFFICE)
    job = jobs.get_job(session, job_id=job_id, by=user.username)
    return page(request, "upload_job.html", user=user, active="documents", title="后台处理", job=job)


@router.get("/documents/{document_id}")
def document(document_id: int, request: Request, session: SessionDep, user: PageUser,
             settings: SettingsDep) -> Response:
    require_role(user, *READERS)
    view = store.get_document(session, document_id=document_id, actor=user.actor)
    marks = document_marks(view.record, [(i.item_id, i.span, i.path, i.title) for i in view.items])
    items = store_items.list_items(session, actor=user.actor, document=document_id, sort="id",
                                   per_page=store_items.PER_PAGE_MAX, settings=settings).rows
    doc = {"id": view.id, "title": view.title or view.name, "filename": view.name, "issued": view.issued,
           "doc_type_label": doc_type_label(view.doc_type), "issuer": view.record.get("issuer"),
           "meeting": view.record.get("meeting")}
    ordered = sorted(items, key=lambda v: v.item.source.span[0] if v.item.source else 0)
    return page(request, "document.html", user=user, active="documents", title=doc["title"], doc=doc,
                runs=runs(view.text, marks), items=[item_dict(v) for v in ordered])
