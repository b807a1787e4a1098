"""The deployment files and the operations guide keep up with the code: the files docs/operations.md
names are shipped, and every `luoshi` command it or a systemd unit runs exists, with its options."""

from __future__ import annotations

import re

import typer.main

from conftest import ROOT
from luoshi.cli import app

GUIDE = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def command_line(words: list[str]) -> list[str]:
    """What is wrong with `luoshi WORDS…`: an unknown command or option (empty: it exists)."""
    command = typer.main.get_command(app)
    while words and words[0] in getattr(command, "commands", {}):
        command = command.commands[words.pop(0)]
    if getattr(command, "commands", None):
        return [f"no command {words[:1]} under {command.name}"]
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    return [f"{command.name}: no option {w}" for w in words if w.startswith("--") and w.split("=")[0] not in known]


WORD = r"(?:[a-z][\w-]*|--[\w-]+|%i|[\d.]+)"
# `luoshi` where it is run: first on a line, or after bin/, &&, ; or exec (not `sudo -u luoshi`).
COMMAND = re.compile(rf"(?:^\s*|bin/|&&\s*|;\s*|exec\s+)luoshi ({WORD}(?: {WORD})*)", re.M)


def code_of(markdown: str) -> list[str]:
    """The code in a Markdown text: fenced blocks and `inline` spans."""
    fenced = re.findall(r"```\w*\n(.*?)```", markdown, re.S)
    rest = re.sub(r"```\w*\n.*?```", "", markdown, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


def luoshi_commands(snippets: list[str]) -> list[list[str]]:
    return [match.split() for snippet in snippets for match in COMMAND.findall(snippet)]


def test_the_files_the_guide_names_are_shipped():
    named = set(re.findall(r"deploy/[\w./@-]+\w", GUIDE))
    assert named and [path for path in sorted(named) if not (ROOT / path).exists()] == []
    assert {p.name for p in UNITS} == {"luoshi.service", "luoshi@.service", "luoshi-worker.service"}


def test_every_luoshi_command_in_the_guide_and_the_units_exists():
    snippets = code_of(GUIDE) + [line for unit in UNITS for line in unit.read_text(encoding="utf-8").splitlines()
                                 if line.startswith("ExecStart=")]
    commands = luoshi_commands(snippets)
    assert ["db", "upgrade"] in commands and ["worker"] in commands
    assert [problem for c in commands for problem in command_line(list(c))] == []


def test_the_units_run_the_installed_command_with_the_settings_file():
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/luoshi/luoshi.env" in text and "ExecStart=/srv/luoshi/venv/bin/luoshi " in text


def test_nginx_allows_the_largest_body_luoshi_accepts():
    from luoshi.settings import Settings

    settings = Settings(_env_file=None)
    conf = (ROOT / "deploy" / "nginx" / "luoshi.conf").read_text(encoding="utf-8")
    [size] = re.findall(r"client_max_body_size (\d+)m;", conf)
    largest = settings.files_max_count * settings.files_max_mb + 1
    assert max(largest, settings.max_upload_mb) < int(size) <= largest + 2
