"""Evidence files (佐证材料): what a file is by its first bytes, the limits an upload must meet, thumbnails
and page images for previews, and the blob storage that keeps files by content hash outside the database.

- `kinds`: `sniff(name, data)` → `FileKind` (JPEG, PNG, GIF, WebP, PDF, Word, Excel), refusing the rest;
- `storage`: `BlobStore` (put/get/exists/delete by SHA-256), `FileSystemStore`, `S3Store`, `blob_store(settings)`;
- `previews`: `thumbnail(kind, data)` and `pdf_page(data, n)`, images for the browser.
"""

from luoshi.files.kinds import FileKind, check_upload, sniff
from luoshi.files.storage import BlobStore, FileSystemStore, S3Store, blob_store, sha256_of

__all__ = ["BlobStore", "FileKind", "FileSystemStore", "S3Store", "blob_store", "check_upload", "sha256_of", "sniff"]
