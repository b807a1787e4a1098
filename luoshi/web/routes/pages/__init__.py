"""The pages (Chinese UI): one module per page; each GET has a JSON twin under /api."""

from luoshi.web.deps import Router, TextChecked

from luoshi.web.routes.pages import account, auth, dashboard, documents, items, ledger, orgs, users, workspace
from luoshi.web.routes.pages import delivery, suggestions, targets
from luoshi.web.routes.pages import exports, public, search
from luoshi.web.routes.pages import batch, files, instructions, notifications, office

router = Router(include_in_schema=False, dependencies=[TextChecked])
# The busiest pages first (FastAPI tries the routes in turn, a few µs each); the exports' /targets/export
# before /targets/{id}.
for module in (ledger, dashboard, items, auth, account, search, exports, public, batch, office, files, documents,
               workspace, orgs, users, targets, delivery, suggestions, notifications, instructions):
    router.include_router(module.router)
