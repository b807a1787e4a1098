"""luoshi's settings: one typed object read from `LUOSHI_*` environment variables (and a `.env` file).

Every setting has a name, a default and a help text; the README's settings table lists them all (a test
checks it). Library code takes a `Settings` argument where it needs one; `get_settings()` is the default.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from luoshi.errors import SettingsError
from luoshi.ledger.due import DuePolicy
from luoshi.ledger.warnings import WarningPolicy

PLACEHOLDER_SECRET = "change-me"


class Settings(BaseSettings):
    """All settings of a luoshi deployment. Environment variable = `LUOSHI_` + the upper-case name."""

    model_config = SettingsConfigDict(env_prefix="LUOSHI_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="development, test or production; production refuses a placeholder secret_key.")
    database_url: str = Field(
        "sqlite:///./luoshi.sqlite3",
        description="SQLAlchemy URL of the database: a SQLite file, or postgresql+psycopg://user@host/db.")
    secret_key: str = Field(
        PLACEHOLDER_SECRET, description="Secret for signing sessions and tokens; must be set outside development.")
    audit_key: str | None = Field(
        None, description="Optional key for the audit chain (HMAC-SHA256 instead of SHA-256); keep it outside "
                          "the database so that a forged entry cannot be re-hashed.")
    timezone: str = Field("Asia/Shanghai", description="Time zone of 'today' for due dates and warnings.")
    due_decision: str = Field("30d", description="Default due rule of a decision (议定事项) when the text fixes "
                                                 "no date: 30d, 8w, 3m, 1y or year_end after assignment.")
    due_task: str = Field("30d", description="Default due rule of a task (工作任务) when the text fixes no date.")
    due_target: str = Field("year_end", description="Default due rule of a target (目标指标).")
    due_suggestion: str = Field("3m", description="Default due rule of a deputy's suggestion (代表建议): the "
                                                  "reply period, three months by law.")
    warning_near_days: int = Field(7, ge=0, description="Yellow when the due date is this many days away or fewer.")
    warning_stale_days: int = Field(30, ge=0, description="Yellow when no progress was reported for this many days.")
    warning_behind_points: int | None = Field(
        50, ge=0, description="Yellow when the share of time gone exceeds the percent done by this many points "
                              "(empty: off).")
    ocr_page_budget: int = Field(50, ge=0, description="Pages of one document that may be read by OCR (scans "
                                                       "and photos); a document with more is refused.")
    ocr_threads: int = Field(0, ge=0, description="Threads the OCR engine runs on (0: one per CPU core).")
    webhook_timeout: float = Field(5.0, gt=0, description="Seconds to wait for a unit's reminder webhook.")
    base_url: str = Field("http://127.0.0.1:8000", description="The public address of the web app, for links in "
                                                              "reminders sent to webhooks.")
    # -- evidence files (佐证材料) and notifications (luoshi.files, luoshi.notify) --
    data_dir: str = Field("./luoshi-data", description="Folder of files kept outside the database: evidence files "
                                                      "under files/ (unless S3 storage is set).")
    files_max_mb: int = Field(20, ge=1, description="Largest evidence file accepted, in MB.")
    files_max_count: int = Field(10, ge=1, description="Most evidence files attached to one report at once.")
    files_s3_bucket: str | None = Field(None, description="S3-compatible bucket for evidence files (MinIO, a "
                                                         "cloud's object storage); empty: the data_dir folder.")
    files_s3_endpoint: str | None = Field(None, description="Endpoint URL of the S3-compatible storage "
                                                           "(e.g. http://127.0.0.1:9000 for MinIO).")
    files_s3_region: str | None = Field(None, description="Region of the S3 bucket, if the storage needs one.")
    files_s3_access_key: str | None = Field(None, description="Access key of the S3 storage.")
    files_s3_secret_key: str | None = Field(None, description="Secret key of the S3 storage.")
    remind_before_days: int = Field(3, ge=0, description="Notify a unit this many days before an item falls due.")
    remind_stale_days: int = Field(14, ge=1, description="Notify a unit when it has not reported on an item for "
                                                         "this many days (again every as many days).")
    smtp_host: str | None = Field(None, description="SMTP server for e-mail notices (empty: e-mail channels wait).")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_user: str | None = Field(None, description="SMTP login, if the server needs one.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_from: str = Field("luoshi@localhost", description="Sender address of e-mail notices.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS on the SMTP connection.")
    worker_poll_seconds: float = Field(5.0, gt=0, description="Seconds between two passes of the notification "
                                                              "worker over the outbox.")
    serve_jobs: bool = Field(True, description="`luoshi serve` also sends notifications while no `luoshi worker` "
                                               "is running (the one-machine default).")
    web_threads: int | None = Field(
        None, ge=1, description="Requests one server process works on at once in its worker threads (default: 8 on "
                                "SQLite, 16 on PostgreSQL, whose requests also wait on the network); more only "
                                "wait for Python's interpreter lock and slow every request down.")
    database_pool_size: int | None = Field(
        None, ge=1, description="Database connections one server process keeps open (default: one per worker "
                                "thread); as many more are opened at peaks and closed after use.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; write e.g. Asia/Shanghai") from None
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret(self) -> "Settings":
        if self.environment != "development" and self.secret_key in (PLACEHOLDER_SECRET, ""):
            raise ValueError(f"LUOSHI_SECRET_KEY is the placeholder {PLACEHOLDER_SECRET!r} in {self.environment}: "
                             "set it to a long random string (python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))')")
        DuePolicy(self.due_decision, self.due_task, self.due_target, self.due_suggestion)
        return self

    @property
    def threads(self) -> int:
        """`web_threads`, or its default for the database: a PostgreSQL request also waits on the network,
        so more of them in flight keep the processor busy (bench/api_load.py: worst p95 92-111 ms with 4
        threads, 86-105 with 8, 77-83 with 16); SQLite's are done sooner with 8 (66-80 vs 73-91 ms)."""
        return self.web_threads or (16 if self.database_url.startswith("postgresql") else 8)

    @property
    def pool_size(self) -> int:
        """`database_pool_size`, or one connection per worker thread."""
        return self.database_pool_size or self.threads

    @property
    def due_policy(self) -> DuePolicy:
        return DuePolicy(self.due_decision, self.due_task, self.due_target, self.due_suggestion)

    @property
    def warning_policy(self) -> WarningPolicy:
        return WarningPolicy(self.warning_near_days, self.warning_stale_days, self.warning_behind_points)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def audit_key_bytes(self) -> bytes | None:
        return self.audit_key.encode("utf-8") if self.audit_key else None


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and `overrides`), or SettingsError naming every bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"LUOSHI_{'_'.join(map(str, e['loc'])).upper() or 'SETTINGS'}: {e['msg']}"
                             for e in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from None
    except Exception as exc:  # a DuePolicy rule raises the ledger's InvalidValue
        raise SettingsError(f"invalid settings: {exc}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
