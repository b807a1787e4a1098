"""My account (every role): my API tokens with their last use, a new one shown once, revoking one, and
signing out everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Form
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import NotFound
from luoshi.store import users as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep
from luoshi.web.render import flash, page, redirect

router = Router()
STATUS_LABELS = {"active": "有效", "expired": "已过期", "revoked": "已撤销"}


def _account_page(request: Request, session: SessionDep, user: PageUser, new_token: str | None = None) -> Response:
    now = datetime.now(UTC)
    tokens = [{"id": t.id, "name": t.name, "created_at": t.created_at, "expires_at": t.expires_at,
               "last_used_at": t.last_used_at, "status": t.status(now), "status_label": STATUS_LABELS[t.status(now)]}
              for t in store.list_tokens(session, user_id=user.id)]
    response = page(request, "account.html", user=user, title="我的账号", tokens=tokens, new_token=new_token)
    return response


@router.get("/account")
def account(request: Request, session: SessionDep, user: PageUser) -> Response:
    return _account_page(request, session, user)


@router.post("/account/tokens", dependencies=[CsrfChecked])
def new_token(request: Request, session: SessionDep, user: PageUser, name: Annotated[str, Form(max_length=100)] = "",
              days: Annotated[int, Form(ge=1, le=366)] = 90) -> Response:
    token = store.create_token(session, user_id=user.id, name=name.strip() or "网页创建", ttl=timedelta(days=days),
                               by=user.username)
    return _account_page(request, session, user, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def revoke(token_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    try:
        store.revoke_token_id(session, token_id=token_id, user_id=user.id, by=user.username)
    except NotFound:
        flash(request, "error", "没有这个令牌：请刷新页面后重试")
        return redirect("/account")
    flash(request, "ok", "令牌已撤销，使用它的集成将无法再访问")
    return redirect("/account")


@router.post("/account/signout", dependencies=[CsrfChecked])
def sign_out_everywhere(request: Request, session: SessionDep, user: PageUser) -> Response:
    store.end_sessions(session, user_id=user.id, by=user.username)
    request.session.clear()
    return redirect("/login")
