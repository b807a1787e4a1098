"""`luoshi export ledger|targets|suggestions|bulletin` and `luoshi search reindex` on a SQLite file named by
LUOSHI_DATABASE_URL; every file is read back (openpyxl, csv, json, python-docx)."""

from __future__ import annotations

import pytest
from docx import Document
from typer.testing import CliRunner

from exportfixtures import DONE, DRAFT, OTHER, OVERDUE, UNIT_A, UNIT_B, csv_rows, fill, json_rows, xlsx_rows
from luoshi.cli import app
from luoshi.search import search
from luoshi.settings import Settings, get_settings
from luoshi.store.db import Database
from luoshi.store.items import today_in

HEADER = ["序号", "事项", "分解任务", "来源", "牵头单位", "配合单位", "完成时限", "进展情况", "状态", "预警"]


@pytest.fixture
def cli(tmp_path, monkeypatch, sqlite_template):
    """(run, ids): run a luoshi command on a SQLite file holding the export data → (exit code, output)."""
    import shutil

    path = tmp_path / "cli.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    with db.session() as s:
        ids = fill(s, Settings(environment="test", secret_key="t", _env_file=None))
    db.dispose()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, " ".join(result.output.split())

    run.url, run.path = url, path  # type: ignore[attr-defined]
    yield run, ids
    get_settings.cache_clear()


def test_the_ledger_as_xlsx_with_every_handed_out_item(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "ledger.xlsx"
    code, output = run("export", "ledger", "--format", "xlsx", "-o", str(out))
    assert code == 0 and output.startswith(f"读取数据库：SQLite 文件 {run.path} 已写入 {out}（")
    rows = xlsx_rows(out.read_bytes())
    assert rows[1] == HEADER
    assert [r[1] for r in rows[2:]] == [OVERDUE, DONE, OTHER]  # the ledger's order: by due date; no drafts
    assert rows[2][0] == 1 and rows[2][4] == UNIT_A and rows[2][8] == "办理中" and rows[2][9] == "红灯"
    assert rows[3][7] == "已完成" and rows[3][8] == "已办结"
    assert run("export", "ledger", "-o", str(out), "--include-drafts")[0] == 0
    assert [r[1] for r in xlsx_rows(out.read_bytes())[2:]] == [OVERDUE, DONE, OTHER, DRAFT]


def test_the_ledger_filters_are_options(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "ledger.csv"
    assert run("export", "ledger", "-f", "csv", "-o", str(out), "--unit", UNIT_B)[0] == 0
    rows = csv_rows(out.read_bytes())
    assert rows[0] == HEADER and [r[1] for r in rows[1:]] == [OTHER]
    assert run("export", "ledger", "-f", "json", "-o", str(out), "--state", "done", "--state", "draft")[0] == 0
    assert [r["title"] for r in json_rows(out.read_bytes())] == [DONE, DRAFT]
    assert run("export", "ledger", "-f", "json", "-o", str(out), "--warning", "red")[0] == 0
    assert [r["title"] for r in json_rows(out.read_bytes())] == [OVERDUE]
    assert run("export", "ledger", "-f", "json", "-o", str(out), "--due-from", "2026-11-01",
               "--due-to", "2026-12-31")[0] == 0
    assert [r["title"] for r in json_rows(out.read_bytes())] == [DONE, OTHER]


def test_targets_and_suggestions(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "targets.json"
    assert run("export", "targets", "-f", "json", "-o", str(out), "--year", "2024")[0] == 0
    targets = json_rows(out.read_bytes())
    assert len(targets) == 43 and targets[0]["indicator"] == "地区生产总值" and targets[0]["status"] == "no_data"
    assert run("export", "targets", "-f", "json", "-o", str(out), "--year", "2025")[0] == 0
    assert json_rows(out.read_bytes()) == []
    out = tmp_path / "suggestions.xlsx"
    assert run("export", "suggestions", "-o", str(out))[0] == 0
    rows = xlsx_rows(out.read_bytes())
    assert [r[1] for r in rows[2:]] == ["关于增加城区学位供给的建议", "关于改善农贸市场环境的建议"]
    assert rows[2][2] == "王芳" and rows[2][4] == UNIT_A
    assert run("export", "suggestions", "-f", "csv", "-o", str(out), "--category", "城建")[0] == 0
    assert [r[1] for r in csv_rows(out.read_bytes())[1:]] == ["关于改善农贸市场环境的建议"]


def test_the_bulletin_of_a_period(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "bulletin.docx"
    code, _ = run("export", "bulletin", "--from", "2026-10-01", "--to", "2026-10-31", "-o", str(out),
                  "--issuer", "青溪县人民政府办公室", "--number", "青政办督〔2026〕11号")
    assert code == 0
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年10月份督办事项办理情况的通报" in text.replace("\n", "")
    assert "共督办事项3项，其中已办结1项，办理中2项（含逾期1项），办结率33.3%。" in text
    assert "青政办督〔2026〕11号" in text
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert any(OVERDUE in row for row in cells) and any(DONE in row for row in cells)
    assert not any(DRAFT in " ".join(row) for row in cells)

    code, _ = run("export", "bulletin", "--from", "2026-10-01", "--to", "2026-10-31", "-o", str(out), "--number", "12")
    lines = [p.text for p in Document(str(out)).paragraphs if p.text]
    year = today_in(Settings(_env_file=None)).year  # issued today: the settings' issuer and 文号 prefix
    assert code == 0 and lines[:2] == ["县人民政府办公室", f"县政办督〔{year}〕12号"]


def test_bad_input_exits_2_with_the_reason(cli, tmp_path):
    run, _ = cli
    out = str(tmp_path / "x.docx")
    assert run("export", "bulletin", "--from", "2026-10-31", "--to", "2026-10-01", "-o", out) == (
        2, f"读取数据库：SQLite 文件 {run.path} 错误：通报期间有误：开始日期 2026-10-31 晚于结束日期 2026-10-01")
    assert run("export", "bulletin", "--from", "31.10.2026", "--to", "2026-10-01", "-o", out) == (
        2, "错误：--from 的值 '31.10.2026' 不是日期：请写成 YYYY-MM-DD（例如 2026-10-31）")
    code, output = run("export", "ledger", "-o", out, "--state", "nonsense")
    assert code == 2 and "状态“nonsense”无法识别" in output


def test_search_reindex_rebuilds_the_index(cli):
    run, _ = cli
    db = Database(run.url)
    with db.session() as s:
        from luoshi.search import clear

        clear(s)
        s.commit()
        assert search(s, "燃气").total == 0
    assert run("search", "reindex") == (0, "已重建搜索索引：文件 1 份，督办事项 4 条，目标指标 43 项，代表建议 2 件")
    with db.session() as s:
        assert [h.title for h in search(s, "燃气", kinds=["item"]).hits] == [DONE]
    db.dispose()


def test_export_refuses_a_database_file_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # the default database, ./luoshi.sqlite3, is not there
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["export", "ledger", "-o", str(tmp_path / "台账.xlsx")])
    finally:
        get_settings.cache_clear()
    output = " ".join(result.output.split())
    assert result.exit_code == 2
    assert output.startswith(f"错误：找不到数据库文件 {tmp_path / 'luoshi.sqlite3'}：")
    assert "LUOSHI_DATABASE_URL" in output and "luoshi demo" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no empty database made, no file written
