"""Documentation keeps up with the code: every CLI command and option is in the README."""

from __future__ import annotations

import re

import typer.main

from conftest import ROOT
from luoshi.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    group = typer.main.get_command(app)
    return group.commands.items()


def test_every_command_is_documented():
    undocumented = [name for name, _ in commands() if f"luoshi {name}" not in README]
    assert undocumented == []


def test_every_option_is_documented():
    missing = []
    for name, command in commands():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in README:
                    missing.append(f"luoshi {name} {opt}")
    assert missing == []


def test_readme_first_screen_has_install_and_test_commands():
    first_screen = "\n".join(README.splitlines()[:20])
    blocks = re.findall(r"```bash\n(.*?)```", first_screen, re.S)
    assert blocks, "the first screen shows the commands"
    assert "pip install -e ." in blocks[0] and "luoshi" in blocks[0]
    assert "pytest" in blocks[0]
