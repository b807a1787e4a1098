"""The form of each action on the item page: which fields it shows, with what label and default, and
how a posted form becomes the keyword arguments of the action (blank fields left out)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from luoshi import glossary
from luoshi.ledger import Action, Item, Rating

UNIT_FIELDS = ("lead_units", "co_units", "units")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | textarea | date | number | units | select | files | confirm
    required: bool = False
    value: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ActionForm:
    action: str
    label: str
    fields: list[Field] = field(default_factory=list)
    open: bool = False


FILES_HELP = "可上传照片、PDF、Word、Excel 文件，可多选"


def fields_of(action: Action, item: Item, proposed_due: date | None, evidence_required: bool = False) -> list[Field]:
    pending = item.pending_extension
    ratings = tuple((r.value, r.label) for r in Rating)
    spec: dict[Action, list[Field]] = {
        Action.CONFIRM: [Field("title", "事项标题", value=item.title),
                         Field("lead_units", "牵头单位", "units", value=list(item.lead_units)),
                         Field("co_units", "配合单位", "units", value=list(item.co_units)),
                         Field("note", "审核意见", "textarea")],
        Action.ASSIGN: [Field("lead_units", "牵头单位", "units", True, list(item.lead_units)),
                        Field("co_units", "配合单位", "units", value=list(item.co_units)),
                        Field("due", "办理期限", "date", True, proposed_due,
                              help=f"原文期限：{item.due_text}" if item.due_text else "原文未定期限，按默认规则建议"),
                        Field("note", "交办意见", "textarea")],
        Action.ACCEPT: [Field("note", "签收说明", "textarea")],
        Action.REPORT_PROGRESS: [Field("text", "进展情况", "textarea", True),
                                 Field("percent", "完成进度（%）", "number", value=item.progress),
                                 Field("files", "佐证材料", "files", help=FILES_HELP)],
        Action.REQUEST_EXTENSION: [Field("due", "申请延期至", "date", True), Field("reason", "延期理由", "textarea", True)],
        Action.APPROVE_EXTENSION: [Field("due", "批准期限", "date", value=pending.requested_due if pending else None,
                                         help=f"申请理由：{pending.reason}" if pending else ""),
                                   Field("note", "审批意见", "textarea")],
        Action.REJECT_EXTENSION: [Field("reason", "驳回理由", "textarea", True)],
        Action.APPLY_COMPLETION: [Field("text", "办结情况说明", "textarea", True),
                                  Field("files", "佐证材料", "files", evidence_required,
                                        help=FILES_HELP + ("；督查室要求办结须附佐证材料" if evidence_required else ""))],
        Action.APPROVE: [Field("note", "审核意见", "textarea")],
        Action.RETURN: [Field("reason", "退回理由", "textarea", True)],
        Action.CANCEL: [Field("reason", "撤销理由", "textarea", True)],
        Action.REMIND: [Field("text", "催办意见", "textarea")],
        Action.NOTIFY: [Field("number", "文号", help="如 县府督〔2024〕3号；可不填"),
                        Field("text", "督办要求", "textarea", True, help="发往牵头单位，并生成 Word 督办通知")],
        Action.INTERVIEW: [Field("text", "约谈记录", "textarea", True, help="约谈对象、时间、承诺事项")],
        Action.RATE: [Field("rating", "评价", "select", True, choices=ratings), Field("note", "评语", "textarea")],
        Action.INSTRUCT: [Field("text", "批示内容", "textarea", True)],
        Action.ANSWER_INSTRUCTION: [Field("text", "回复内容", "textarea", True, help="本单位落实批示的情况"),
                                    Field("instruction", "所复批示", "hidden")],
    }
    return spec[action]


# Actions that end or undo work: listed last and never unfolded by themselves.
DESTRUCTIVE = (Action.CANCEL, Action.RETURN, Action.REJECT_EXTENSION)


@dataclass(frozen=True)
class Typed:
    """A form the rules refused, shown again: its action, what the user typed, and the question to confirm
    (a due date already past), if that was why."""

    action: Action
    form: FormData
    question: str | None = None


CONFIRM_PAST_DUE = "confirm_past_due"


def forms_for(actions: list[Action], item: Item, proposed_due: date | None,
              evidence_required: bool = False, typed: Typed | None = None) -> list[ActionForm]:
    """The forms of the actions the user may take, the ones that end or undo work last; the first
    other one unfolded, or the one `typed` refused, unfolded with what the user typed."""
    ordered = sorted(actions, key=lambda a: a in DESTRUCTIVE)
    forms = []
    for i, a in enumerate(ordered):
        fields = fields_of(a, item, proposed_due, evidence_required)
        if typed is not None and typed.action is a:
            fields = _as_typed(fields, typed)
        opened = a is typed.action if typed is not None else i == 0 and a not in DESTRUCTIVE
        forms.append(ActionForm(a.value, glossary.zh(f"action.{a.value}"), fields, open=opened))
    return forms


def _as_typed(fields: list[Field], typed: Typed) -> list[Field]:
    """`fields` holding what the user typed (files cannot be kept: a browser sends them again only when
    chosen again), and the confirmation asked for, if any."""
    kept = []
    for f in fields:
        if f.name in UNIT_FIELDS:
            f = replace(f, value=[v for v in typed.form.getlist(f.name) if isinstance(v, str)])
        elif f.widget != "files" and isinstance(typed.form.get(f.name), str):
            f = replace(f, value=typed.form.get(f.name))
        kept.append(f)
    if typed.question:
        kept.append(Field(CONFIRM_PAST_DUE, typed.question, "confirm", True))
    return kept


def payload(action: Action, form: FormData) -> dict[str, Any]:
    """The posted fields the action takes; blanks dropped so the rules can say what is missing."""
    out: dict[str, Any] = {}
    for f in fields_of(action, _BLANK, None):
        if f.widget == "files":  # read apart, into the blob store (luoshi.web.evidence)
            continue
        if f.name in UNIT_FIELDS:
            values = [v for v in form.getlist(f.name) if isinstance(v, str) and v.strip()]
            if values:
                out[f.name] = values
            continue
        value = form.get(f.name)
        if isinstance(value, str) and value.strip():
            out[f.name] = value.strip()
    return out


_BLANK = Item(id="0", kind="task", title="")  # type: ignore[arg-type]
