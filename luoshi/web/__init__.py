"""The web app: FastAPI serving the JSON API under /api and the Chinese pages (Jinja2 + htmx).

`create_app()` in `app.py` builds it; routes stay thin: parse input, call one store function, render.
"""
