"""A request's values the framework refused (FastAPI/pydantic's 422), said in Chinese, naming the field:
`完成时限“31.12.2030”不是日期：请按年-月-日填写`. The error's `type` picks the sentence; its `ctx` fills it."""

from __future__ import annotations

import re
from typing import Any

from luoshi import glossary

# By the error's `type`: what is wrong with the field, `{ctx}` filled from the error.
SAID = {
    "missing": "缺少{field}：请填写",
    "json_invalid": "提交的内容不是有效的 JSON：请检查格式后重新提交",
    "int_parsing": "{field}须为整数",
    "int_type": "{field}须为整数",
    "int_from_float": "{field}须为整数",
    "float_parsing": "{field}须为数字",
    "float_type": "{field}须为数字",
    "bool_parsing": "{field}须为 true 或 false",
    "bool_type": "{field}须为 true 或 false",
    "string_type": "{field}须为文字",
    "list_type": "{field}须为列表",
    "dict_type": "{field}须为对象（键和值）",
    "model_attributes_type": "{field}须为对象（键和值）",
    "model_type": "{field}须为对象（键和值）",
    "date_parsing": "{field}不是日期：请按年-月-日填写，如 2030-06-30",
    "date_from_datetime_parsing": "{field}不是日期：请按年-月-日填写，如 2030-06-30",
    "date_from_datetime_inexact": "{field}须为日期，不带时刻",
    "date_type": "{field}不是日期：请按年-月-日填写，如 2030-06-30",
    "datetime_parsing": "{field}不是时间：请按年-月-日 时:分填写",
    "datetime_from_date_parsing": "{field}不是时间：请按年-月-日 时:分填写",
    "greater_than_equal": "{field}须不小于 {ge}",
    "greater_than": "{field}须大于 {gt}",
    "less_than_equal": "{field}须不大于 {le}",
    "less_than": "{field}须小于 {lt}",
    "string_too_short": "{field}至少 {min_length} 个字符",
    "string_too_long": "{field}最多 {max_length} 个字符",
    "too_short": "{field}至少 {min_length} 项",
    "too_long": "{field}最多 {max_length} 项",
    "string_pattern_mismatch": "{field}格式不对",
    "enum": "{field}“{input}”无法识别：可选{expected}",
    "literal_error": "{field}“{input}”无法识别：可选{expected}",
    "extra_forbidden": "不接受{field}：请去掉它",
    "uuid_parsing": "{field}格式不对",
}
QUOTED = re.compile(r"'([^']*)'")


def message(error: dict[str, Any]) -> str:
    """The Chinese sentence of one pydantic error (`{"type", "loc", "input", "ctx"}`)."""
    ctx = {k: _choices(v) if k == "expected" else v for k, v in (error.get("ctx") or {}).items()}
    text = SAID.get(error.get("type", ""), "{field}填写有误：请检查后重新提交")
    name = field_of(error.get("loc", ()))
    try:
        return text.format(field=name, input=_short(error.get("input")), **ctx)
    except (KeyError, IndexError):  # a sentence whose detail this error lacks
        return f"{name}填写有误：请检查后重新提交"


def field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field an error's location names, by its Chinese name: `("body", "due")` → 完成时限; a position in a
    list (`("body", "ids", 3)`) is the list's field; the whole body is 提交的内容."""
    names = [str(p) for p in loc if isinstance(p, str) and p not in ("body", "query", "path", "form", "header", "cookie")]
    return glossary.field(names[-1]) if names else "提交的内容"


def _choices(expected: Any) -> str:
    """`"'confirm', 'assign' or 'remind'"` → `confirm、assign、remind`."""
    found = QUOTED.findall(str(expected))
    return "、".join(found) if found else str(expected)


def _short(value: Any) -> str:
    text = str(value) if not isinstance(value, (dict, list)) else "…"
    return text if len(text) <= 30 else text[:30] + "…"
