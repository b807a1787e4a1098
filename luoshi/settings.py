"""luoshi's settings: one typed object read from `LUOSHI_*` environment variables (and a `.env` file).

Every setting has a name, a default and a help text; the README's settings table lists them all (a test
checks it). Library code takes a `Settings` argument where it needs one; `get_settings()` is the default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from luoshi.errors import SettingsError
from luoshi.ledger.due import DuePolicy
from luoshi.ledger.warnings import WarningPolicy

PLACEHOLDER_SECRET = "change-me"
# Keys that have been published (in docs, examples, earlier defaults) and so sign nothing.
PLACEHOLDERS = frozenset({PLACEHOLDER_SECRET, "changeme", "change_me", "change-this", "secret", "secret-key",
                          "password", "luoshi", "default", "test", "dev", "development", "xxx"})
MIN_PRODUCTION_SECRET = 16


class Settings(BaseSettings):
    """All settings of a luoshi deployment. Environment variable = `LUOSHI_` + the upper-case name."""

    model_config = SettingsConfigDict(env_prefix="LUOSHI_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="development, test or production; production refuses a placeholder secret_key.")
    database_url: str = Field(
        "sqlite:///./luoshi.sqlite3",
        description="SQLAlchemy URL of the database: a SQLite file, or postgresql+psycopg://user@host/db.")
    secret_key: str | None = Field(
        None, description="Secret for signing sessions. Unset: a random one is generated on first start into "
                          "data_dir/secret_key (owner-only); production requires it from the environment (16+ "
                          "characters). A known placeholder (change-me, secret …) is refused everywhere.")
    audit_key: str | None = Field(
        None, description="Key of the audit chain (HMAC-SHA256) and its signed checkpoints; keep it outside the "
                          "database so that a forged entry cannot be re-hashed. Unset: generated into "
                          "data_dir/audit_key (owner-only) with a loud warning.")
    data_dir: str = Field(
        "./luoshi-data", description="Folder of the files luoshi keeps beside the database: generated keys "
                                     "(owner-only), the audit checkpoint, evidence files under files/ (unless S3 "
                                     "storage is set) and uploads waiting for a background job.")
    timezone: str = Field("Asia/Shanghai", description="Time zone of 'today' for due dates and warnings.")
    due_decision: str = Field("30d", description="Default due rule of a decision (议定事项) when the text fixes "
                                                 "no date: 30d, 8w, 3m, 1y or year_end after assignment.")
    due_task: str = Field("30d", description="Default due rule of a task (工作任务) when the text fixes no date.")
    due_target: str = Field("year_end", description="Default due rule of a target (目标指标).")
    due_suggestion: str = Field("3m", description="Default due rule of a deputy's suggestion (代表建议): the "
                                                  "reply period, three months by law.")
    due_review: str = Field("2m", description="Deadline of the report on a congress review point (审议意见的研究处理"
                                              "情况报告), after assignment: 2m, 60d, ….")
    warning_near_days: int = Field(7, ge=0, description="Yellow when the due date is this many days away or fewer.")
    warning_stale_days: int = Field(30, ge=0, description="Yellow when no progress was reported for this many days.")
    warning_behind_points: int | None = Field(
        50, ge=0, description="Yellow when the share of time gone exceeds the percent done by this many points "
                              "(empty: off).")
    extract_seconds: float = Field(120.0, gt=0, description="Seconds the extraction of one large document may run "
                                                          "(in a child process) before it is stopped and reported.")
    extract_memory_mb: int = Field(1024, ge=16, description="MB of memory the extraction of one large document may "
                                                          "use beyond its start before it is stopped and reported.")
    extract_bounded_chars: int = Field(100_000, ge=0, description="Documents of more characters are extracted in a "
                                                                  "child process under the time and memory budget.")
    ocr_page_budget: int = Field(50, ge=0, description="Pages of one document that may be read by OCR (scans "
                                                       "and photos); a document with more is refused.")
    ocr_threads: int = Field(0, ge=0, description="Threads the OCR engine runs on (0: one per CPU core).")
    webhook_timeout: float = Field(5.0, gt=0, description="Seconds to wait for a unit's reminder webhook.")
    base_url: str = Field("http://127.0.0.1:8000", description="The public address of the web app, for links in "
                                                              "reminders sent to webhooks.")
    # -- evidence files (佐证材料) and notifications (luoshi.files, luoshi.notify) --
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
    bulletin_issuer: str = Field("县人民政府办公室", description="Who issues the supervision bulletin (督查通报): its red "
                                                           "letterhead and signature, unless the office types another.")
    bulletin_prefix: str = Field("县政办督", description="The 文号 prefix of the bulletin: a number typed as 11 is "
                                                       "issued as {prefix}〔{year}〕11号.")
    trusted_proxies: str = Field(
        "", description="Comma-separated addresses of the reverse proxies whose X-Forwarded-For is believed "
                        "(e.g. 127.0.0.1 behind nginx on the same host); empty: none, the peer's address counts.")
    metrics_allow: str = Field(
        "127.0.0.1,::1", description="Comma-separated addresses or networks (10.0.0.0/8) allowed to read /metrics "
                                     "(Prometheus); anyone else gets 403. Behind a trusted proxy the client's "
                                     "forwarded address counts.")
    log_format: Literal["plain", "json"] = Field(
        "plain", description="Request logs on stderr: plain lines, or json (one object per line with time, level, "
                             "request_id, method, route, status, duration_ms and user) for a log collector.")
    max_upload_mb: int = Field(20, ge=1, le=1024, description="Largest upload (document, template) in MB; a larger "
                                                               "body is refused before it is read.")
    web_threads: int | None = Field(
        None, ge=1, description="Requests one server process works on at once in its worker threads (default: 8 on "
                                "SQLite, 4 on PostgreSQL); the others wait their turn. More only take turns at "
                                "Python's interpreter lock and the database's processors, and every request then "
                                "takes longer; to use more cores, run more processes.")
    database_pool_size: int | None = Field(
        None, ge=1, description="Database connections one server process keeps open (default: one per worker "
                                "thread and one for its background jobs); as many more are opened at peaks and "
                                "closed after use.")
    statement_timeout_seconds: float = Field(
        15, ge=0, description="PostgreSQL: the longest one SQL statement of a web request may run before the "
                              "database stops it (the request then answers 503 and the user is asked to narrow "
                              "the search or retry), so a query whose client has gone does not run on and slow "
                              "everyone; 0: no limit. Commands and the worker have none.")

    @field_validator("due_review")
    @classmethod
    def _due_rule(cls, value: str) -> str:
        from luoshi.ledger.due import RULE

        if not RULE.match(value):
            raise ValueError(f"期限规则 {value!r} 无法识别：请写成例如 2m、60d、8w 或 1y")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"时区 {value!r} 无法识别：请写成例如 Asia/Shanghai") from None
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret(self) -> "Settings":
        for name in ("secret_key", "audit_key"):
            value = getattr(self, name)
            if value is not None and value.strip().lower() in PLACEHOLDERS | {""}:
                raise ValueError(f"LUOSHI_{name.upper()} 是公开的占位值 {value!r}，不能用于签名：请删去它（将自动生成随机"
                                 "密钥），或设为一个长随机串（python -c 'import secrets; "
                                 "print(secrets.token_urlsafe(32))'）")
        if self.environment == "production" and (self.secret_key is None
                                                 or len(self.secret_key) < MIN_PRODUCTION_SECRET):
            raise ValueError(f"生产环境（production）须在环境变量中设置 LUOSHI_SECRET_KEY，至少 {MIN_PRODUCTION_SECRET} "
                             "个字符：python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        DuePolicy(self.due_decision, self.due_task, self.due_target, self.due_suggestion)
        return self

    @property
    def threads(self) -> int:
        """`web_threads`, or its default for the database. A process runs one thread's Python at a time; a
        few threads are enough to keep it busy while others wait on PostgreSQL (a ledger request: 3 ms of
        Python, 1 ms of SQL), and every thread more shares the processor among more requests at once, so
        each takes longer. `bench/province.py` at 1 000 000 items, 2 processes, 150 requests/s on 2 cores,
        the machine's CPU the same in all (7 December, runs alternated): p95 of the ledger API 56-141 ms
        with 4 threads, 59-110 with 8, 112-411 with 16 (the default before), the dashboard's 84-179, 132-192
        and 230-482 ms; lower with 4 than with 8 in 14 of the 16 reads' p95s of two pairs of runs. On SQLite,
        whose queries run in the process, 4 and 8 answered alike (ledger API 61-74 ms)."""
        return self.web_threads or (4 if self.database_url.startswith("postgresql") else 8)

    @property
    def pool_size(self) -> int:
        """`database_pool_size`, or one connection per worker thread and one for the process's background
        jobs (`luoshi.jobs`, a thread of the server), so that a job does not open and close a connection
        of the overflow each time it runs while every request thread holds one."""
        return self.database_pool_size or self.threads + 1

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
        """The audit key as set (None: unset; `luoshi.keys.audit_key` then generates and keeps one)."""
        return self.audit_key.encode("utf-8") if self.audit_key else None

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and `overrides`), or SettingsError naming every bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "；".join(("LUOSHI_" + "_".join(map(str, e["loc"])).upper() + "：" if e["loc"] else "") + _problem(e)
                            for e in exc.errors())
        raise SettingsError(f"设置有误：{problems}。请修改对应的环境变量（或 .env 文件）后重新启动") from None
    except Exception as exc:  # a DuePolicy rule raises the ledger's InvalidValue
        raise SettingsError(f"设置有误：{exc}。请修改对应的环境变量（或 .env 文件）后重新启动") from None


# pydantic's checks, said in Chinese (its own messages are English); `{…}` are the check's limits.
PROBLEMS = {
    "greater_than_equal": "须不小于 {ge}", "greater_than": "须大于 {gt}", "less_than_equal": "须不大于 {le}",
    "less_than": "须小于 {lt}", "int_parsing": "须是整数", "int_from_float": "须是整数", "float_parsing": "须是数字",
    "bool_parsing": "须是 true 或 false", "string_too_short": "不能为空", "literal_error": "须是 {expected} 之一",
    "enum": "须是 {expected} 之一", "missing": "未设置",
}


def _problem(error: dict) -> str:
    """One setting's problem in words: our validators' own (Chinese) message, or pydantic's check in Chinese."""
    context = error.get("ctx") or {}
    if error["type"] in ("value_error", "assertion_error") and "error" in context:
        return str(context["error"])
    words = PROBLEMS.get(error["type"])
    if words is None:
        return f"取值 {error.get('input')!r} 无效"
    limits = {k: str(v).replace(", ", "、").replace(" or ", "、") for k, v in context.items()}
    return f"取值 {error.get('input')!r} " + words.format(**limits)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
