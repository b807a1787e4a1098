"""The `luoshi extract` command: formats, several files, bad input, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, needs_shared

MINUTES = """太仓县人民政府
常务会议纪要
第 3 号
太仓县人民政府办公室 2024年3月2日
2024年3月1日上午，张三县长主持召开县政府第5次常务会议，审议《县城老旧小区改造方案》。
会议议定以下意见：
一、审议《县城老旧小区改造方案》
原则同意《县城老旧小区改造方案》。会后由县住建局根据会议讨论意见修改完善，年底前组织实施。
"""


def luoshi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "luoshi.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_one_file_prints_one_json_record(tmp_path):
    doc = tmp_path / "minutes.txt"
    doc.write_text(MINUTES, encoding="utf-8")
    out = luoshi("extract", "--format", "json", str(doc))
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert (record["format"], record["source"], record["doc_type"], record["serial"], record["issued"]) == (
        1, "minutes.txt", "meeting_minutes", 3, "2024-03-02")


def test_gbk_file_is_read(tmp_path):
    doc = tmp_path / "gbk.txt"
    doc.write_bytes(MINUTES.encode("gbk"))
    out = luoshi("extract", str(doc))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["issuer"] == "太仓县人民政府办公室"


def test_several_files_give_json_lines_and_bad_ones_are_reported(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(MINUTES, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "c.txt").write_text(MINUTES, encoding="utf-8")
    out = luoshi("extract", str(tmp_path))
    assert out.returncode == 2
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["source"] for r in records] == ["a.txt", "c.txt"]
    *errors, summary = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(errors) == 2
    assert any("binary.txt" in e and "二进制文件" in e for e in errors)
    assert any("empty.txt" in e and "没有文字" in e for e in errors)
    assert summary == "2 份文件未能读取：请按上面的提示处理后重新运行"
    assert "Traceback" not in out.stderr


def test_unsupported_and_missing_files_exit_2_with_one_line_each(tmp_path):
    odd = tmp_path / "notes.xls"
    odd.write_bytes(b"xx")
    out = luoshi("extract", str(odd), str(tmp_path / "missing.txt"))
    assert out.returncode == 2
    assert out.stdout == ""
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 3
    assert "notes.xls" in lines[0] and "不支持的格式 .xls" in lines[0]
    assert "missing.txt" in lines[1] and "找不到这个文件" in lines[1]
    assert lines[2] == "2 份文件未能读取：请按上面的提示处理后重新运行"


@needs_shared
def test_table_shows_meeting_decisions_and_leads():
    [path] = SEEDS.glob("000_*.txt")
    out = luoshi("extract", "--format", "table", str(path))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "议定事项（8项）" in text
    for lead in ("市政府办公室", "市商务局", "市科技局", "市招商局", "市发改委", "市财政局", "高新区"):
        assert lead in text
    assert "徐华东" in text and "第37次" in text
