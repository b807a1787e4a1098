"""The bundled sample documents (luoshi/samples) against their expected records (tests/gold).

The samples are written in layouts other than the seeds' (a county's typeset minutes, a district's
minutes with Chinese-numeral dates and column lists, a Word file with automatic numbering, a county's
work reports and congress review), so they show whether the extraction is general. The shared scorer
scores them when ../shared is there; the whole values are asserted here directly too.
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from luoshi.extract import extract
from luoshi.extract.document import squash
from luoshi.samples import sample_paths
from luoshi.text.readers import read

GOLD = ROOT / "tests" / "gold"
SAMPLES = ROOT / "luoshi" / "samples"
SCORER = SHARED / "tools" / "score.py"
needs_scorer = pytest.mark.skipif(not SCORER.is_file(), reason=f"../shared is absent ({SCORER}): the shared scorer is unavailable")

# Gold of TXT samples sits in tests/gold (the shared scorer reads sources as UTF-8 text); gold of
# other formats in tests/gold/<format>/.
GOLD_FILES = sorted(GOLD.glob("*.gold.json")) + sorted(GOLD.glob("*/*.gold.json"))


def gold_of(name: str) -> dict:
    [path] = [p for p in GOLD_FILES if p.name == Path(name).with_suffix(".gold.json").name]
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def record_of(name: str) -> dict:
    source = read(SAMPLES / name)
    return extract(source.text, source.name)


def test_every_sample_has_a_gold_record_and_is_shipped():
    names = sorted(p.name for p in sample_paths())
    assert names == sorted(json.loads(p.read_text(encoding="utf-8"))["source"] for p in GOLD_FILES)
    assert {Path(n).suffix for n in names} == {".txt", ".docx"}
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"samples/*.txt"' in pyproject and '"samples/*.docx"' in pyproject


def test_samples_are_read_and_typed():
    assert {p.name: record_of(p.name)["doc_type"] for p in sample_paths()} == {
        "linchuan_district_minutes_3.txt": "meeting_minutes",
        "qingxi_2024_work_report.txt": "work_report",
        "qingxi_2025_work_report.txt": "work_report",
        "qingxi_congress_review_2024.txt": "congress_review",
        "qingxi_county_minutes_12.txt": "meeting_minutes",
        "qingxi_county_minutes_13.docx": "meeting_minutes",
    }


HEADER = ["doc_type", "title", "issuer", "serial", "issued", "meeting", "agenda",
          "speaker", "occasion", "review_year", "plan_year", "session", "period"]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name)
def test_header_fields_equal_the_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    record = record_of(gold["source"])
    fields = [f for f in HEADER if f in gold]
    assert {f: record.get(f) for f in fields} == {f: gold[f] for f in fields}


def test_county_minutes_meeting_and_decisions():
    record = record_of("qingxi_county_minutes_12.txt")
    assert record["meeting"] == {"ordinal": 28, "date": "2024-05-16", "part_of_day": "上午",
                                 "chair": "林振华", "chair_title": "县长"}
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "传达学习全省安全生产电视电话会议精神", None, ["县应急局"]),
        (2, "审议《青溪县促进民营经济高质量发展若干措施》", "原则同意", ["县发改局"]),
        (3, "审议《青溪县城区停车设施建设三年行动方案（2024—2026年）》", "原则同意", ["县住建局"]),
        (4, "听取县农业农村局关于2024年高标准农田建设推进情况的汇报", "原则同意", ["县农业农村局"]),
        (5, "听取县教育局关于秋季学期学位供给情况的汇报", "同意", ["县教育局"]),
    ]
    assert [(t["owners"], t["due_text"], t["due"]) for t in record["items"][1]["tasks"]] == [
        (["县发改局"], None, None),
        (["县财政局"], "三季度末前", "2024-09-30"),
        (["各乡镇"], "及时", None),
    ]


def test_district_minutes_with_chinese_numeral_dates_and_column_lists():
    record = record_of("linchuan_district_minutes_3.txt")
    assert (record["issuer"], record["serial"], record["issued"]) == ("临川区人民政府办公室", 3, "2024-03-15")
    assert record["meeting"] == {"ordinal": 16, "date": "2024-03-12", "part_of_day": "下午",
                                 "chair": "陈志远", "chair_title": "区长"}
    first = record["items"][0]
    assert [(t["owners"], t["due"]) for t in first["tasks"]] == [
        (["区发展和改革局"], "2024-03-31"),
        (["区发展和改革局"], None),  # `要建立项目周调度机制` inherits the owner of the sentence before
        (["区自然资源局", "区生态环境分局"], None),
    ]
    assert [(a["org"], a["name"]) for a in record["attendees"] if a["role"] == "列席"][:3] == [
        ("区政府办公室", "黄伟"), ("区发展和改革局", "周敏"), ("区住房和城乡建设局", "吴新民")]


def test_docx_minutes_keep_word_numbering_and_read_the_attendee_table():
    record = record_of("qingxi_county_minutes_13.docx")
    assert [i["title"] for i in record["items"]] == [
        "审议《青溪县夜间经济发展三年行动计划》",
        "审议《青溪县居家养老服务补贴实施办法》",
        "听取县市场监管局关于食品安全“两个责任”落实情况的汇报",
    ]
    assert [(a["role"], a["org"], a["name"]) for a in record["attendees"]][5:8] == [
        ("列席", "县政府办", "刘晓东"), ("列席", "县政府办", "张佳宁"), ("列席", "县商务局", "周立新")]


def test_congress_review_groups_and_deputies():
    record = record_of("qingxi_congress_review_2024.txt")
    assert [(g["no"], g["category"], g["count"], len(g["suggestions"])) for g in record["suggestion_groups"]] == [
        (1, "推动产业转型升级", 3, 3), (2, "提升城乡建设品质", 3, 3), (3, "增进民生福祉", 4, 4)]
    assert record["suggestion_groups"][1]["suggestions"][0]["deputies"] == ["冯国强", "韩立新"]


MINUTES_GOLD = [p for p in GOLD_FILES if json.loads(p.read_text(encoding="utf-8")).get("items")]


@pytest.mark.parametrize("gold_path", MINUTES_GOLD, ids=lambda p: p.name)
def test_minutes_items_tasks_and_attendees_equal_the_gold(gold_path):
    """Without the shared scorer: every gold task is found (its anchor inside a task) with its owners
    and due phrase; items, leads and attendees are equal."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    record = record_of(gold["source"])
    item = lambda i: (i["no"], squash(i["title"]), i["documents"], i["decision"], i["leads"])
    assert [item(i) for i in record["items"]] == [item(i) for i in gold["items"]]
    found, expected = [], []
    for gi, pi in zip(gold["items"], record["items"]):
        for gt in gi["tasks"]:
            hit = next((t for t in pi["tasks"] if squash(gt["anchor"]) in squash(t["text"])), None)
            found.append((gt["anchor"], hit and hit["owners"], hit and hit["due_text"] if "due_text" in gt else None))
            expected.append((gt["anchor"], gt["owners"], gt.get("due_text")))
    assert found == expected
    person = lambda a: (a["role"], a["org"], a["name"])
    assert [person(a) for a in record["attendees"]] == [person(a) for a in gold["attendees"]]


def _load_scorer():
    spec = importlib.util.spec_from_file_location("luoshi_shared_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report_stages_implemented() -> bool:
    return bool(record_of("qingxi_2024_work_report.txt").get("targets"))


@needs_scorer
def test_txt_samples_score_against_their_gold():
    run = f"{shlex.quote(sys.executable)} -m luoshi.cli extract --format json {{file}}"
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(GOLD), "--corpus", str(SAMPLES), "--run", run, "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True,
    )
    result = json.loads(out.stdout)
    print(json.dumps(result, ensure_ascii=False))
    documents = result["documents"]
    others = {d: v for d, v in documents.items() if "work_report" not in d}
    assert {d: v for d, v in others.items() if v < 0.95} == {}
    assert result["sections"]["spans"]["fn"] == 0, "every text must carry a valid span"
    if not _report_stages_implemented():
        pytest.skip("the work-report stages (reports.py, quantities.py) are not implemented yet: "
                    "the minutes and review samples were scored, the work reports' overall is not checked")
    assert result["sections"]["overall"] >= 0.95
    assert {d: v for d, v in documents.items() if v < 0.85} == {}


@needs_scorer
def test_docx_sample_scores_against_its_gold():
    """The shared scorer reads sources as text; a DOCX is scored with its functions on the text read."""
    score = _load_scorer()
    [gold_path] = sorted(GOLD.glob("docx/*.gold.json"))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    source = read(SAMPLES / gold["source"])
    tallies = {s: score.Tally() for s in score.SECTIONS}
    score.score_one(gold, extract(source.text, source.name), source.text, tallies)
    assert score.overall(tallies) >= 0.95, {s: t.row() for s, t in tallies.items()}


def test_table_of_the_district_minutes_reads_at_a_glance():
    from rich.console import Console

    from luoshi.render import print_record

    console = Console(record=True, width=200, color_system=None)
    print_record(record_of("linchuan_district_minutes_3.txt"), console)
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    assert "会议：第16次   2024-03-12 下午   主持：陈志远区长" in "\n".join(lines)
    assert [line for line in lines if line.startswith(("议定事项", "任务（", "出席", "列席"))] == [
        "议定事项（4项）", "任务（12项）", "出席（6）：陈志远、刘海波、王建国、孙丽华、赵晓明、杨国庆",
        "列席（9）：区政府办公室 黄伟；区发展和改革局 周敏；区住房和城乡建设局 吴新民；区商务局 郑涛；区财政局 钱小芳；"
        "区自然资源局 冯建军；区应急管理局 蒋勇；区生态环境分局 韩冰；临江街道 许文杰"]
    row = next(line for line in lines if "│  2.2 │" in line)
    assert [cell.strip() for cell in row.split("│")[2:5]] == [
        "区住房和城乡建设局", "4月30日前", "区住房和城乡建设局要于4月30日前完成首批12个小区的施工招标"]


def test_the_2025_report_states_the_results_of_most_2024_promises():
    """The samples' promise-versus-delivery links (tests/gold/qingxi_promise_delivery.json) are sound:
    every 2024 target and commitment has a link, each link quotes both reports, and the 2025 report
    states the result of at least 90% of them, some achieved and some missed."""
    links = json.loads((GOLD / "qingxi_promise_delivery.json").read_text(encoding="utf-8"))
    plan = gold_of("qingxi_2024_work_report.txt")
    promised = [q["quote"] for q in plan["targets"] + plan["commitments"]]
    assert sorted(link["promise"] for link in links["links"]) == sorted(promised)
    text_2024 = squash((SAMPLES / links["promises_source"]).read_text(encoding="utf-8"))
    text_2025 = squash((SAMPLES / links["results_source"]).read_text(encoding="utf-8"))
    assert [link["promise"] for link in links["links"] if squash(link["promise"]) not in text_2024] == []
    assert [link["delivered"] for link in links["links"]
            if link["delivered"] and squash(link["delivered"]) not in text_2025] == []
    statuses = [link["status"] for link in links["links"]]
    assert statuses.count("unreported") <= 0.1 * len(statuses)
    assert {s: statuses.count(s) for s in sorted(set(statuses))} == {"achieved": 32, "missed": 9, "unreported": 2}


def test_extract_samples_on_the_command_line():
    out = subprocess.run([sys.executable, "-m", "luoshi.cli", "extract", "--samples", "--format", "jsonl"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["source"] for line in out.stdout.splitlines()] == [p.name for p in sample_paths()]
