"""The `luoshi` command: thin commands that parse options, call the library and render or report."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console

from luoshi.errors import LuoshiError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="luoshi (落实): documents → records → a tracked ledger.")
err = Console(stderr=True, highlight=False, soft_wrap=True)  # a long line wraps in the terminal, not mid-command

PROGRESS_FROM = 4  # a progress bar is shown from this many files on


@app.callback()
def root() -> None:
    """luoshi (落实): documents → records → a tracked ledger."""


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def fail(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}", markup=True, soft_wrap=True)


def extract_files(files: list[str], genre: str | None = None) -> Iterator[tuple[str, dict | None, str | None]]:
    """(path, record, error) for each file; one bad file does not stop the others. `genre` forces the genre."""
    from luoshi.extract.override import extract_as
    from luoshi.text.ocr import flag_doubtful
    from luoshi.text.readers import read

    for path in files:
        try:
            source = read(path)
            record = extract_as(source.text, source.name, genre)
            if source.ocr is not None:
                flag_doubtful(record, source.ocr)
            yield path, record, None
        except LuoshiError as exc:
            yield path, None, str(exc)


GENRE_HELP = ("The genre, when detection got it wrong: minutes (meeting_minutes), work_report, congress_review "
              "or other. Default: detected.")


def _genre(value: str | None) -> str | None:
    """The genre `--genre` names, or exit 2 saying which names are valid."""
    from luoshi.extract.override import genre_named

    try:
        return genre_named(value)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)


def _progress(files: list[str]):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("正在抽取"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    TextColumn("{task.description}"), console=err, transient=True,
                    disable=len(files) < PROGRESS_FROM)


@app.command()
def extract(
    paths: Optional[list[str]] = typer.Argument(None, help="Files (.txt, .docx, .pdf; scans and photos as .pdf, .jpg, .png, .tif) or folders of them."),
    samples: bool = typer.Option(False, "--samples", help="Also extract the sample documents shipped with luoshi."),
    format: Optional[Format] = typer.Option(None, "--format", "-f",
                                            help="json (one file), jsonl (several), or table. Default: json for one file, jsonl for more."),
    genre: Optional[str] = typer.Option(None, "--genre", help=GENRE_HELP),
) -> None:
    """Extract the records of documents: one file → one JSON record; several → JSON Lines."""
    from luoshi.text.readers import expand

    doc_type = _genre(genre)
    paths = list(paths or [])
    if samples:
        from luoshi.samples import sample_paths

        paths += [str(p) for p in sample_paths()]
    if not paths:
        fail("请给出一个或多个文件或文件夹，或加 --samples 抽取自带的样例文件")
        raise typer.Exit(2)
    files = expand(paths)
    if not files:
        fail(f"{'、'.join(paths)} 中没有可读取的文件：luoshi 读取 .txt、.docx、.pdf，以及 .jpg、.png、.tif 格式的扫描件"
             "或照片，请检查路径")
        raise typer.Exit(2)
    fmt = format or (Format.json if len(files) == 1 else Format.jsonl)
    failed = 0
    out = sys.stdout
    with _progress(files) as progress:
        task = progress.add_task("", total=len(files))
        for path, record, error in extract_files(files, doc_type):
            progress.update(task, advance=1, description=path)
            if error:
                failed += 1
                progress.console.print(f"[red]错误：[/red]{error}", markup=True, soft_wrap=True, highlight=False)
                continue
            if fmt is Format.table:
                from luoshi.render import print_record

                print_record(record, Console(highlight=False, width=None if sys.stdout.isatty() else 160))
            elif fmt is Format.json:
                out.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    if failed:
        err.print(f"{failed} 份文件未能读取：请按上面的提示处理后重新运行", highlight=False)
        raise typer.Exit(2)


# -- the store: ingest, users, audit, database ---------------------------------------------------------

def _database():
    """The configured database, or exit 2 with the reason."""
    from luoshi.store.db import open_database

    try:
        return open_database()
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files (.txt, .docx, .pdf; scans and photos as .pdf, .jpg, .png, .tif) or folders of them."),
    genre: Optional[str] = typer.Option(None, "--genre", help=GENRE_HELP + " A file stored already under "
                                        "another genre is re-extracted as a new version."),
) -> None:
    """Read, extract and store documents with the items they propose (idempotent; a changed file is a new version)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from luoshi.ingest import ingest_paths

    doc_type = _genre(genre)
    db = _database()
    with db.session() as session, Progress(TextColumn("正在入库"), BarColumn(), MofNCompleteColumn(),
                                           TextColumn("{task.description}"), console=err, transient=True,
                                           disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)
        report = ingest_paths(session, paths, genre=doc_type, progress=lambda done, total, path: bar.update(
            task, completed=done, total=total, description=path))
    for result in report.errors:
        fail(result.error or result.path)
    err.print(f"文件：新增 {report.inserted} 份，新版本 {report.updated} 份，未变 {report.noop} 份；"
              f"事项：新建 {report.items} 条；出错 {len(report.errors)} 份", highlight=False)
    if not report.files:
        fail(f"{'、'.join(paths)} 中没有可入库的文件：luoshi 读取 .txt、.docx、.pdf，以及 .jpg、.png、.tif 格式的扫描件"
             "或照片，请检查路径")
    elif report.errors:
        err.print("出错的文件未入库：请按上面的提示处理后重新运行 luoshi ingest（已入库的文件不会重复入库）",
                  highlight=False)
    if report.errors or not report.files:
        raise typer.Exit(2)


users_app = typer.Typer(no_args_is_help=True, help="Users: add one, change its role or unit, reset its password.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The username."),
    role: str = typer.Option("unit", "--role", help="unit (the default: the least privileged), congress, leader, "
                                                    "supervisor or admin."),
    unit: Optional[str] = typer.Option(None, "--unit", help="The unit (organisation name or id) of a unit user."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin."),
) -> None:
    """Add a user; the password is read from stdin (never from the command line)."""
    from luoshi.store.users import create_user

    password = _password_from_stdin(password_stdin, "add")
    db = _database()
    try:
        with db.session() as session:
            user = create_user(session, username=name, password=password, role=role, unit=unit)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"已添加用户 {user.username}：{_role(user)}", highlight=False)


def _role(user) -> str:
    """A user's role as the office says it, with its unit: 单位（市商务局）."""
    return f"{user.role.label}{'（' + user.unit_name + '）' if user.unit_name else ''}"


def _password_from_stdin(given: bool, command: str) -> str:
    if not given:
        fail(f"请从标准输入给出密码并加 --password-stdin（例如 echo secret123 | luoshi users {command} …），"
             "不要把密码写在命令行上")
        raise typer.Exit(2)
    return sys.stdin.readline().rstrip("\r\n")


def _change_user(name: str, change) -> None:
    """Run `change(session, user)` on the user called `name` (exit 2 with the reason if it fails)."""
    from luoshi.store.users import get_user

    db = _database()
    try:
        with db.session() as session:
            change(session, get_user(session, username=name))
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)


@users_app.command("set")
def users_set(
    name: str = typer.Argument(..., help="The username."),
    role: Optional[str] = typer.Option(None, "--role", help="unit, congress, leader, supervisor or admin."),
    unit: Optional[str] = typer.Option(None, "--unit", help="The unit (organisation name or id) of a unit user."),
) -> None:
    """Change a user's role or unit (written to the admin log)."""
    from luoshi.store.users import update_user

    def change(session, user) -> None:
        changed = update_user(session, user_id=user.id, role=role, unit=unit, by="cli")
        err.print(f"用户 {changed.username} 已改为：{_role(changed)}", highlight=False)

    _change_user(name, change)


@users_app.command("reset-password")
def users_reset_password(
    name: str = typer.Argument(..., help="The username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the new password from the first line of stdin."),
) -> None:
    """Give a user a new password; their sessions end and their API tokens are revoked."""
    from luoshi.store.users import reset_password

    password = _password_from_stdin(password_stdin, "reset-password")

    def change(session, user) -> None:
        revoked = reset_password(session, user_id=user.id, password=password, by="cli")
        err.print(f"用户 {user.username} 已设置新密码，各处登录均已退出（吊销 API 令牌 {revoked} 个）", highlight=False)

    _change_user(name, change)


audit_app = typer.Typer(no_args_is_help=True, help="The audit log: verify its hash chains.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every item's hash chain, the global chain of every fact against the stored rows, every user's
    role against the administrative log, and the chain's head against the signed checkpoint in the data
    folder; exit 1 naming the first problem."""
    from luoshi.settings import get_settings
    from luoshi.store.audit import verify_audit

    from luoshi.store.anchor import database_id, verify_chain

    db = _database()
    with db.session() as session:
        problems = [*verify_audit(session, key=get_settings().audit_key_bytes), *verify_chain(session)]
        anchored = database_id(session)
    if problems:
        fail(f"审计日志被改动过（共 {len(problems)} 处问题），第一处：{problems[0]}。请停止录入并联系系统管理员"
             "核查；必要时用 luoshi restore 从备份恢复")
        for problem in problems[1:20]:
            err.print(f"  {problem}", highlight=False)
        raise typer.Exit(1)
    if not get_settings().audit_key:
        from luoshi.keys import NO_AUDIT_KEY

        err.print(NO_AUDIT_KEY, highlight=False)
    err.print(f"审计日志完整（检查点 {anchored}）" if anchored else "审计日志完整（日志为空，尚无检查点）", highlight=False)


@app.command("backup")
def backup_command(file: Path = typer.Argument(..., help="The archive to write (e.g. luoshi-2026-12-04.tar.gz).")
                   ) -> None:
    """Back up the database (SQLite: online backup API; PostgreSQL: pg_dump, custom format), a signed
    checkpoint of its audit chain and the attachments into one archive. Keys are not included."""
    from luoshi.backup import KEYS_REMINDER, backup
    from luoshi.settings import get_settings

    try:
        summary = backup(get_settings(), file)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"已备份到 {summary.path.name}：{summary.backend}，{sum(summary.tables.values())} 行，"
              f"审计链 {summary.chain_seq} 条", highlight=False)
    err.print(KEYS_REMINDER, highlight=False)


@app.command("restore")
def restore_command(file: Path = typer.Argument(..., help="An archive written by `luoshi backup`.")) -> None:
    """Replace the configured database (and the attachments, and the audit checkpoint) with a backup's,
    then verify the audit chain against the checkpoint: exit 1 if it does not hold."""
    from luoshi.backup import KEYS_REMINDER, restore
    from luoshi.settings import get_settings

    try:
        summary, problems = restore(get_settings(), file)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    if problems:
        fail(f"已恢复，但审计核验未通过：{problems[0]}（共 {len(problems)} 处）。请检查备份来源与审计密钥")
        raise typer.Exit(1)
    err.print(f"已从 {summary.path.name} 恢复并核验：{sum(summary.tables.values())} 行，审计链 {summary.chain_seq} 条"
              "完整，与签名检查点一致", highlight=False)
    err.print(KEYS_REMINDER, highlight=False)


jobs_app = typer.Typer(no_args_is_help=True, help="Background jobs: large uploads ingested outside the request.")
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("run")
def jobs_run(once: bool = typer.Option(False, "--once", help="Do the jobs waiting now, then stop.")) -> None:
    """Do background jobs (every `luoshi serve` process also does them): until interrupted, or `--once`."""
    import threading

    from luoshi import ingest  # noqa: F401  (registers the ingest job)
    from luoshi import jobs

    db = _database()
    if once:
        done = jobs.run_pending(db)
        err.print(f"已处理 {len(done)} 个任务，失败 {sum(j.state == 'failed' for j in done)} 个", highlight=False)
        return
    try:
        jobs.run_forever(db, threading.Event())
    except KeyboardInterrupt:
        pass


db_app = typer.Typer(no_args_is_help=True, help="The database: migrate it.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the configured database (LUOSHI_DATABASE_URL) to the newest schema."""
    from luoshi.settings import get_settings
    from luoshi.store.aggregates import key_facts
    from luoshi.store.db import head_revision, make_engine, upgrade

    try:
        engine = make_engine(get_settings().database_url)
        upgrade(engine)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"数据库已迁移到最新版本 {head_revision()}", highlight=False)
    if engine.dialect.name == "postgresql":  # what an upgrade left to do online (the app serves meanwhile)
        key_facts(engine, report=lambda percent, message: err.print(f"{percent:3d}% {message}", highlight=False))


# -- exports and search --------------------------------------------------------------------------------

export_app = typer.Typer(no_args_is_help=True, help="Export the ledger, targets or suggestions (XLSX, CSV, JSON) "
                                                    "and the bulletin (DOCX).")
app.add_typer(export_app, name="export")


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


def _database_to_read():
    """The configured database for a command that only reads it (export): said on stderr, and refused when it
    is a SQLite file that does not exist (opening it would create an empty one and export nothing)."""
    from sqlalchemy.engine import make_url

    from luoshi.settings import get_settings

    url = make_url(get_settings().database_url)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database).expanduser().resolve()
        if not path.exists():
            fail(f"找不到数据库文件 {path}：请用环境变量 LUOSHI_DATABASE_URL 指定要导出的数据库（例如 "
                 "LUOSHI_DATABASE_URL=sqlite:////srv/luoshi/luoshi.sqlite3），或先运行 luoshi ingest 或 luoshi demo 建立数据库")
            raise typer.Exit(2)
        shown = f"SQLite 文件 {path}"
    err.print(f"读取数据库：{shown}", highlight=False, soft_wrap=True)
    return _database()


def _write_export(output: str, make) -> None:
    """Run `make(session)` on the configured database and write its bytes to `output`, or exit 2."""
    from pathlib import Path

    db = _database_to_read()
    try:
        with db.session() as session:
            data = make(session)
        Path(output).write_bytes(data)
    except (LuoshiError, OSError) as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"已写入 {output}（{len(data)} 字节）", highlight=False)


def _day(value: Optional[str], name: str):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        fail(f"{name} 的值 {value!r} 不是日期：请写成 YYYY-MM-DD（例如 2026-10-31）")
        raise typer.Exit(2)


OUTPUT = typer.Option(..., "--output", "-o", help="The file to write.")
FORMAT = typer.Option(ExportFormat.xlsx, "--format", "-f", help="xlsx, csv or json.")


@export_app.command("ledger")
def export_ledger(
    output: str = OUTPUT, format: ExportFormat = FORMAT,
    state: Optional[list[str]] = typer.Option(None, "--state", help="Only items in this state (repeatable)."),
    unit: Optional[str] = typer.Option(None, "--unit", help="Only items of this unit (lead or co-operating)."),
    warning: Optional[str] = typer.Option(None, "--warning", help="red, yellow, green or none."),
    document: Optional[int] = typer.Option(None, "--document", help="Only items of this source document (id)."),
    due_from: Optional[str] = typer.Option(None, "--due-from", help="Due on or after (YYYY-MM-DD)."),
    due_to: Optional[str] = typer.Option(None, "--due-to", help="Due on or before (YYYY-MM-DD)."),
    include_drafts: Optional[bool] = typer.Option(
        None, "--include-drafts/--without-drafts",
        help="Whether to list the drafts not yet confirmed (待确认): the office's files (xlsx, csv) leave them out "
             "unless asked, the json dump for other tools keeps them unless told not to."),
) -> None:
    """The supervision ledger (督办事项台账) with the ledger's filters."""
    from luoshi.store.exporting import CLI_ACTOR, export_file

    drafts = include_drafts if include_drafts is not None else format is ExportFormat.json
    filters = dict(state=state or None, unit=unit, warning=warning, document=document,
                   due_from=_day(due_from, "--due-from"), due_to=_day(due_to, "--due-to"),
                   include_drafts=drafts)
    _write_export(output, lambda s: export_file(s, "ledger", format.value, actor=CLI_ACTOR, **filters))


@export_app.command("targets")
def export_targets(
    output: str = OUTPUT, format: ExportFormat = FORMAT,
    year: Optional[int] = typer.Option(None, "--year", help="Only the targets of this year."),
    unit: Optional[str] = typer.Option(None, "--unit", help="Only targets of this unit (name or id)."),
    status: Optional[str] = typer.Option(None, "--status", help="on_track, behind, achieved, missed or no_data."),
) -> None:
    """The targets (目标指标) with their actual values and status."""
    from luoshi.store.exporting import CLI_ACTOR, export_file

    _write_export(output, lambda s: export_file(s, "targets", format.value, actor=CLI_ACTOR, year=year, unit=unit,
                                                status=status))


@export_app.command("suggestions")
def export_suggestions(
    output: str = OUTPUT, format: ExportFormat = FORMAT,
    state: Optional[list[str]] = typer.Option(None, "--state", help="Only suggestions in this state (repeatable)."),
    unit: Optional[str] = typer.Option(None, "--unit", help="Only suggestions of this unit (name or id)."),
    category: Optional[str] = typer.Option(None, "--category", help="Only suggestions of this category."),
) -> None:
    """The deputies' suggestions (代表建议) and how they are handled."""
    from luoshi.store.exporting import CLI_ACTOR, export_file

    _write_export(output, lambda s: export_file(s, "suggestions", format.value, actor=CLI_ACTOR,
                                                state=state or None, unit=unit, category=category))


@export_app.command("bulletin")
def export_bulletin(
    output: str = OUTPUT,
    start: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD)."),
    issuer: str = typer.Option("", "--issuer", help="The issuing office (letterhead and signature); default the "
                                                    "setting LUOSHI_BULLETIN_ISSUER."),
    number: str = typer.Option("", "--number", help="The document number (文号): 11 is issued as "
                                                    "{LUOSHI_BULLETIN_PREFIX}〔year〕11号; a whole 文号 stays as typed."),
) -> None:
    """The supervision bulletin (督查通报) of a period as DOCX."""
    from luoshi.store.exporting import bulletin_file

    first, last = _day(start, "--from"), _day(end, "--to")
    _write_export(output, lambda s: bulletin_file(s, start=first, end=last, issuer=issuer, number=number))


search_app = typer.Typer(no_args_is_help=True, help="The search index: rebuild it.")
app.add_typer(search_app, name="search")


@search_app.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from everything stored (it is kept current as things are stored)."""
    from luoshi.store.search_index import KIND_LABELS, index_all

    db = _database()
    with db.session() as session:
        counts = index_all(session)
    err.print("已重建搜索索引：" + "，".join(f"{KIND_LABELS.get(kind, kind)} {n} {COUNTERS.get(kind, '条')}"
                                        for kind, n in counts.items()), highlight=False)


COUNTERS = {"document": "份", "item": "条", "target": "项", "suggestion": "件"}  # the measure word of each kind


# -- the web app ---------------------------------------------------------------------------------------

@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", help="Server processes; they share nothing but the database."),
) -> None:
    """Serve the web app and the JSON API (OpenAPI at /openapi.json) on the configured database."""
    from luoshi.settings import get_settings
    from luoshi.store.db import open_database

    try:
        open_database(get_settings().database_url).dispose()  # fail here, with a message, not in a worker
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    if not get_settings().audit_key:
        from luoshi.keys import NO_AUDIT_KEY

        err.print(NO_AUDIT_KEY, style="bold red", highlight=False)
    err.print(f"luoshi 已启动：http://{host}:{port}/（API 说明：http://{host}:{port}/openapi.json；按 Ctrl-C 停止）",
              highlight=False)
    from luoshi.web.server import run

    run(host=host, port=port, workers=workers)


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="One pass (queue today's reminders, send what is due), then exit."),
) -> None:
    """Send notifications: queue time-based reminders and drain the outbox, every LUOSHI_WORKER_POLL_SECONDS."""
    import signal

    from luoshi.notify import Worker, run_once
    from luoshi.notify.worker import runner_name
    from luoshi.settings import get_settings

    db = _database()
    settings = get_settings()
    if once:
        done = run_once(db, settings, runner=runner_name("worker"))
        err.print(f"通知：新排队 {done.scheduled} 条，已发送 {done.sent} 条，发送失败 {done.failed} 条", highlight=False)
        db.dispose()
        return
    runner = Worker(db, settings, kind="worker")
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    err.print(f"luoshi 通知进程 {runner.name} 已启动：每 {settings.worker_poll_seconds:g} 秒发送一次待发通知"
              "（按 Ctrl-C 停止）", highlight=False)
    try:
        runner.run()
    except KeyboardInterrupt:
        pass
    db.dispose()


def export_line(url: str) -> str:
    """The shell line that exports the ledger of the database at `url`."""
    import shlex

    return f"LUOSHI_DATABASE_URL={shlex.quote(url)} luoshi export ledger -o 台账.xlsx"


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    database: Optional[str] = typer.Option(None, "--database",
                                           help="SQLite file to create (replaced if it exists). Default: a new temporary file."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Only build the demo database and print the users."),
    province: bool = typer.Option(False, "--province",
                                  help="A small synthetic province (5 counties, 5 000 items with their histories) "
                                       "instead of the bundled samples."),
) -> None:
    """A fresh SQLite database with the bundled samples ingested and demo users, then the server."""
    import os
    import tempfile

    from luoshi.web.demo import build_demo, build_province_demo

    path = database or os.path.join(tempfile.mkdtemp(prefix="luoshi-demo-"), "luoshi-demo.sqlite3")
    url = f"sqlite:///{os.path.abspath(path)}"
    try:
        summary = build_province_demo(url) if province else build_demo(url, replace=True)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"演示数据库：{path}（文件 {summary.documents} 份，督办事项 {summary.items} 条）")
    out.print(f"导出此数据库的台账：{export_line(url)}")
    out.print("演示用户（用户名 / 密码 / 角色）：")
    for user in summary.users:
        out.print(f"  {user.username:<10} {user.password:<16} {user.role_label}{' · ' + user.unit if user.unit else ''}")
    if no_serve:
        return
    os.environ["LUOSHI_DATABASE_URL"] = url
    from luoshi.settings import get_settings

    get_settings.cache_clear()
    out.print(f"请在浏览器中打开 http://{host}:{port}/，用上面任一用户登录（按 Ctrl-C 停止）")
    from luoshi.web.server import run

    run(host=host, port=port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
