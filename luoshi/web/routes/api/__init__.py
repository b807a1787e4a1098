"""The JSON API under /api: bearer tokens (POST /api/token), documents, items, organisations, users."""

from fastapi import APIRouter

from luoshi.web.deps import TextChecked

from luoshi.web.routes.api import auth, dashboard, documents, items, orgs, users, workspace
from luoshi.web.routes.api import delivery, suggestions, targets
from luoshi.web.routes.api import evidence, exports, instructions, office, public, search, tokens

router = APIRouter(dependencies=[TextChecked])
for module in (auth, tokens, search, exports, public,  # the exports' /targets/export before /targets/{id}
               dashboard, documents, evidence, office, items, workspace, orgs, users, targets, delivery, suggestions,
               instructions):
    router.include_router(module.router)
