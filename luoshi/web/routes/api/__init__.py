"""The JSON API under /api: bearer tokens (POST /api/token), documents, items, organisations, users."""

from fastapi import APIRouter

from luoshi.web.routes.api import auth, documents, items, orgs, users, workspace

router = APIRouter()
for module in (auth, documents, items, workspace, orgs, users):
    router.include_router(module.router)
