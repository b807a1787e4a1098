"""The Chinese domain terms of luoshi, each glossed once: its identifier in code and data, its Chinese form.

Code and stored data use the English identifiers (`in_progress`, `lead`); the Chinese label a user sees
comes from here, so a term is spelled the same way on every page, export and message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One domain term: `key` as used in code and data, `zh` as shown to users, `en` as glossed in docs."""

    key: str
    zh: str
    en: str
    note: str = ""


_TERMS = (
    # The ledger and who is in it.
    Term("ledger", "督办台账", "supervision ledger", "the list of items under supervision"),
    Term("bulletin", "督查通报", "supervision bulletin",
         "the monthly 公文 on items done and overdue, by unit (luoshi.exports.docx)"),
    Term("item", "督办事项", "item", "one decision, task, target or suggestion followed up to completion"),
    Term("unit", "单位", "unit", "a government department or body that handles items (承办单位)"),
    Term("lead", "牵头", "lead", "the unit responsible for an item (牵头单位); only it applies for completion"),
    Term("co_operating", "配合", "co-operating", "a unit that helps the lead (配合单位); it may report progress"),
    Term("supervision_office", "督查室", "supervision office", "the office that assigns, chases and approves"),
    Term("source", "来源", "source", "the document and span an item was extracted from"),
    Term("due", "办理期限", "due date", "the date an item must be completed by"),
    Term("progress", "办理进展", "progress", "what a unit reports it has done, with a percent"),
    Term("audit_trail", "操作留痕", "audit trail", "the append-only, hash-chained log of events"),
    # Item kinds.
    Term("kind.decision", "议定事项", "decision", "an item a meeting decided (会议议定事项)"),
    Term("kind.task", "工作任务", "task", "a directive sentence with owners and a due phrase"),
    Term("kind.target", "目标指标", "target", "a quantified target of a work report (主要预期目标)"),
    Term("kind.suggestion", "代表建议", "suggestion", "a deputy's suggestion to the people's congress"),
    # Item states.
    Term("state.draft", "待确认", "draft", "extracted, not yet reviewed by the supervision office"),
    Term("state.confirmed", "待交办", "confirmed", "reviewed and kept, not yet handed out"),
    Term("state.assigned", "已交办", "assigned", "handed out to its units with a due date"),
    Term("state.in_progress", "办理中", "in progress", "accepted by the lead unit, or returned to it"),
    Term("state.completion_requested", "申请办结", "completion requested", "the lead unit says it is done"),
    Term("state.done", "已办结", "done", "completion approved by the supervision office"),
    Term("state.cancelled", "已撤销", "cancelled", "withdrawn, with a reason"),
    # Actions.
    Term("action.create", "录入", "create", "an item enters the ledger as a draft"),
    Term("action.confirm", "确认", "confirm", "the supervision office reviews a draft and keeps it"),
    Term("action.assign", "交办", "assign", "hand an item to its lead and co-operating units with a due date"),
    Term("action.accept", "签收", "accept", "the lead unit accepts an assigned item and starts on it"),
    Term("action.report_progress", "报送进展", "report progress", "a unit reports what it has done"),
    Term("action.request_extension", "申请延期", "request extension", "the lead unit asks to move the due date"),
    Term("action.approve_extension", "批准延期", "approve extension", "the due date moves; the old one is kept"),
    Term("action.reject_extension", "驳回延期", "reject extension", "the due date stays, with a reason"),
    Term("action.apply_completion", "申请办结", "apply for completion", "the lead unit says the item is done"),
    Term("action.approve", "批准办结", "approve completion", "the supervision office closes the item as done"),
    Term("action.return", "退回", "return", "completion refused with a reason; the item is in progress again"),
    Term("action.cancel", "撤销", "cancel", "the item is withdrawn, with a reason"),
    Term("action.remind", "催办", "remind", "the supervision office chases the units of an item"),
    Term("action.notify", "督办通知", "supervision notice", "a formal notice to the units, issued as a Word letter"),
    Term("action.interview", "约谈", "interview", "the office summons a unit's head about an item; the talk is recorded"),
    Term("action.rate", "评价", "rate", "the supervision office rates how a done item was handled"),
    Term("action.instruct", "批示", "instruct", "a leader leaves an instruction on an item"),
    Term("action.answer_instruction", "回复批示", "answer an instruction",
         "a unit of the item reports how it carries out a leader's instruction"),
    Term("action.split", "拆分", "split", "the office splits a draft into several, one per directive or unit"),
    Term("action.merge", "合并", "merge", "the office merges drafts into one"),
    # Roles.
    Term("role.admin", "系统管理员", "admin", "manages users and settings; may act as the supervision office"),
    Term("role.supervisor", "督查室", "supervisor", "the supervision office (督查室, 政府办)"),
    Term("role.unit", "承办单位联络员", "unit user", "a department liaison, bound to one unit"),
    Term("role.leader", "领导", "leader", "a mayor or deputy mayor: reads everything, leaves instructions"),
    Term("role.congress", "人大", "congress", "the people's congress office: follows deputies' suggestions"),
    # Extension requests.
    Term("extension", "延期", "extension", "a request to move an item's due date, and its decision"),
    Term("extension.pending", "待审批", "pending", "asked, not yet decided"),
    Term("extension.approved", "已批准", "approved", "the due date moved"),
    Term("extension.rejected", "已驳回", "rejected", "the due date stayed"),
    Term("extension.lapsed", "已失效", "lapsed", "the item closed before the request was decided"),
    # Ratings.
    Term("rating.excellent", "优秀", "excellent"),
    Term("rating.good", "良好", "good"),
    Term("rating.fair", "一般", "fair"),
    Term("rating.poor", "较差", "poor"),
    # Warnings (预警).
    Term("warning", "预警", "warning", "green, yellow or red from due date, progress and staleness"),
    Term("colour.green", "绿灯", "green", "on schedule"),
    Term("colour.yellow", "黄灯", "yellow", "due soon, no recent progress, or behind schedule"),
    Term("colour.red", "红灯", "red", "overdue"),
    Term("reason.overdue", "逾期", "overdue", "the due date has passed"),
    Term("reason.due_soon", "临期", "due soon", "the due date is near"),
    Term("reason.stale", "久未报送", "stale", "no progress reported for too long"),
    Term("reason.behind", "进度滞后", "behind schedule", "much of the time is gone, little of the work done"),
    Term("reminder", "催办", "reminder", "a chase sent to the units of an item"),
    # Targets (指标) and their status.
    Term("target_kind.target", "主要预期目标", "target", "a main expected target of a work report"),
    Term("target_kind.commitment", "量化任务", "commitment", "any other quantified pledge of a work report"),
    Term("bound.at_least", "以上", "at least", "the figure is a floor (≥)"),
    Term("bound.at_most", "以下", "at most", "the figure is a ceiling (≤)"),
    Term("bound.within", "以内", "within", "the figure is a ceiling (≤), as 以下"),
    Term("bound.about", "左右", "about", "the figure give or take a tolerance"),
    Term("bound.range", "区间", "range", "between a lower and an upper figure (增长4.5%—5%)"),
    Term("target_status.on_track", "进度正常", "on track", "the figure so far meets the goal or the plan by now"),
    Term("target_status.behind", "进度滞后", "behind", "the figure so far falls short of the goal or the plan"),
    Term("target_status.achieved", "已完成", "achieved", "the goal is met"),
    Term("target_status.missed", "未完成", "missed", "the year is over and the goal was not met"),
    Term("target_status.no_data", "暂无数据", "no data", "no actual value yet, or no numeric goal"),
    Term("actual", "实际值", "actual value", "a figure a unit enters for a month or quarter"),
    Term("column.target_id", "指标编号", "target id", "import template: which target the row is for"),
    Term("column.indicator", "指标名称", "indicator", "import template: the indicator, checked against the id"),
    Term("column.period", "期间", "period", "import template: a month (2024-03) or a quarter (2024-Q3)"),
    Term("column.value", "实际值", "value", "import template: the figure, in the target's unit"),
    Term("column.unit", "单位", "unit", "import template: the figure's unit when not the target's (万人)"),
    Term("column.note", "备注", "note", "import template: a remark"),
    # Deputies' suggestions (代表建议) and their handling.
    Term("deputy", "代表", "deputy", "a deputy to the people's congress who made a suggestion"),
    Term("suggestion_lead", "主办", "lead unit", "the unit that handles a suggestion and replies (主办单位)"),
    Term("suggestion_co", "协办", "co-operating unit", "a unit that gives the lead its opinion (协办单位)"),
    Term("reply_due", "答复期限", "reply deadline", "three months from assignment by default"),
    Term("procedure.suggestion", "代表建议", "deputy's suggestion", "answered within three months; the deputy "
                                                                  "evaluates the reply"),
    Term("procedure.review", "审议意见", "review point", "a point of the deputies' review of the government's "
                                                     "reports; a report on its handling is due, no evaluation"),
    Term("procedure_reply.suggestion", "答复", "reply", "the lead unit's answer to the deputy"),
    Term("procedure_reply.review", "研究处理情况报告", "handling report", "how a review point was studied and handled"),
    Term("review_due", "报告期限", "report deadline", "of a review point's handling report; two months by default"),
    Term("suggestion_state.registered", "待交办", "registered", "entered or extracted, not yet handed out"),
    Term("suggestion_state.assigned", "办理中", "assigned", "with its units; a reply is due"),
    Term("suggestion_state.replied", "已答复", "replied", "the lead unit replied; the deputy's evaluation is awaited"),
    Term("suggestion_state.rehandling", "重新办理", "re-handling", "the deputy was not satisfied; a new reply is due"),
    Term("suggestion_state.closed", "已办结", "closed", "evaluated satisfied, or the rounds allowed are used up"),
    Term("suggestion_action.assign", "交办", "assign", "hand a suggestion to a lead and co-operating units"),
    Term("suggestion_action.reassign", "调整交办", "reassign", "hand a suggestion to other units"),
    Term("suggestion_action.co_opinion", "协办意见", "co-operating opinion", "a co-operating unit's input"),
    Term("suggestion_action.reply", "答复", "reply", "the lead unit's answer to the deputy"),
    Term("suggestion_action.evaluate", "满意度测评", "evaluate", "the deputy's satisfaction with the reply"),
    Term("suggestion_action.remind", "催办", "remind", "chase the units of a suggestion"),
    Term("satisfaction.satisfied", "满意", "satisfied"),
    Term("satisfaction.basically_satisfied", "基本满意", "basically satisfied"),
    Term("satisfaction.dissatisfied", "不满意", "dissatisfied", "opens a re-handling round"),
    Term("outcome.solved", "已解决或基本解决", "solved", "A: the matter is solved or basically solved"),
    Term("outcome.planned", "列入计划逐步解决", "planned", "B: in a plan, to be solved step by step"),
    Term("outcome.explained", "因条件限制留作参考", "explained", "C: cannot be done now; explained to the deputy"),
    # Promise versus delivery (承诺与兑现).
    Term("delivery", "承诺兑现", "promise versus delivery", "last year's pledges against the results reported"),
    Term("verdict.achieved", "已兑现", "achieved", "the reported result meets the pledge"),
    Term("verdict.missed", "未兑现", "missed", "the reported result falls short of the pledge"),
    Term("verdict.unclear", "待核实", "unclear", "the result cannot be compared with the pledge by rule"),
    # The fields a form or request fills in, as messages about them name them.
    *(Term(f"field.{key}", label, key.replace("_", " ")) for key, label in (
        ("title", "标题"), ("text", "内容"), ("reason", "理由"), ("note", "备注"), ("due", "完成时限"),
        ("due_text", "原文期限"), ("number", "文号"), ("lead_units", "牵头单位"), ("co_units", "配合单位"),
        ("units", "单位"), ("unit", "单位"), ("attachments", "佐证材料"), ("percent", "完成进度"), ("kind", "类别"),
        ("rating", "评价"), ("version", "版本号"), ("action", "操作"), ("username", "用户名"), ("password", "密码"),
        ("role", "角色"), ("name", "名称"), ("into", "并入单位"), ("parent_id", "上级单位"), ("page", "页码"),
        ("per_page", "每页条数"), ("item_id", "事项编号"), ("org_id", "单位编号"), ("user_id", "用户编号"),
        ("document_id", "文件编号"), ("target_id", "指标编号"), ("suggestion_id", "建议编号"), ("ids", "事项编号"),
        ("dues", "各事项的完成时限"), ("file", "文件"), ("files", "文件"), ("q", "搜索词"), ("year", "年份"),
        ("state", "状态"), ("status", "状态"), ("format", "格式"), ("satisfaction", "满意度"), ("outcome", "办理结果"),
        ("lead_unit", "主办单位"), ("category", "类别"), ("deputies", "代表"), ("value", "数值"), ("period", "期间"),
        ("confirm_past_due", "确认逾期交办"), ("filter", "筛选条件"), ("versions", "各事项的版本号"),
        ("start", "开始日期"), ("end", "结束日期"), ("from", "开始日期"), ("to", "结束日期"), ("genre", "文种"),
        ("warning", "预警"), ("sort", "排序"), ("document", "来源文件"), ("link_id", "对照编号"),
        ("channel_id", "渠道编号"), ("job_id", "任务编号"), ("token_id", "令牌编号"), ("active", "是否启用"),
        ("display_name", "姓名"), ("webhook_url", "机器人地址"), ("webhook_format", "消息格式"), ("mobiles", "手机号"),
        ("target", "地址"), ("secret", "密钥"), ("ttl_days", "有效天数"), ("indicator", "指标名称"),
        ("due_from", "完成时限起"), ("due_to", "完成时限止"), ("cursor", "翻页位置"))),
)

TERMS: dict[str, Term] = {t.key: t for t in _TERMS}
if len(TERMS) != len(_TERMS):
    raise RuntimeError("a glossary key is defined twice")


def zh(key: str) -> str:
    """The Chinese label of a term: `zh("state.in_progress")` → `"办理中"`."""
    try:
        return TERMS[key].zh
    except KeyError:
        raise KeyError(f"no glossary term {key!r}; terms are: {', '.join(sorted(TERMS))}") from None


def terms(prefix: str) -> dict[str, str]:
    """`{identifier: Chinese label}` of one family: `terms("state")` → `{"draft": "待确认", …}`."""
    head = prefix + "."
    return {k[len(head):]: t.zh for k, t in TERMS.items() if k.startswith(head)}


def field(name: str) -> str:
    """How a message names the field `name` (`due` → 完成时限); a field the glossary lacks keeps its name."""
    term = TERMS.get(f"field.{name}")
    return term.zh if term else f"“{name}”"
