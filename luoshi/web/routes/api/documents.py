"""/api/documents: upload (multipart → the stored document and its items), the list, one document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile

from luoshi import scans
from luoshi.ledger import Role
from luoshi.ledger.actors import OFFICE
from luoshi.store import documents as store
from luoshi.web import uploads
from luoshi.web.deps import CurrentUser, SessionDep, SettingsDep, require_role
from luoshi.web.present import doc_type_label, item_dict

router = APIRouter(prefix="/documents", tags=["documents"])
READERS = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)


def document_dict(view: store.DocumentView) -> dict[str, Any]:
    out = asdict(view)
    out.update(doc_type_label=doc_type_label(view.doc_type), issued=view.issued.isoformat() if view.issued else None,
               ingested_at=view.ingested_at.isoformat())
    return out


@router.get("", summary="Stored documents, newest first (office and leaders)")
def list_documents(session: SessionDep, user: CurrentUser, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    require_role(user, *READERS)
    rows, total = store.list_documents(session, page=page, per_page=per_page)
    return {"documents": [{**asdict(d), "issued": d.issued.isoformat() if d.issued else None,
                           "ingested_at": d.ingested_at.isoformat()} for d in rows], "total": total}


@router.get("/jobs/{job_id}", summary="The OCR job of an uploaded scan: state, pages done out of pages, the document")
def get_job(job_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    return uploads.job_dict(scans.get_job(session, job_id))


@router.get("/{document_id}", summary="One document: text, extraction record and the items read from it")
def get_document(document_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *READERS)
    return document_dict(store.get_document(session, document_id=document_id, actor=user.actor))


@router.post("", status_code=201, summary="Upload a document (TXT, DOCX, PDF, or a scan or photo as PDF, JPG, PNG, "
                                             "TIFF): stored, extracted, items created; a scan answers 202 with its OCR job")
def upload(request: Request, response: Response,
           file: Annotated[UploadFile, File(description="a .txt, .docx, .pdf, .jpg, .png or .tif file")],
           session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    require_role(user, *OFFICE)
    result = uploads.ingest_upload(session, file=file, actor=user.actor, settings=settings,
                                   worker=request.app.state.ocr_worker)
    if isinstance(result, uploads.Queued):
        response.status_code = 202
        return {"job": uploads.job_dict(scans.get_job(session, result.job_id))}
    view = store.get_document(session, document_id=result.document_id, actor=user.actor)
    return {"document": document_dict(view), "outcome": result.outcome,
            "items": [item_dict(v, actor=user.actor) for v in result.items]}
