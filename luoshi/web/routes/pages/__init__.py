"""The pages (Chinese UI): one module per page; each GET has a JSON twin under /api."""

from fastapi import APIRouter

from luoshi.web.routes.pages import auth, dashboard, documents, items, ledger, orgs, users, workspace
from luoshi.web.routes.pages import delivery, suggestions, targets

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, ledger, items, documents, workspace, orgs, users, targets, delivery, suggestions):
    router.include_router(module.router)
