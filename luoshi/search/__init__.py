"""One Chinese-aware full-text index over documents, items, targets and suggestions, on SQLite (FTS5)
and PostgreSQL (tsvector): the store feeds it `SearchEntry` rows, the web asks it `search(...)`.
"""

from luoshi.search.entries import KINDS, SearchEntry, clear, index, remove
from luoshi.search.query import Hit, SearchResults, search
from luoshi.search.schema import create_schema, drop_schema, drop_statements, is_search_table, statements

__all__ = ["KINDS", "Hit", "SearchEntry", "SearchResults", "clear", "create_schema", "drop_schema",
           "drop_statements", "index", "is_search_table", "remove", "search", "statements"]
