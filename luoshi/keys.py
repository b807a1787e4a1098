"""The deployment's secret keys: the session-signing secret and the key that signs audit checkpoints, taken
from the settings or generated once into the data folder (owner-only), never a published placeholder.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from pathlib import Path

from luoshi.errors import SettingsError
from luoshi.settings import PLACEHOLDERS, Settings

SESSION_KEY_FILE = "secret_key"
AUDIT_KEY_FILE = "audit_key"
NO_AUDIT_KEY = (f"警告：未设置 LUOSHI_AUDIT_KEY，审计检查点改用数据目录中自动生成的密钥（{AUDIT_KEY_FILE}）。能同时改动"
                "数据库和数据目录的人可以伪造审计记录：请把审计密钥设在数据库服务器以外（环境变量或密钥管理服务）。")


def kept_key(path: Path) -> str:
    """The key kept at `path`, made (random, 0600, in a 0700 folder) if missing. Two processes starting at
    once agree: the file is created exclusively and the loser reads the winner's. A key file readable by
    others is narrowed to its owner. A key read before is taken again while its file is the same (every
    ledger page signs its cursors with the session key)."""
    try:
        seen = os.stat(path)
    except OSError:
        seen = None
    kept = _KEPT.get(path)
    if seen is not None and kept is not None and kept[0] == (seen.st_mtime_ns, seen.st_ino) \
            and not stat.S_IMODE(seen.st_mode) & 0o077:
        return kept[1]
    value = _read_or_make(path)
    seen = os.stat(path)
    _KEPT[path] = ((seen.st_mtime_ns, seen.st_ino), value)
    return value


_KEPT: dict[Path, tuple[tuple[int, int], str]] = {}  # a key file's (change time, inode) and the key read from it


def _read_or_make(path: Path) -> str:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
            value = path.read_text(encoding="utf-8").strip()
        else:
            value = secrets.token_urlsafe(48)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(value + "\n")
    except OSError as exc:
        raise SettingsError(f"无法在数据目录（LUOSHI_DATA_DIR）保存密钥文件 {path.name}：{exc.strerror}；"
                            "请检查该目录的权限，或在环境变量中设置密钥") from None
    if len(value) < 32 or value.lower() in PLACEHOLDERS:
        raise SettingsError(f"数据目录中的密钥文件 {path.name} 内容过短或是占位值：请删除该文件，重启后将重新生成")
    return value


def session_secret(settings: Settings) -> str:
    """The secret that signs session cookies: `secret_key`, else (outside production) the kept one."""
    if settings.secret_key:
        return settings.secret_key
    if settings.environment == "production":  # the settings refuse this already; never sign with nothing
        raise SettingsError("生产环境须在环境变量中设置 LUOSHI_SECRET_KEY")
    return kept_key(settings.data_path / SESSION_KEY_FILE)


def audit_key(settings: Settings, *, warn: bool = True) -> bytes:
    """The key that signs audit checkpoints: `audit_key`, else a generated one kept in the data folder,
    with a loud warning: a key beside the database protects less than one kept elsewhere."""
    if settings.audit_key:
        return settings.audit_key.encode("utf-8")
    if warn:
        print(NO_AUDIT_KEY, file=sys.stderr)
    return kept_key(settings.data_path / AUDIT_KEY_FILE).encode("utf-8")
