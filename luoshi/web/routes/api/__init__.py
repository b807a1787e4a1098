"""The JSON API under /api: bearer tokens (POST /api/token), documents, items, organisations, users."""

from fastapi import APIRouter

from luoshi.web.routes.api import auth, dashboard, documents, items, orgs, users, workspace
from luoshi.web.routes.api import delivery, suggestions, targets
from luoshi.web.routes.api import evidence, exports, public, search
from luoshi.web.routes.api import office

router = APIRouter()
for module in (auth, search, exports, public,  # the exports' /targets/export before /targets/{id}
               dashboard, documents, evidence, office, items, workspace, orgs, users, targets, delivery, suggestions):
    router.include_router(module.router)
