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


class FileRefused(ReadError):
    """An evidence file luoshi does not accept: empty, too large, of a type not allowed, or its name and
    content disagree (HTTP 422; the message, in Chinese, says what would be accepted)."""


class ExtractionError(LuoshiError):
    """A stage of the extraction pipeline failed on a document."""


class StoreError(LuoshiError):
    """The database refused or could not do what was asked (not migrated, unreachable, inconsistent)."""


class NotFound(StoreError):
    """No such row, or one the user may not see (the web answers 404 for both, so as not to reveal it)."""

    @classmethod
    def of(cls, what: str) -> "NotFound":
        """The one message for a missing `what` (a MISSING key): it names neither the id asked for nor
        whether the row exists, and says where to find what is there."""
        return cls(MISSING[what])


# What a user reads when a thing is not there (or not theirs to see), with where to look instead.
MISSING = {
    "item": "没有这个督办事项，或您无权查看：请从督办台账中重新打开",
    "document": "没有这份文件：请从文件列表中重新打开",
    "page": "这份文件没有这一页的图像：请从文件页面中重新打开",
    "published": "没有这份公开文件，或它已不再公开：请从政务公开页面中重新打开",
    "target": "没有这个目标指标：请从目标指标列表中重新打开",
    "suggestion": "没有这件代表建议，或您无权查看：请从代表建议列表中重新打开",
    "link": "没有这条承诺兑现对照：请从承诺兑现页面中重新打开",
    "unit": "没有这个单位：请从单位名录中选择",
    "channel": "没有这个通知渠道：请从通知设置页面中重新选择",
    "job": "没有这项识别任务，或它已被清理：请重新上传文件",
}


class AlreadyExists(StoreError):
    """A unique name is taken: a username, an organisation name (HTTP 409)."""


class AuthenticationFailed(LuoshiError):
    """Wrong username or password, or an unknown, revoked or expired token (HTTP 401)."""


class SettingsError(LuoshiError):
    """A setting has a value luoshi cannot run with (a placeholder secret in production, a bad URL)."""


class SearchError(LuoshiError):
    """The search index was asked for something it does not hold: an unknown kind, an unknown database."""


class InvalidCursor(LuoshiError):
    """A paging cursor (下一页/上一页 position) that luoshi did not issue, or issued for another list or order
    (HTTP 400; the message, in Chinese, says to page again from the start)."""
