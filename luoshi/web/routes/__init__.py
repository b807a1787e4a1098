"""The routes: `api` (JSON under /api) and `pages` (HTML), one module per resource or page."""
