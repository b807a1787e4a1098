"""The public portal (/public, no login): the documents the office published, each with its decisions,
commitments and targets and their status now, and the promise-versus-delivery view of published reports.
Also the office's page to publish and withdraw documents (/publishing). Nothing unpublished is reachable
here: an unpublished or unknown document is the same 404."""

from __future__ import annotations

from fastapi import Form
from starlette.requests import Request
from starlette.responses import Response

from luoshi.ledger.actors import OFFICE
from luoshi.store import documents as store_documents
from luoshi.store import portal
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.present import doc_type_label
from luoshi.web.render import flash, page, redirect

router = Router()


@router.get("/public")
def public_list(request: Request, session: SessionDep) -> Response:
    docs = portal.list_published(session)
    return page(request, "public.html", title="政务公开 · 决策落实", documents=docs, type_label=doc_type_label)


@router.get("/public/documents/{document_id}")
def public_document(document_id: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    view = portal.public_document(session, document_id=document_id, settings=settings)
    return page(request, "public_document.html", title=view.document.title, view=view, type_label=doc_type_label)


@router.get("/publishing")
def publishing(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    rows = store_documents.every_document(session, settings=settings)
    published = portal.published_ids(session)
    docs = [{"id": d.id, "title": d.title or d.name, "type": doc_type_label(d.doc_type), "issued": d.issued,
             "published": d.id in published} for d in rows]
    return page(request, "publishing.html", user=user, active="publishing", title="公开发布", documents=docs)


@router.post("/publishing/{document_id}", dependencies=[CsrfChecked])
def set_published(document_id: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                  published: str = Form(...)) -> Response:
    require_role(user, *OFFICE)
    now = portal.set_published(session, document_id=document_id, actor=user.actor, published=published == "1",
                               settings=settings)
    flash(request, "ok", f"文件 {document_id} {'已公开发布' if now else '已撤回，不再公开'}")
    return redirect("/publishing")
