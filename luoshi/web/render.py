"""Rendering pages: the Jinja2 environment, the context every page gets (user, CSRF token, menu,
flashed messages) and the one-shot messages kept in the signed session between a POST and its redirect.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from luoshi.files.kinds import ACCEPT_ATTRIBUTE
from luoshi.ledger import Role
from luoshi.web import csrf

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with `item.title` on a plain dict (what `present` makes) looked up as a key
    first: Jinja tries the attribute first, and the AttributeError of every such lookup was a third of a
    ledger page's rendering. Same result: a dict has no attribute by that name, so Jinja would fall back
    to the key (`item.items` and the like still give dict methods)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# Templates are read once; `configure` turns reloading on in development only (it stats every template of
# a page on every render).
TEMPLATES = Jinja2Templates(env=_Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                                              autoescape=select_autoescape(), auto_reload=False))

# (href, label, key, roles that see it); None = every role.
MENU = (
    ("/workspace", "工作台", "workspace", {Role.UNIT}),
    ("/dashboard", "驾驶舱", "dashboard", None),
    ("/ledger", "督办台账", "ledger", None),
    ("/documents", "文件", "documents", {Role.ADMIN, Role.SUPERVISOR, Role.LEADER}),
    ("/targets", "指标", "targets", None),
    ("/delivery", "承诺兑现", "delivery", {Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.CONGRESS}),
    ("/suggestions", "代表建议", "suggestions", None),
    ("/instructions", "我的批示", "instructions", {Role.LEADER}),
    ("/orgs", "单位名录", "orgs", None),
    ("/assessment", "考核排名", "assessment", {Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.UNIT}),
    ("/bulletin", "督查通报", "bulletin", {Role.ADMIN, Role.SUPERVISOR}),
    ("/publishing", "公开发布", "publishing", {Role.ADMIN, Role.SUPERVISOR}),
    ("/admin/users", "用户管理", "users", {Role.ADMIN}),
    ("/settings/notifications", "提醒设置", "settings", {Role.UNIT, Role.SUPERVISOR, Role.ADMIN}),
)


def configure(environment: str) -> None:
    """Reload edited templates on the next render in development; elsewhere they never change."""
    TEMPLATES.env.auto_reload = environment == "development"


def options(choices: Iterable[Any], selected: str | int | Collection[str | int] | None = None, value: Any = "id",
            label: Any = "name") -> Markup:
    """The `<option>` tags of a select: `choice[value]` and `choice[label]` of each choice, marked selected
    when its value (as text) is `selected` or one of them. A page's long lists (every unit, twice on an
    item's forms) built here are several times cheaper than a template loop, and a list shared by the
    requests (`luoshi.web.queries.unit_options`: a province's thousand units) is made once: its tags are
    kept, and a choice is marked selected in them."""
    if selected is None or selected == "":
        chosen: list[str] = []
    elif isinstance(selected, (str, int)):
        chosen = [str(selected)]
    else:
        chosen = list(dict.fromkeys(str(s) for s in selected))
    key = (id(choices), value, label)
    shared = _SHARED_TAGS.get(key)
    if shared is None or shared[0] is not choices:
        pairs = [(str(escape(str(c[value]))), str(escape(c[label]))) for c in choices]
        if not (isinstance(choices, list) and len(choices) >= SHARED):
            marked = {str(escape(k)) for k in chosen}
            return Markup("".join(f'<option value="{v}" selected>{text}</option>' if v in marked
                                  else f'<option value="{v}">{text}</option>' for v, text in pairs))
        if len(_SHARED_TAGS) >= 16:
            _SHARED_TAGS.pop(next(iter(_SHARED_TAGS)), None)
        shared = _SHARED_TAGS[key] = (choices, "".join(f'<option value="{v}">{text}</option>' for v, text in pairs))
    tags = shared[1]
    for chosen_value in chosen:
        v = str(escape(chosen_value))
        tags = tags.replace(f'<option value="{v}">', f'<option value="{v}" selected>', 1)
    return Markup(tags)

SHARED = 100  # a list of at least this many choices is likely one shared by the requests: its tags are kept
# (id of the list, value, label) → (the list, its tags with none selected); the id is only trusted with the
# list itself held beside it.
_SHARED_TAGS: dict[tuple[int, Any, Any], tuple[Any, str]] = {}


TEMPLATES.env.globals["options"] = options
TEMPLATES.env.globals["file_accept"] = ACCEPT_ATTRIBUTE  # the evidence files a form's file input offers


def flash(request: Request, kind: str, text: str) -> None:
    """Keep a message (`ok` or `error`) for the next page this browser shows."""
    request.session.setdefault("flashes", []).append([kind, text])
    request.session["flashes"] = request.session["flashes"]


def _take_flashes(request: Request) -> list[list[str]]:
    return request.session.pop("flashes", [])


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: `template` with the common context; `user` is the signed-in `Viewer` or None."""
    user = context.get("user")
    nav = [(href, label, key) for href, label, key, roles in MENU
           if user is not None and (roles is None or user.role in roles)]
    common = {"request": request, "csrf_token": csrf.token(request), "nav": nav, "flashes": _take_flashes(request),
              "user": user}
    return TEMPLATES.TemplateResponse(request, template, {**common, **context}, status_code=status_code)


def partial(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A fragment for htmx: no layout, no flashes taken."""
    return TEMPLATES.TemplateResponse(request, template, {"request": request, "csrf_token": csrf.token(request),
                                                          **context})


def macro(template: str, name: str, *args: Any) -> Markup:
    """The macro `name` of `template` called with `args` outside a page: its HTML, as a page would render it
    (a table's row kept for the next page)."""
    return Markup(getattr(TEMPLATES.env.get_template(template).module, name)(*args))


def redirect(url: str) -> RedirectResponse:
    """After a POST: 303 See Other, so a reload does not post again."""
    return RedirectResponse(url, status_code=303)
