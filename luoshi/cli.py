"""The `luoshi` command: thin commands that parse options, call the library and render or report."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Iterator, Optional

import typer
from rich.console import Console

from luoshi.errors import LuoshiError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="luoshi (落实): documents → records → a tracked ledger.")
err = Console(stderr=True, highlight=False)

PROGRESS_FROM = 4  # a progress bar is shown from this many files on


@app.callback()
def root() -> None:
    """luoshi (落实): documents → records → a tracked ledger."""


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)


def extract_files(files: list[str]) -> Iterator[tuple[str, dict | None, str | None]]:
    """(path, record, error) for each file; one bad file does not stop the others."""
    from luoshi.extract import extract
    from luoshi.text.readers import read

    for path in files:
        try:
            source = read(path)
            yield path, extract(source.text, source.name), None
        except LuoshiError as exc:
            yield path, None, str(exc)


def _progress(files: list[str]):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    TextColumn("{task.description}"), console=err, transient=True,
                    disable=len(files) < PROGRESS_FROM)


@app.command()
def extract(
    paths: Optional[list[str]] = typer.Argument(None, help="Files (.txt, .docx, .pdf) or folders of them."),
    samples: bool = typer.Option(False, "--samples", help="Also extract the sample documents shipped with luoshi."),
    format: Optional[Format] = typer.Option(None, "--format", "-f",
                                            help="json (one file), jsonl (several), or table. Default: json for one file, jsonl for more."),
) -> None:
    """Extract the records of documents: one file → one JSON record; several → JSON Lines."""
    from luoshi.text.readers import expand

    paths = list(paths or [])
    if samples:
        from luoshi.samples import sample_paths

        paths += [str(p) for p in sample_paths()]
    if not paths:
        fail("give one or more files or folders, or --samples")
        raise typer.Exit(2)
    files = expand(paths)
    if not files:
        fail(f"no .txt, .docx or .pdf file in {', '.join(paths)}")
        raise typer.Exit(2)
    fmt = format or (Format.json if len(files) == 1 else Format.jsonl)
    failed = 0
    out = sys.stdout
    with _progress(files) as progress:
        task = progress.add_task("", total=len(files))
        for path, record, error in extract_files(files):
            progress.update(task, advance=1, description=path)
            if error:
                failed += 1
                progress.console.print(f"[red]error:[/red] {error}", markup=True, soft_wrap=True, highlight=False)
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
    paths: list[str] = typer.Argument(..., help="Files (.txt, .docx, .pdf) or folders of them."),
) -> None:
    """Read, extract and store documents with the items they propose (idempotent; a changed file is a new version)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from luoshi.ingest import ingest_paths

    db = _database()
    with db.session() as session, Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                                           TextColumn("{task.description}"), console=err, transient=True,
                                           disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)
        report = ingest_paths(session, paths, progress=lambda done, total, path: bar.update(
            task, completed=done, total=total, description=path))
    for result in report.errors:
        fail(result.error or result.path)
    err.print(f"documents: {report.inserted} new, {report.updated} new versions, {report.noop} unchanged; "
              f"items: {report.items} created; errors: {len(report.errors)}", highlight=False)
    if report.errors or not report.files:
        raise typer.Exit(2)


users_app = typer.Typer(no_args_is_help=True, help="Users: add one.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The username."),
    role: str = typer.Option(..., "--role", help="supervisor, unit, leader or admin."),
    unit: Optional[str] = typer.Option(None, "--unit", help="The unit (organisation name or id) of a unit user."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin."),
) -> None:
    """Add a user; the password is read from stdin (never from the command line)."""
    from luoshi.store.users import create_user

    if not password_stdin:
        fail("give the password on stdin with --password-stdin (e.g. `echo secret123 | luoshi users add …`)")
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    db = _database()
    try:
        with db.session() as session:
            user = create_user(session, username=name, password=password, role=role, unit=unit)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"user {user.username} added: {user.role.value}{' of ' + user.unit_name if user.unit_name else ''}",
              highlight=False)


audit_app = typer.Typer(no_args_is_help=True, help="The audit log: verify its hash chains.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every item's hash chain; exit 1 naming the first broken entry."""
    from luoshi.settings import get_settings
    from luoshi.store.audit import verify_audit

    db = _database()
    with db.session() as session:
        problems = verify_audit(session, key=get_settings().audit_key_bytes)
    if problems:
        fail(f"the audit log is broken at {problems[0]} ({len(problems)} problems in all)")
        raise typer.Exit(1)
    err.print("the audit log is intact", highlight=False)


db_app = typer.Typer(no_args_is_help=True, help="The database: migrate it.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the configured database (LUOSHI_DATABASE_URL) to the newest schema."""
    from luoshi.settings import get_settings
    from luoshi.store.db import head_revision, make_engine, upgrade

    try:
        engine = make_engine(get_settings().database_url)
        upgrade(engine)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    err.print(f"database at migration {head_revision()}", highlight=False)


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
    err.print(f"luoshi: http://{host}:{port}/  (API: http://{host}:{port}/openapi.json)", highlight=False)
    from luoshi.web.server import run

    run(host=host, port=port, workers=workers)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    database: Optional[str] = typer.Option(None, "--database",
                                           help="SQLite file to create (replaced if it exists). Default: a new temporary file."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Only build the demo database and print the users."),
) -> None:
    """A fresh SQLite database with the bundled samples ingested and demo users, then the server."""
    import os
    import tempfile

    from luoshi.web.demo import build_demo

    path = database or os.path.join(tempfile.mkdtemp(prefix="luoshi-demo-"), "luoshi-demo.sqlite3")
    url = f"sqlite:///{os.path.abspath(path)}"
    try:
        summary = build_demo(url, replace=True)
    except LuoshiError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    out = Console(highlight=False)
    out.print(f"demo database: {path} ({summary.documents} documents, {summary.items} items)")
    out.print("demo users (username / password / role):")
    for user in summary.users:
        out.print(f"  {user.username:<10} {user.password:<16} {user.role_label}{' · ' + user.unit if user.unit else ''}")
    if no_serve:
        return
    os.environ["LUOSHI_DATABASE_URL"] = url
    from luoshi.settings import get_settings

    get_settings.cache_clear()
    out.print(f"open http://{host}:{port}/ and sign in as one of the users above (Ctrl-C stops)")
    from luoshi.web.server import run

    run(host=host, port=port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
