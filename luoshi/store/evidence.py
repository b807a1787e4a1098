"""Evidence files (佐证材料) of progress reports and completion applications: their table, storing an
upload's files before the report is written, the office's rule of which kinds of item need evidence to
apply for completion, and reading an item's files as whoever may see the item.

The files themselves are blobs by SHA-256 (`luoshi.files.storage`), outside the database; a row here
names one on one report (the item version of the event that carried it). A blob stored for a report that
was then refused is left unreferenced, which costs only its space (the same content is stored once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from luoshi.errors import NotFound
from luoshi.files import BlobStore, check_upload, sha256_of
from luoshi.files.kinds import KINDS, FileKind
from luoshi.files.previews import page_count, thumbnail
from luoshi.ledger import Action, Actor, Item, Kind, MissingField, PermissionDenied
from luoshi.ledger.actors import OFFICE
from luoshi.store.kept import Kept
from luoshi.store.models import Base


class AttachmentRow(Base):
    """One evidence file on one progress report or completion application (`item_id`, `version`)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_item_id_version", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)  # the item version of the event that carried the file
    name: Mapped[str] = mapped_column(String(255))  # as uploaded
    kind: Mapped[str] = mapped_column(String(16))  # a `luoshi.files.kinds.KINDS` key, from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)  # of a PDF
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class EvidenceRuleRow(Base):
    """Whether a completion application of items of `kind` must carry at least one evidence file."""

    __tablename__ = "evidence_rules"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]


@dataclass(frozen=True)
class StoredFile:
    """An upload checked and put in the blob store, not yet on a report."""

    name: str
    kind: FileKind
    size: int
    sha256: str
    thumbnail_sha256: str | None
    pages: int | None


@dataclass(frozen=True)
class AttachmentView:
    id: int
    item_id: int
    version: int
    name: str
    kind: FileKind
    size: int
    sha256: str
    has_thumbnail: bool
    pages: int | None
    by: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        base = f"/items/{self.item_id}/files/{self.id}"
        return {"id": self.id, "version": self.version, "name": self.name, "kind": self.kind.key,
                "kind_label": self.kind.label, "content_type": self.kind.mime, "size": self.size,
                "sha256": self.sha256, "image": self.kind.image, "previewable": self.kind.previewable,
                "pages": self.pages, "by": self.by, "at": self.at.isoformat(),
                "download_url": base, "preview_url": f"{base}/preview" if self.kind.previewable else None,
                "thumbnail_url": f"{base}/thumbnail" if self.has_thumbnail else None}


def store_files(uploads: Iterable[tuple[str, bytes]], *, blobs: BlobStore, max_bytes: int,
                max_count: int) -> list[StoredFile]:
    """Check every upload (type by content, size) and put it and its thumbnail in `blobs`; FileRefused
    for the first one that fails, before any is stored."""
    from luoshi.errors import FileRefused

    uploads = [(name, data) for name, data in uploads if name or data]
    if len(uploads) > max_count:
        raise FileRefused(f"{len(uploads)} 个文件", f"一次最多上传 {max_count} 个文件，请分次报送")
    checked = [(name, data, check_upload(name, data, max_bytes=max_bytes)) for name, data in uploads]
    out = []
    for name, data, kind in checked:
        sha = sha256_of(data)
        blobs.put(sha, data)
        thumb = thumbnail(kind, data)
        thumb_sha = None
        if thumb is not None:
            thumb_sha = sha256_of(thumb)
            blobs.put(thumb_sha, thumb)
        out.append(StoredFile(name[-255:], kind, len(data), sha, thumb_sha,
                              page_count(data) if kind.key == "pdf" else None))
    return out


# -- the office's rule: evidence required to apply for completion ------------------------------------

def evidence_rules(session: Session) -> dict[str, bool]:
    """`{kind: required}` for every kind of item (False where the office has set nothing)."""
    stored = {r.kind: r.required for r in _RULES.all(session)}
    return {k.value: bool(stored.get(k.value, False)) for k in Kind}


_RULES = Kept(select(EvidenceRuleRow.kind, EvidenceRuleRow.required))  # asked by every item page


def set_evidence_rules(session: Session, *, actor: Actor, required: Iterable[str],
                       now: datetime | None = None) -> dict[str, bool]:
    """The office sets which kinds of item need evidence to apply for completion (the others don't). Commits."""
    if actor.role not in OFFICE:
        raise PermissionDenied("只有督查室可以设置办结佐证要求")
    wanted = {Kind(k).value for k in required}
    now = now or datetime.now(UTC)
    for kind in Kind:
        row = session.get(EvidenceRuleRow, kind.value)
        if row is None:
            row = EvidenceRuleRow(kind=kind.value, required=False, updated_by=actor.id, updated_at=now)
            session.add(row)
        if row.required != (kind.value in wanted):
            row.required, row.updated_by, row.updated_at = kind.value in wanted, actor.id, now
    session.commit()
    return evidence_rules(session)


def check_evidence(session: Session, item: Item, action: Action | str, files: Sequence[StoredFile]) -> None:
    """MissingField when `action` applies for completion of an item whose kind needs evidence, without any."""
    if str(action) != Action.APPLY_COMPLETION.value or files:
        return
    row = session.get(EvidenceRuleRow, item.kind.value)
    if row is not None and row.required:
        raise MissingField(f"督查室要求{item.kind.label}申请办结须附佐证材料：请上传照片、PDF、Word 或 Excel "
                           "文件后再提交", "files")


# -- on reports -----------------------------------------------------------------------------------------

def record_attachments(session: Session, *, item_id: int, version: int, files: Sequence[StoredFile],
                       unit: str | None, by: str, at: datetime) -> None:
    """The rows of the files an event carried (in the event's transaction; does not commit)."""
    session.add_all(AttachmentRow(item_id=item_id, version=version, name=f.name, kind=f.kind.key, size=f.size,
                                  sha256=f.sha256, thumbnail_sha256=f.thumbnail_sha256, pages=f.pages,
                                  unit_id=int(unit) if unit else None, by=by, at=at) for f in files)


def _view(r: Any) -> AttachmentView:  # an AttachmentRow, or a row of its columns
    return AttachmentView(r.id, r.item_id, r.version, r.name, KINDS[r.kind], r.size, r.sha256,
                          r.thumbnail_sha256 is not None, r.pages, r.by, r.at)


def attachments_of(session: Session, *, item_id: int | str, actor: Actor) -> list[AttachmentView]:
    """An item's evidence files, oldest first; NotFound when the item is not the actor's to see."""
    from luoshi.store.items import visible_id

    return files_of(session, visible_id(session, item_id, actor))


def files_of(session: Session, item_id: int) -> list[AttachmentView]:
    """The evidence files of an item the caller has already found the actor may see, oldest first."""
    return [_view(r) for r in _FILES.all(session, {"item_id": item_id})]


# Read with every item (a kept statement, Core rows: `luoshi.store.kept`).
_FILES = Kept(select(*(AttachmentRow.__table__.c[name] for name in ("id", "item_id", "version", "name", "kind", "size",
                                                                    "sha256", "thumbnail_sha256", "pages", "by", "at")))
              .where(AttachmentRow.item_id == bindparam("item_id")).order_by(AttachmentRow.version, AttachmentRow.id))


def get_attachment(session: Session, *, item_id: int | str, attachment_id: int, actor: Actor) -> AttachmentRow:
    """One file of an item, as its row (with its blob hashes); NotFound — the item's 404 — when the item is
    not the actor's to see or holds no such file."""
    from luoshi.store.items import visible_id

    key = visible_id(session, item_id, actor)
    row = session.get(AttachmentRow, attachment_id)
    if row is None or row.item_id != key:
        raise NotFound.of("item")
    return row


def attachment_view(row: AttachmentRow) -> AttachmentView:
    return _view(row)


