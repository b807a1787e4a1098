"""The JSON API under /api: bearer tokens (POST /api/token), documents, items, organisations, users."""

from luoshi.web.deps import Router, TextChecked

from luoshi.web.routes.api import auth, dashboard, documents, items, orgs, users, workspace
from luoshi.web.routes.api import delivery, suggestions, targets
from luoshi.web.routes.api import evidence, exports, instructions, office, public, search, tokens

router = Router(dependencies=[TextChecked])
# The busiest routes first (FastAPI tries the routes in turn, a few µs each); the exports' /targets/export
# before /targets/{id}.
for module in (items, search, dashboard, auth, tokens, exports, public, documents, evidence, office, workspace, orgs,
               users, targets, delivery, suggestions, instructions):
    router.include_router(module.router)
