"""/api/documents: upload (multipart → the stored document and its items), the list, one document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Body, File, Form, Path, Query, Request, Response, UploadFile

from pydantic import BaseModel, Field

from luoshi import jobs, scans
from luoshi.ledger import Role
from luoshi.ledger.actors import OFFICE
from luoshi.store import documents as store
from luoshi.store import items as store_items
from luoshi.store.drafts import add_from_highlight
from luoshi.web import uploads
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.paging import CursorParam, PageNumber, Paged, paged
from luoshi.web.present import doc_type_label, item_dict

router = Router(prefix="/documents", tags=["documents"])
READERS = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)
GENRE_HELP = "minutes (meeting_minutes), work_report, congress_review or other; empty: detected"


def document_dict(view: store.DocumentView) -> dict[str, Any]:
    out = asdict(view)
    out.update(doc_type_label=doc_type_label(view.doc_type), issued=view.issued.isoformat() if view.issued else None,
               ingested_at=view.ingested_at.isoformat())
    return out


class DocumentList(Paged):
    documents: list[dict[str, Any]]


@router.get("", response_model=DocumentList, summary="Stored documents, newest first (office and leaders)")
def list_documents(session: SessionDep, user: CurrentUser, settings: SettingsDep, page: PageNumber = 1,
                   per_page: Annotated[int, Query(ge=1, le=store.PER_PAGE_MAX)] = 50,
                   cursor: CursorParam = None) -> dict[str, Any]:
    require_role(user, *READERS)
    result = store.list_documents(session, page=page, per_page=per_page, cursor=cursor, settings=settings)
    return {"documents": [{**asdict(d), "issued": d.issued.isoformat() if d.issued else None,
                           "ingested_at": d.ingested_at.isoformat()} for d in result.rows], **paged(result)}


@router.get("/jobs/{job_id}", summary="The OCR job of an uploaded scan: state, pages done out of pages, the document")
def get_job(job_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    return uploads.job_dict(scans.get_job(session, job_id))


@router.get("/uploads/{job_id}", summary="A large upload's ingest job: state, progress, then the document's id")
def get_upload_job(job_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep,
                   user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    return jobs.get_job(session, job_id=job_id, by=user.username).to_dict()


@router.get("/{document_id}", summary="One document: text, extraction record and the items read from it")
def get_document(document_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *READERS)
    return document_dict(store.get_document(session, document_id=document_id, actor=user.actor))


@router.post("", status_code=201, summary="Upload a document (TXT, DOCX, PDF, or a scan or photo as PDF, JPG, PNG, "
                                             "TIFF): stored, extracted, items created; a scan answers 202 with its OCR job")
def upload(request: Request, response: Response,
           file: Annotated[UploadFile, File(description="a .txt, .docx, .pdf, .jpg, .png or .tif file")],
           session: SessionDep, user: CurrentUser, settings: SettingsDep,
           genre: Annotated[str | None, Form(description=GENRE_HELP)] = None) -> Any:
    require_role(user, *OFFICE)
    result = uploads.receive(session, file=file, actor=user.actor, settings=settings,
                                   worker=request.app.state.ocr_worker, genre=genre)
    if isinstance(result, uploads.Queued):  # a scan (its OCR job) or a large file (its ingest job): 202
        response.status_code = 202
        if result.kind == "ocr":
            return {"job": uploads.job_dict(scans.get_job(session, result.job_id))}
        return {"job": jobs.get_job(session, job_id=result.job_id).to_dict()}
    return _outcome(session, result, user)


@router.post("/{document_id}/genre", status_code=201,
             summary="Change a document's genre (office): re-extracted into a new version; items worked on are kept")
def change_genre(document_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                 genre: Annotated[str, Body(embed=True, description=GENRE_HELP)]) -> dict[str, Any]:
    require_role(user, *OFFICE)
    result = uploads.change_genre(session, document_id=document_id, genre=genre, actor=user.actor, settings=settings)
    return _outcome(session, result, user)


class Highlight(BaseModel):
    start: int = Field(description="where the sentence starts in the document's text (a character offset)")
    end: int = Field(description="where it ends (exclusive)")
    text: str | None = Field(None, description="the sentence as selected; found near `start` if the offsets miss it")
    lead_units: list[str] = Field(default_factory=list, description="default: the units the sentence names")
    title: str | None = Field(None, description="default: the sentence")


@router.post("/{document_id}/items", status_code=201,
             summary="Add a draft by hand from a highlighted sentence of the document (office)")
def add_item(document_id: int, body: Highlight, session: SessionDep, user: CurrentUser,
             settings: SettingsDep) -> dict[str, Any]:
    require_role(user, *OFFICE)
    made = add_from_highlight(session, document_id=document_id, start=body.start, end=body.end, actor=user.actor,
                              lead_units=body.lead_units, title=body.title, selected=body.text, settings=settings)
    return item_dict(store_items.get_item(session, item_id=made, actor=user.actor, settings=settings),
                     actor=user.actor)


def _outcome(session: Any, result: uploads.Uploaded, user: Any) -> dict[str, Any]:
    view = store.get_document(session, document_id=result.document_id, actor=user.actor)
    return {"document": document_dict(view), "outcome": result.outcome,
            "items": [item_dict(v, actor=user.actor) for v in result.items]}
