"""A bounded property-based fuzz of every API operation (schemathesis against /openapi.json, issue 10
finding 8): whatever the parameters and bodies, no answer is a 500. The caller is the admin (every
operation is theirs to try) with a fresh bearer token per case, on SQLite holding items and a suggestion;
a few examples per operation keep the whole run under a minute."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from luoshi.store import users as store_users
from webfixtures import web_sqlite  # noqa: F401

EXAMPLES = 4


def test_no_api_operation_answers_500(web_sqlite):
    web = web_sqlite
    web.item("in_progress")
    web.item("draft", title="研究跨境电商扶持政策")
    web.api("office").post("/api/suggestions", json={"title": "关于增加学位的建议", "deputies": ["王芳"]})
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    failures, tried, calls = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck), derandomize=True)
        def call(case):
            with web.db.session() as s:
                token = store_users.create_token(s, user_id=web.users["admin"].id, name="fuzz")
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body, response.status_code,
                                 response.text[:300]))

        call()
    assert tried > 50 and len(calls) >= 2 * tried and failures == []
