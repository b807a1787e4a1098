"""/api/public (no authentication): the published documents and what the portal shows of each; and the
office's publish/unpublish of a document (`POST /api/documents/{id}/publish|unpublish`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from luoshi.ledger.actors import OFFICE
from luoshi.store import portal
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.present import doc_type_label

router = Router(tags=["public"])


def _document(doc: portal.PublicDocument) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title, "doc_type": doc.doc_type, "doc_type_label": doc_type_label(doc.doc_type),
            "issued": doc.issued.isoformat() if doc.issued else None, "published_at": doc.published_at.isoformat(),
            "url": f"/public/documents/{doc.id}"}


def view_dict(view: portal.PublicView) -> dict[str, Any]:
    return {
        "document": _document(view.document),
        "items": [{"title": i.title, "kind": i.kind, "units": i.units, "due": i.due.isoformat() if i.due else None,
                   "state": i.state.value, "state_label": i.state.label, "progress": i.progress} for i in view.items],
        "targets": [asdict(t) for t in view.targets],
        "suggestions": [asdict(s) for s in view.suggestions],
        "delivery": [{"year": d.year, "promise": d.promise, "promise_document": _document(d.promise_document),
                      "result": d.result, "result_document": _document(d.result_document), "verdict": d.verdict,
                      "verdict_label": d.verdict_label} for d in view.delivery],
    }


@router.get("/public/documents", summary="The published documents (no authentication)")
def published(session: SessionDep) -> list[dict[str, Any]]:
    return [_document(d) for d in portal.list_published(session)]


@router.get("/public/documents/{document_id}", summary="A published document as the portal shows it")
def published_document(document_id: str, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    return view_dict(portal.public_document(session, document_id=document_id, settings=settings))


def _set(document_id: int, session: Any, user: Any, settings: Any, published: bool) -> dict[str, Any]:
    require_role(user, *OFFICE)
    now = portal.set_published(session, document_id=document_id, actor=user.actor, published=published,
                               settings=settings)
    return {"id": document_id, "published": now}


@router.post("/documents/{document_id}/publish", summary="Publish a document on the portal (office)")
def publish(document_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    return _set(document_id, session, user, settings, True)


@router.post("/documents/{document_id}/unpublish", summary="Withdraw a document from the portal (office)")
def unpublish(document_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    return _set(document_id, session, user, settings, False)
