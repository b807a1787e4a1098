"""The pages (Chinese UI): one module per page; each GET has a JSON twin under /api."""

from fastapi import APIRouter

from luoshi.web.routes.pages import auth, documents, items, ledger, orgs, users, workspace

router = APIRouter(include_in_schema=False)
for module in (auth, ledger, items, documents, workspace, orgs, users):
    router.include_router(module.router)
