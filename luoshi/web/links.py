"""The links of pages' filters, pagers and figures: a path and its query string, the query made once.

A dashboard makes some sixty links a request and a list page ten, mostly the same from request to request,
so a query string is kept by the parameters it is made of (`urlencode` quotes every key and value: keeping
them saved 2 % of a dashboard's instructions, `bench/instructions.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode


def link(path: str, **params: Any) -> str:
    """`path` with the parameters that are not None or "" as its query (none: the bare path)."""
    query = _query(params)
    return f"{path}?{query}" if query else path


def filter_link(path: str, filters: Mapping[str, Any], **changes: Any) -> str:
    """A list page's link: its `filters` with `changes`, the empty ones and page 1 left out."""
    return f"{path}?{_query({k: v for k, v in {**filters, **changes}.items() if (k, v) != ('page', 1)})}"


def _query(params: Mapping[str, Any]) -> str:
    """`urlencode` of the parameters that are not None or "", kept: the values are made text first (as
    urlencode would), so equal parameters make one key and 1 and True do not."""
    return _encoded(tuple((k, v if type(v) is str else str(v)) for k, v in params.items() if v not in (None, "")))


@lru_cache(maxsize=4096)
def _encoded(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs)
