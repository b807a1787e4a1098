"""JSON answers of the API's busiest routes (the ledger, an item, search), serialised straight from the
route's dict by orjson.

A route that returns a dict has FastAPI validate it against its `response_model` and serialise it again:
for a ledger page of 50 items that is ~0.4 ms of a request's ~5 ms of Python, spent checking dicts the
presenters (`luoshi.web.present`) built to the schema in the first place. These routes keep their
`response_model` for the OpenAPI document and return a `FastJSON`, which FastAPI passes on as it is.
The dicts hold only JSON's own types (dates are already ISO strings), so the bytes are those FastAPI would
have sent, in the same field order.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class FastJSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
