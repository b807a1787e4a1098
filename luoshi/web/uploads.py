"""An uploaded document into the store: the file is written under its own name to a private temporary
folder, ingested like any file (`luoshi.store.ingest`), and the folder removed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from fastapi import UploadFile
from sqlalchemy.orm import Session

from luoshi.errors import ReadError
from luoshi.ledger import Actor
from luoshi.settings import Settings
from luoshi.store.items import ItemView

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Uploaded:
    document_id: int
    outcome: str  # inserted | unchanged | new_version
    items: list[ItemView]


def safe_name(filename: str | None) -> str:
    """The file's base name without any folder part, so an upload cannot write outside its folder."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    if not name or name in (".", ".."):
        raise ReadError(filename or "(no name)", "the upload has no file name")
    return name


def ingest_upload(session: Session, *, file: UploadFile, actor: Actor, settings: Settings) -> Uploaded:
    raise NotImplementedError  # filled in when luoshi.store.ingest lands


def outcome_text(result: Uploaded) -> str:
    if result.outcome == "unchanged":
        return "与已存文件相同，未重复入库"
    return f"抽取督办事项 {len(result.items)} 项，待确认"
