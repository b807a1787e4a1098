"""The organisation directory (单位名录) and one unit with the people seen for it over time; the office
manages it here: confirms a unit an ingest proposed, renames one, merges two, marks a name as no unit and
sets a unit's parent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger.actors import OFFICE
from luoshi.store import documents as store_documents
from luoshi.store import orgs as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, require_role
from luoshi.web.errors import refused
from luoshi.web.queries import unit_options
from luoshi.web.render import flash, page, redirect

router = Router()


@router.get("/orgs")
def orgs(request: Request, session: SessionDep, user: PageUser, status: str | None = None) -> Response:
    rows = store.list_organisations(session, status=status if status in store.STATUSES else None)
    names = {o.id: o.name for o in store.list_organisations(session)}
    listed = [{"id": o.id, "name": o.name, "aliases": [a for a in o.aliases if a != o.name], "status": o.status,
               "status_label": store.STATUSES[o.status], "parent_name": names.get(o.parent_id) if o.parent_id else None,
               "people_count": o.people, "item_count": o.items} for o in rows]
    return page(request, "orgs.html", user=user, active="orgs", title="单位名录", orgs=listed, statuses=store.STATUSES,
                status=status, manage=user.role in OFFICE)


def org_page(request: Request, session: SessionDep, user: PageUser, org_id: int, status_code: int = 200) -> Response:
    detail = store.get_organisation(session, org_id=org_id)
    titles = store_documents.document_titles(session, {doc for p in detail.people for _, doc, _ in p.meetings})
    people = [{"name": p.name, "first": p.first_seen, "last": p.last_seen,
               "role": "、".join(sorted({role for _, _, role in p.meetings})),
               "documents": [{"id": doc, "title": titles.get(doc, "（文件已删除）")}
                             for doc in dict.fromkeys(doc for _, doc, _ in p.meetings)]} for p in detail.people]
    s = detail.summary
    others = [u for u in unit_options(session) if u["id"] != s.id]
    return page(request, "org.html", status_code=status_code, user=user, active="orgs", title=s.name,
                org={"id": s.id, "name": s.name, "aliases": [a for a in s.aliases if a != s.name], "people": people,
                     "parent": detail.parent, "children": detail.children, "status": s.status,
                     "status_label": store.STATUSES[s.status], "item_count": s.items},
                manage=user.role in OFFICE, others=others)


@router.get("/orgs/{org_id}")
def org(org_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    return org_page(request, session, user, org_id)


# What each form of the unit page does: the store call and the line said once it is done.
CHANGES: dict[str, tuple[Any, str]] = {
    "confirm": (lambda s, org_id, form, by: store.confirm_organisation(s, org_id=org_id, by=by), "已确认为单位"),
    "not-unit": (lambda s, org_id, form, by: store.mark_not_unit(s, org_id=org_id, by=by), "已标记为非单位"),
    "rename": (lambda s, org_id, form, by: store.rename_organisation(s, org_id=org_id, name=form["name"], by=by),
               "已更名，原名称保留为别名"),
    "parent": (lambda s, org_id, form, by: store.set_parent(s, org_id=org_id, parent_id=int(form["parent_id"])
                                                            if form["parent_id"].isdigit() else None, by=by),
               "已设置上级单位"),
    "merge": (lambda s, org_id, form, by: store.merge_organisations(
        s, keep_id=int(form["into"]) if form["into"].isdigit() else 0, merge_id=org_id, by=by), "已合并"),
}


@router.post("/orgs/{org_id}/{change}", dependencies=[CsrfChecked])
def change_org(org_id: int, change: str, request: Request, session: SessionDep, user: PageUser,
               name: Annotated[str, Form()] = "", parent_id: Annotated[str, Form()] = "",
               into: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    require_role(user, *OFFICE)
    if change not in CHANGES:
        return redirect(f"/orgs/{org_id}")
    run, done = CHANGES[change]
    try:
        result = run(session, org_id, {"name": name, "parent_id": parent_id, "into": into}, user.actor)
    except LuoshiError as exc:
        return org_page(request, session, user, org_id, status_code=refused(request, session, exc))
    if isinstance(result, store.Merged):
        flash(request, "ok", f"{done}：{result.items} 项督办事项、{result.users} 个用户和 {result.people} 名人员已转入")
        return redirect(f"/orgs/{result.kept}")
    flash(request, "ok", done)
    return redirect(back if back == "/orgs" or back.startswith("/orgs?") else f"/orgs/{org_id}")
