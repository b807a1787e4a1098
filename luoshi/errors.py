"""The one exception hierarchy of luoshi.

Library code raises these; only the edges (CLI, web) turn them into exit codes or HTTP statuses.
Every message names the file or value at fault and what would be valid.
"""


class LuoshiError(Exception):
    """Base of every error luoshi raises on purpose."""


class ReadError(LuoshiError):
    """A document could not be read: missing, unreadable, empty, binary, unsupported or damaged."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UnsupportedFormat(ReadError):
    """The file's format is not one luoshi reads (TXT, DOCX, PDF)."""


class NoTextLayer(ReadError):
    """A PDF whose pages carry no text (a scan): OCR is not supported."""


class ExtractionError(LuoshiError):
    """A stage of the extraction pipeline failed on a document."""
