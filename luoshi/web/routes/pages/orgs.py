"""The organisation directory (单位名录) and one unit with the people seen for it over time."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from luoshi.store import documents as store_documents
from luoshi.store import orgs as store
from luoshi.web.deps import PageUser, SessionDep
from luoshi.web.render import page

router = APIRouter()


@router.get("/orgs")
def orgs(request: Request, session: SessionDep, user: PageUser) -> Response:
    rows = store.list_organisations(session)
    names = {o.id: o.name for o in rows}
    listed = [{"id": o.id, "name": o.name, "aliases": [a for a in o.aliases if a != o.name], "proposed": o.proposed,
               "parent_name": names.get(o.parent_id) if o.parent_id else None, "people_count": o.people,
               "item_count": o.items} for o in rows]
    return page(request, "orgs.html", user=user, active="orgs", title="单位名录", orgs=listed)


@router.get("/orgs/{org_id}")
def org(org_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    detail = store.get_organisation(session, org_id=org_id)
    titles = {d.id: d.title or d.name for d in store_documents.list_documents(session, per_page=500)[0]}
    people = [{"name": p.name, "first": p.first_seen, "last": p.last_seen,
               "role": "、".join(sorted({role for _, _, role in p.meetings})),
               "documents": [{"id": doc, "title": titles.get(doc, f"文件 {doc}")}
                             for doc in dict.fromkeys(doc for _, doc, _ in p.meetings)]} for p in detail.people]
    s = detail.summary
    return page(request, "org.html", user=user, active="orgs", title=s.name,
                org={"id": s.id, "name": s.name, "aliases": [a for a in s.aliases if a != s.name], "people": people,
                     "parent": detail.parent, "children": detail.children})
