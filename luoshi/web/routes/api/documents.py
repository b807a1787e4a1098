"""/api/documents: upload (multipart → the stored document and its items), the list, one document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, UploadFile
from starlette.responses import JSONResponse

from luoshi import jobs
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


@router.get("/jobs/{job_id}", summary="A large upload's ingest job: state, progress, then the document's id")
def get_job(job_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    return jobs.get_job(session, job_id=job_id, by=user.username).to_dict()


@router.get("/{document_id}", summary="One document: text, extraction record and the items read from it")
def get_document(document_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *READERS)
    return document_dict(store.get_document(session, document_id=document_id, actor=user.actor))


@router.post("", status_code=201, summary="Upload a document (TXT, DOCX, PDF): stored, extracted, items created")
def upload(file: Annotated[UploadFile, File(description="a .txt, .docx or .pdf file")], session: SessionDep,
           user: CurrentUser, settings: SettingsDep) -> Any:
    require_role(user, *OFFICE)
    result = uploads.receive(session, file=file, actor=user.actor, settings=settings)
    if isinstance(result, uploads.Queued):  # a large file: 202 and the job to follow (GET /api/jobs/{id})
        job = jobs.get_job(session, job_id=result.job_id)
        return JSONResponse({"job": job.to_dict()}, status_code=202)
    view = store.get_document(session, document_id=result.document_id, actor=user.actor)
    return {"document": document_dict(view), "outcome": result.outcome,
            "items": [item_dict(v, actor=user.actor) for v in result.items]}
