"""The store's commands: `luoshi ingest`, `luoshi users add`, `luoshi db upgrade` (and `audit verify`,
tested with the audit log), on a SQLite file named by LUOSHI_DATABASE_URL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.errors import LuoshiError
from luoshi.settings import get_settings
from luoshi.store.db import Database, current_revision, head_revision

MINUTES = ("青山县人民政府常务会议纪要\n第12号\n青山县人民政府办公室 2023年12月30日\n"
           "2023年12月29日上午，县长李明主持召开县政府第37次常务会议。现将会议议定事项纪要如下：\n"
           "一、审议《方案》\n会议原则同意，县财政局要在年底前落实资金保障。\n")


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run a luoshi command against a fresh SQLite file: (exit code, output with whitespace collapsed)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", url)
    get_settings.cache_clear()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args), input=stdin)
        return result.exit_code, " ".join(result.output.split())

    run.url = url  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def test_db_upgrade_migrates_the_configured_database(cli):
    assert cli("db", "upgrade") == (0, f"数据库已迁移到最新版本 {head_revision()}")
    assert current_revision(Database(cli.url, migrate=False).engine) == head_revision()


def test_ingest_summarises_and_exits_2_when_a_file_failed(cli, tmp_path):
    (tmp_path / "m.txt").write_text(MINUTES, encoding="utf-8")
    assert cli("ingest", str(tmp_path / "m.txt"), str(tmp_path / "gone.txt")) == (
        2, f"错误：{tmp_path / 'gone.txt'}: 找不到这个文件：请检查路径和文件名 "
           "文件：新增 1 份，新版本 0 份，未变 0 份；事项：新建 1 条；出错 1 份 "
           "出错的文件未入库：请按上面的提示处理后重新运行 luoshi ingest（已入库的文件不会重复入库）")
    assert cli("ingest", str(tmp_path / "m.txt")) == (
        0, "文件：新增 0 份，新版本 0 份，未变 1 份；事项：新建 0 条；出错 0 份")
    (tmp_path / "empty").mkdir()
    assert cli("ingest", str(tmp_path / "empty")) == (
        2, "文件：新增 0 份，新版本 0 份，未变 0 份；事项：新建 0 条；出错 0 份 "
           f"错误：{tmp_path / 'empty'} 中没有可入库的文件：luoshi 读取 .txt、.docx、.pdf，以及 .jpg、.png、.tif 格式的"
           "扫描件或照片，请检查路径")


def test_users_add_reads_the_password_from_stdin(cli):
    assert cli("users", "add", "li", "--role", "unit", "--unit", "市商务局", "--password-stdin",
               stdin="secret-123\n") == (0, "已添加用户 li：承办单位联络员（市商务局）")
    assert cli("users", "add", "li", "--role", "leader", "--password-stdin", stdin="secret-123\n") == (
        2, "错误：用户名“li”已被使用：请换一个用户名")
    assert cli("users", "add", "wang", "--role", "leader") == (
        2, "错误：请从标准输入给出密码并加 --password-stdin（例如 echo secret123 | luoshi users add …），"
           "不要把密码写在命令行上")


def test_users_set_and_reset_password_change_a_user_and_end_its_tokens(cli):
    from luoshi.store.users import authenticate, create_token, get_user, user_for_token

    assert cli("users", "add", "li", "--unit", "市商务局", "--password-stdin", stdin="secret-123\n") == (
        0, "已添加用户 li：承办单位联络员（市商务局）")  # no --role: the least privileged one
    db = Database(cli.url)
    with db.session() as s:
        token = create_token(s, user_id=get_user(s, username="li").id)
    assert cli("users", "set", "li", "--role", "leader") == (0, "用户 li 已改为：领导")
    assert cli("users", "set", "nobody", "--role", "leader") == (2, "错误：没有这个用户：请从用户列表中选择")
    assert cli("users", "reset-password", "li", "--password-stdin", stdin="new-secret-9\n") == (
        0, "用户 li 已设置新密码，各处登录均已退出（吊销 API 令牌 1 个）")
    with db.session() as s:
        assert authenticate(s, username="li", password="new-secret-9").role.value == "leader"
        with pytest.raises(LuoshiError):
            user_for_token(s, token=token)
    db.dispose()
