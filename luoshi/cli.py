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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
