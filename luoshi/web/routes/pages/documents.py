"""Documents: the list, upload (office), and one document rendered whole with every extracted record
highlighted, those that became items linked to them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import File, Form, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from luoshi import jobs, scans
from luoshi.errors import LuoshiError, NotFound
from luoshi.extract.override import CHOICES, LABELS, NAMES
from luoshi.ledger import Role, State
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.drafts import general_requirements, heading_of
from luoshi.store import documents as store
from luoshi.store import drafts as rework
from luoshi.store import items as store_items
from luoshi.store import pages as store_pages
from luoshi.store.subtasks import subtasks_of
from luoshi.web import uploads
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.errors import form_version, refused
from luoshi.web.highlight import document_marks, runs, scan_pages
from luoshi.web.paging import cursor_of, page_number, pager
from luoshi.web.present import doc_type_label, genre_dict, item_dict
from luoshi.web.render import flash, page, partial, redirect

router = Router()
READERS = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)
GENRES = [(NAMES[c], LABELS[NAMES[c]]) for c in CHOICES]  # (value, label) of the genre menus


PER_PAGE = 50


def _link(**at: Any) -> str:
    params = {k: v for k, v in at.items() if v not in ("", None) and (k, v) != ("page", 1)}
    return "/documents" + ("?" + urlencode(params) if params else "")


@router.get("/documents")
def documents(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *READERS)
    result = store.list_documents(session, page=page_number(request), cursor=cursor_of(request), per_page=PER_PAGE,
                                  settings=settings)
    docs = [{"id": d.id, "title": d.title or d.name, "filename": d.name, "doc_type_label": doc_type_label(d.doc_type),
             "issued": d.issued, "item_count": d.items} for d in result.rows]
    return page(request, "documents.html", user=user, active="documents", title="文件", documents=docs,
                can_upload=user.role in OFFICE, **pager(result, _link))


@router.get("/documents/upload")
def upload_form(request: Request, user: PageUser) -> Response:
    require_role(user, *OFFICE)
    return page(request, "upload.html", user=user, active="documents", title="上传文件", genres=GENRES)


@router.post("/documents/upload", dependencies=[CsrfChecked])
def upload(request: Request, file: Annotated[UploadFile, File()], session: SessionDep, user: PageUser,
           settings: SettingsDep, genre: Annotated[str | None, Form()] = None) -> Response:
    require_role(user, *OFFICE)
    try:
        result = uploads.receive(session, file=file, actor=user.actor, settings=settings,
                                       worker=request.app.state.ocr_worker, genre=genre)
    except LuoshiError as exc:
        session.rollback()
        flash(request, "error", f"上传失败：{exc}")
        return page(request, "upload.html", status_code=422, user=user, active="documents", title="上传文件",
                    genres=GENRES)
    if isinstance(result, uploads.Queued):
        if result.kind == "ocr":
            return redirect(f"/documents/jobs/{result.job_id}")
        flash(request, "ok", f"已收到《{file.filename}》：文件较大，正在后台处理，本页显示进度")
        return redirect(f"/documents/uploads/{result.job_id}")
    flash(request, "ok", f"已上传《{file.filename}》：{uploads.outcome_text(result)}")
    return redirect(f"/documents/{result.document_id}")


@router.get("/documents/jobs/{job_id}")
def job(job_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    """The progress of a scan being read: pages done out of pages, then a link to the document. htmx
    polls the progress part every second and follows to the document when it is done."""
    require_role(user, *OFFICE)
    view = uploads.job_dict(scans.get_job(session, job_id))
    if request.headers.get("HX-Request"):
        response = partial(request, "_ocr_job.html", job=view)
        if view["state"] == "done":
            response.headers["HX-Redirect"] = view["document_url"]
        return response
    return page(request, "ocr_job.html", user=user, active="documents", title="文字识别", job=view)


@router.get("/documents/uploads/{job_id}")
def upload_job(job_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    """A large upload's ingest job: its state and progress (refreshed every 2 s while it runs), then a
    link to the stored document."""
    require_role(user, *OFFICE)
    job = jobs.get_job(session, job_id=job_id, by=user.username)
    return page(request, "upload_job.html", user=user, active="documents", title="后台处理", job=job)


@router.get("/documents/{document_id}/pages/{number}")
def page_image(document_id: int, number: int, session: SessionDep, user: PageUser) -> Response:
    require_role(user, *READERS)
    store.get_document(session, document_id=document_id, actor=user.actor)  # 404 for what may not be seen
    image = store_pages.page_image(session, document_id, number)
    if image is None:
        raise NotFound.of("page")
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{document_id}")
def document(document_id: int, request: Request, session: SessionDep, user: PageUser,
             settings: SettingsDep) -> Response:
    require_role(user, *READERS)
    view = store.get_document(session, document_id=document_id, actor=user.actor)
    marks = document_marks(view.record, [(i.item_id, i.span, i.path, i.title) for i in view.items]
                           + _subtask_marks(session, view.items))
    items = store_items.list_items(session, actor=user.actor, document=document_id, sort="id",
                                   per_page=store_items.PER_PAGE_MAX, settings=settings).rows
    doc = {"id": view.id, "title": view.title or view.name, "filename": view.name, "issued": view.issued,
           "doc_type_label": doc_type_label(view.doc_type), "issuer": view.record.get("issuer"),
           "meeting": view.record.get("meeting")}
    ordered = sorted(items, key=lambda v: v.item.source.span[0] if v.item.source else 0)
    scan = store_pages.ocr_map(session, document_id)
    return page(request, "document.html", user=user, active="documents", title=doc["title"], doc=doc,
                runs=_anchored(runs(view.text, marks)), items=[item_dict(v) for v in ordered],
                genre=genre_dict(view.record, view.doc_type), genres=GENRES, general=_general(view.record),
                office=user.role in OFFICE, reworkable=[v.id for v in ordered if v.item.state in (State.DRAFT, State.CONFIRMED)],
                scan_pages=scan_pages(scan, marks, view.record) if scan else [])


def _anchored(rs: list) -> list[tuple]:
    """Each run with whether it carries its item's anchor (`#item-N`): the first run of the item only, as an
    item's directives are marks of their own."""
    seen: set[str] = set()
    out = []
    for r in rs:
        item_id = r.mark.item_id if r.first and r.mark else None
        out.append((r, item_id is not None and item_id not in seen))
        if item_id:
            seen.add(item_id)
    return out


def _general(record: dict) -> list[dict]:
    """Each decision's requirements that name no unit (stay on the decision, no draft of their own)."""
    out = []
    for i, decision in enumerate(record.get("items") or []):
        general = general_requirements(decision, i)
        if general:
            out.append({"decision": heading_of(decision, i), "requirements": [
                {"text": g.text, "owners": list(g.owners)} for g in general]})
    return out


def _subtask_marks(session, items: list) -> list[tuple[int, tuple[int, int] | None, str | None, str]]:
    """The directives of the document's items, each marked and linked to its item."""
    stored = subtasks_of(session, [i.item_id for i in items])
    return [(item_id, s.span, s.source_path, s.text) for item_id, subtasks in stored.items() for s in subtasks
            if s.span]


@router.post("/documents/{document_id}/genre", dependencies=[CsrfChecked])
def change_genre(document_id: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                 genre: Annotated[str | None, Form()] = None) -> Response:
    """The office corrects the genre: the document is re-extracted into a new version."""
    require_role(user, *OFFICE)
    try:
        result = uploads.change_genre(session, document_id=document_id, genre=genre, actor=user.actor,
                                      settings=settings)
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect(f"/documents/{document_id}")
    flash(request, "ok", f"已改为{doc_type_label(NAMES[genre or 'other'])}并重新抽取：{uploads.outcome_text(result)}")
    return redirect(f"/documents/{result.document_id}")


@router.post("/documents/{document_id}/items", dependencies=[CsrfChecked])
async def add_item(document_id: int, request: Request, session: SessionDep, user: PageUser,
                   settings: SettingsDep) -> Response:
    """The office adds a draft from the sentence highlighted in the document's text."""
    require_role(user, *OFFICE)
    form = await request.form()
    try:
        made = rework.add_from_highlight(session, document_id=document_id, start=_int(form.get("start")),
                                         end=_int(form.get("end")), actor=user.actor, settings=settings,
                                         selected=str(form.get("selected") or ""),
                                         lead_units=[u for u in str(form.get("lead_units") or "").replace("，", ",")
                                                     .replace("、", ",").split(",") if u.strip()])
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect(f"/documents/{document_id}")
    flash(request, "ok", "已新增一项待确认事项")
    return redirect(f"/items/{made}")


@router.post("/documents/{document_id}/merge", dependencies=[CsrfChecked])
async def merge(document_id: int, request: Request, session: SessionDep, user: PageUser,
                settings: SettingsDep) -> Response:
    """The office merges the drafts ticked on the document page into one."""
    require_role(user, *OFFICE)
    form = await request.form()
    chosen = [str(v) for v in form.getlist("item")]
    try:
        made = rework.merge_items(session, item_ids=chosen, actor=user.actor, settings=settings,
                                  expected_versions=[form_version(form.get(f"version-{i}")) for i in chosen])
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect(f"/documents/{document_id}")
    flash(request, "ok", f"已将 {len(chosen)} 项合并为一项待确认事项")
    return redirect(f"/items/{made}")


def _int(value: object) -> int:
    return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else -1
