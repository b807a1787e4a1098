"""Promise versus delivery: last year's targets and commitments linked to the results the next report states."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from luoshi import glossary
from luoshi.ledger.delivery import (Claim, Match, MatchPolicy, Verdict, abbreviates, link_reports, match, normalise,
                                    promises_of, results_of, score, similarity, unmatched, verdict)
from luoshi.ledger.targets import Bound

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
SAMPLES = ROOT / "luoshi" / "samples"
STATE_COUNCIL = ROOT.parent / "shared" / "corpus" / "reports" / "state_council"


def claim(text: str, indicator: str, value, unit: str | None, bound: str | None = None, measure: str | None = None,
          kind: str = "commitment", year: int = 2024) -> Claim:
    return Claim.from_record({"text": text, "indicator": indicator, "value": value, "unit": unit, "bound": bound,
                              "measure": measure}, kind=kind, year=year)


def test_glossary_has_every_verdict():
    assert glossary.terms("verdict") == {"achieved": "已兑现", "missed": "未兑现", "unclear": "待核实"}


def test_normalise_strips_pledge_words_punctuation_and_a_trailing_measure():
    assert [normalise(claim("", "新能源车辆充电场（站）", 44, "座")), normalise(claim("", "规上工业增加值增长", 8.6, "%")),
            normalise(claim("新改建新能源车辆充电场（站）44座", "", 44, "座"))] == [
        "新能源车辆充电场站", "规模以上工业增加值", "新能源车辆充电场站"]


def test_similarity_and_abbreviation():
    assert [round(similarity("新能源充电站", "新能源车辆充电场站"), 2), similarity("学位", "学位"),
            similarity("农贸市场", "养老床位"), abbreviates("智改数转项目", "智能化改造和数字化转型项目"),
            abbreviates("学校", "中小学校"), abbreviates("转数改智", "智能化改造和数字化转型")] == [
        0.53, 1.0, 0.0, True, False, False]


@pytest.mark.parametrize("promise, result, expected", [
    (claim("新建新能源充电站40座", "新能源充电站", 40, "座"),
     claim("新改建新能源车辆充电场（站）44座", "新能源车辆充电场（站）", 44, "座"),
     (85, ("缩略语（新能源充电站/新能源车辆充电场站），按相似度0.80计", "单位一致（座）", "口径一致（—/—）"))),
    (claim("国内生产总值增长5%左右", "国内生产总值", 5, "%", "左右", "增长", "target"),
     claim("增长5%", "国内生产总值", 5, "%", None, "增长", "achievement"),
     (100, ("指标相近（国内生产总值/国内生产总值，字二元组相似度1.00）", "单位一致（%）", "口径一致（增长/增长）"))),
    (claim("城镇新增就业1200万人以上", "城镇新增就业", 1200, "万人", "以上", kind="target"),
     claim("城镇新增就业1256万人", "城镇新增就业", 1256, "万人", kind="achievement"),
     (100, ("指标相近（城镇就业/城镇就业，字二元组相似度1.00）", "单位一致（万人）", "口径一致（—/—）"))),
    (claim("力争城镇新增就业1.7万人", "城镇新增就业", 1.7, "万人"),
     claim("城镇新增就业16200人", "城镇新增就业", 16200, "人", kind="achievement"),
     (100, ("指标相近（城镇就业/城镇就业，字二元组相似度1.00）", "单位一致（万人）", "口径一致（—/—）"))),
    (claim("提档改造农贸市场20家", "农贸市场", 20, "家"), claim("改造农贸市场18个", "农贸市场", 18, "个"),
     (85, ("指标相近（农贸市场/农贸市场，字二元组相似度1.00）", "量词不同（家/个），按数量比较", "口径一致（—/—）"))),
])
def test_score_with_its_reasons(promise, result, expected):
    assert score(promise, result) == expected


@pytest.mark.parametrize("promise, result", [
    (claim("地区生产总值增长6%", "地区生产总值", 6, "%", measure="增长"), claim("地区生产总值438.5亿元", "地区生产总值", 438.5, "亿元")),
    (claim("居民收入增长和经济增长同步", "居民收入", None, None), claim("居民人均可支配收入增长5.1%", "居民人均可支配收入", 5.1, "%")),
    (claim("新建幸福河湖20条", "幸福河湖", 20, "条"), claim("建成幸福河湖22条", "幸福河湖", 22, "条", year=2023)),
])
def test_no_score_across_units_without_a_number_or_across_years(promise, result):
    assert score(promise, result) is None


@pytest.mark.parametrize("promise, result, expected", [
    (claim("地区生产总值增长6%左右", "地区生产总值", 6, "%", "左右", "增长"), claim("增长5.6%", "地区生产总值", 5.6, "%", measure="增长"),
     (Verdict.ACHIEVED, "承诺增长6%左右（±0.5个百分点），实际5.6%，已兑现")),
    (claim("力争实际使用外资8000万美元", "实际使用外资", 8000, "万美元"), claim("实际使用外资0.726亿美元", "实际使用外资", 0.726, "亿美元"),
     (Verdict.MISSED, "承诺8000万美元，实际7260万美元，未兑现")),
    (claim("城镇调查失业率5.5%左右", "城镇调查失业率", 5.5, "%", "左右"), claim("城镇调查失业率平均为5.1%", "城镇调查失业率", 5.1, "%"),
     (Verdict.ACHIEVED, "承诺5.5%左右（±0.5个百分点），实际5.1%，已兑现")),
    (claim("城镇调查失业率5.5%左右", "城镇调查失业率", 5.5, "%", "左右"), claim("城镇调查失业率4.8%", "城镇调查失业率", 4.8, "%"),
     (Verdict.ACHIEVED, "承诺5.5%左右（±0.5个百分点），实际4.8%，已兑现（低于目标，该指标越低越好）")),
    (claim("单位国内生产总值能耗降低2.5%左右", "单位国内生产总值能耗", 2.5, "%", "左右", "降低"),
     claim("单位国内生产总值能耗增长0.3%", "单位国内生产总值能耗", 0.3, "%", measure="增长"),
     (Verdict.MISSED, "承诺降低2.5%左右（±0.5个百分点），实际-0.3%（增长0.3%），未兑现")),
    (claim("PM2.5年均浓度控制在30微克/立方米以下", "PM2.5年均浓度", 30, "微克/立方米", "以下"),
     claim("比上年下降1微克/立方米", "PM2.5年均浓度", 1, "微克/立方米", measure="下降"),
     (Verdict.UNCLEAR, "承诺≤30微克/立方米，结果比上年下降1微克/立方米：口径不同（—/下降）：变化量与总量不可比，需人工核实")),
    (claim("建成省级特色田园乡村4个", "省级特色田园乡村", 4, "个"), claim("新创省级特色田园乡村3个", "省级特色田园乡村", 3, "个"),
     (Verdict.MISSED, "承诺4个，实际3个，未兑现")),
])
def test_verdict_uses_the_bound_rules_of_targets(promise, result, expected):
    assert verdict(promise, result) == expected


def test_best_first_each_promise_and_result_once():
    towns = claim("城镇居民人均可支配收入增长6%", "城镇居民人均可支配收入", 6, "%", measure="增长")
    farms = claim("农村居民人均可支配收入增长7.5%", "农村居民人均可支配收入", 7.5, "%", measure="增长")
    r_farms = claim("农村居民人均可支配收入增长6.9%", "农村居民人均可支配收入增长", 6.9, "%", kind="achievement")
    r_towns = claim("城镇居民人均可支配收入增长5.1%", "城镇居民人均可支配收入增长", 5.1, "%", kind="achievement")
    found = match([towns, farms], [r_farms, r_towns])
    assert [(m.promise.text, m.result.text, m.score, m.verdict) for m in found] == [
        ("城镇居民人均可支配收入增长6%", "城镇居民人均可支配收入增长5.1%", 100, Verdict.MISSED),
        ("农村居民人均可支配收入增长7.5%", "农村居民人均可支配收入增长6.9%", 100, Verdict.MISSED)]
    # With only one result, the better promise takes it and the other stays unmatched.
    only = match([towns, farms], [r_farms])
    assert ([(m.promise.text, m.result.text) for m in only], [p.text for p in unmatched([towns, farms], only)]) == (
        [("农村居民人均可支配收入增长7.5%", "农村居民人均可支配收入增长6.9%")], ["城镇居民人均可支配收入增长6%"])


def test_a_pledge_stated_twice_shares_its_result():
    target = claim("城镇新增就业1200万人以上", "城镇新增就业", 1200, "万人", "以上", kind="target")
    again = claim("城镇新增就业1200万人以上", "城镇新增就业", 1200, "万人", "以上")
    result = claim("城镇新增就业1256万人", "城镇新增就业", 1256, "万人", kind="achievement")
    found = match([target, again], [result])
    assert [(m.promise is p, m.result.text, m.reasons[-1]) for m, p in zip(found, [target, again])] == [
        (True, "城镇新增就业1256万人", "口径一致（—/—）"),
        (True, "城镇新增就业1256万人", "与“城镇新增就业1200万人以上”为同一承诺")]


def test_a_glossary_term_is_expanded():
    promise = claim("完成智能化改造和数字化转型项目150个", "智能化改造和数字化转型项目", 150, "个")
    result = claim("实施“智改数转”项目163个", "“智改数转”项目", 163, "个", kind="achievement")
    terms = [{"term": "“智改数转”", "definition": "指制造业智能化改造和数字化转型。"}]
    assert [m.reasons[0] for m in match([promise], [result], glossary=terms)] == [
        "指标相近（智能化数字化转型项目/制造业智能化数字化转型项目，字二元组相似度0.93）"]


def test_a_match_keeps_both_sources():
    plan = {"source": "r2024.txt", "plan_year": 2024, "review_year": 2023,
            "targets": [{"text": "城镇新增就业1200万人以上", "span": [100, 112], "indicator": "城镇新增就业", "value": 1200,
                         "unit": "万人", "bound": "以上", "year": 2024}], "commitments": []}
    review = {"source": "r2025.txt", "plan_year": 2025, "review_year": 2024, "achievements": [
        {"text": "城镇新增就业1256万人", "span": [300, 311], "indicator": "城镇新增就业", "value": 1256, "unit": "万人",
         "year": 2024}]}
    assert link_reports(plan, review) == [Match(
        Claim(kind="target", text="城镇新增就业1200万人以上", indicator="城镇新增就业", value=D(1200), unit="万人",
              bound=Bound.AT_LEAST, year=2024, document="r2024.txt", span=(100, 112), path="targets[0]"),
        Claim(kind="achievement", text="城镇新增就业1256万人", indicator="城镇新增就业", value=D(1256), unit="万人",
              year=2024, document="r2025.txt", span=(300, 311), path="achievements[0]"),
        100, ("指标相近（城镇就业/城镇就业，字二元组相似度1.00）", "单位一致（万人）", "口径一致（—/—）"),
        Verdict.ACHIEVED, "承诺≥1200万人，实际1256万人，已兑现")]


def test_results_of_keeps_the_year_asked_for():
    review = {"review_year": 2024, "achievements": [{"text": "a", "indicator": "a", "value": 1, "unit": "个"},
                                                     {"text": "b", "indicator": "b", "value": 2, "unit": "个",
                                                      "year": 2023}]}
    assert [c.text for c in results_of(review)] == ["a"]


def test_the_threshold_is_a_policy():
    promise, result = claim("新增学位2400个", "学位", 2400, "个"), claim("新增中小学幼儿园学位2580个", "中小学幼儿园学位", 2580, "个")
    assert (len(match([promise], [result])), len(match([promise], [result], MatchPolicy(threshold=70)))) == (1, 0)


# -- the county's two reports (青溪县 2024 → 2025), links written by hand from reading both texts ----------------

# (the 2024 pledge, the 2025 result that answers it or None when the 2025 report does not say, the verdict)
COUNTY_LINKS = [
    ("地区生产总值增长6%左右", "增长5.6%", Verdict.ACHIEVED),
    ("一般公共预算收入增长5%以上", "增长5.4%", Verdict.ACHIEVED),
    ("全社会固定资产投资增长7%", "全社会固定资产投资增长4.2%", Verdict.MISSED),
    ("规模以上工业增加值增长8%", "规上工业增加值增长8.6%", Verdict.ACHIEVED),
    ("社会消费品零售总额增长6.5%左右", "增长6.8%", Verdict.ACHIEVED),
    ("城镇居民人均可支配收入增长6%", "城镇居民人均可支配收入增长5.1%", Verdict.MISSED),
    ("农村居民人均可支配收入增长7.5%", "农村居民人均可支配收入增长6.9%", Verdict.MISSED),
    ("城镇调查失业率控制在5%以内", "城镇调查失业率4.6%", Verdict.ACHIEVED),
    ("居民消费价格涨幅3%左右", "居民消费价格上涨0.4%", Verdict.ACHIEVED),
    ("粮食总产量稳定在32万吨以上", "粮食总产量32.6万吨", Verdict.ACHIEVED),
    ("单位地区生产总值能耗下降完成市下达任务", None, None),
    ("实施亿元以上重点项目120个", "实施亿元以上重点项目126个", Verdict.ACHIEVED),
    ("力争实际使用外资8000万美元", "实际使用外资7260万美元", Verdict.MISSED),
    ("新认定高新技术企业60家", "新认定高新技术企业67家", Verdict.ACHIEVED),
    ("新增省级专精特新中小企业25家", "新增省级专精特新中小企业28家", Verdict.ACHIEVED),
    ("完成智能化改造和数字化转型项目150个", "实施“智改数转”项目163个", Verdict.ACHIEVED),
    ("全社会研发经费支出占地区生产总值比重达2.6%", "比重提高到2.55%", Verdict.MISSED),
    ("引进各类人才5000名", "新引进各类人才5320名", Verdict.ACHIEVED),
    ("新增限额以上商贸企业40家", None, None),
    ("接待游客600万人次", "接待游客612万人次", Verdict.ACHIEVED),
    ("新建高标准农田3.2万亩", "建成高标准农田3.4万亩", Verdict.ACHIEVED),
    ("建成省级特色田园乡村4个", "新创省级特色田园乡村3个", Verdict.MISSED),
    ("改造提升农村公路60公里", "改造提升农村公路65.2公里", Verdict.ACHIEVED),
    ("新改造老旧小区12个", "完成老旧小区改造12个", Verdict.ACHIEVED),
    ("新建新能源充电站40座", "新改建新能源车辆充电场（站）44座", Verdict.ACHIEVED),
    ("新增公共停车泊位3000个", "新增公共停车泊位3260个", Verdict.ACHIEVED),
    ("优化调整城乡公交线路8条", "优化调整城乡公交线路9条", Verdict.ACHIEVED),
    ("筹集保障性租赁住房800套", "筹集保障性租赁住房860套", Verdict.ACHIEVED),
    ("建成5G基站300个", None, None),
    ("新改建污水管网35公里", "新建改造污水管网38.6公里", Verdict.ACHIEVED),
    ("PM2.5年均浓度控制在30微克/立方米以下", "PM2.5年均浓度31微克/立方米", Verdict.MISSED),
    ("空气质量优良天数比例达到85%以上", "空气质量优良天数比例86.3%", Verdict.ACHIEVED),
    ("建成幸福河湖20条", "建成幸福河湖22条", Verdict.ACHIEVED),
    ("完成造林绿化5000亩", "完成造林绿化4200亩", Verdict.MISSED),
    ("城镇新增就业6500人", "城镇新增就业6820人", Verdict.ACHIEVED),
    ("开展职业技能培训1.2万人次", "开展职业技能培训1.35万人次", Verdict.ACHIEVED),
    ("新增学位2400个", "新增中小学幼儿园学位2580个", Verdict.ACHIEVED),
    ("投用县第二实验小学等3所学校", "3所学校建成投用", Verdict.ACHIEVED),
    ("新增养老床位300张", "新增养老床位260张", Verdict.MISSED),
    ("建成社区嵌入式养老服务中心8个", "建成社区嵌入式养老服务中心8个", Verdict.ACHIEVED),
    ("新增家庭医生签约1.5万人", "新增家庭医生签约居民1.62万人", Verdict.ACHIEVED),
    ("提档改造农贸市场6家", "完成6家农贸市场提档改造", Verdict.ACHIEVED),
    ("新建改建健身步道30公里", "新建改建健身步道32公里", Verdict.ACHIEVED),
]


def _same(expected: str, text: str) -> bool:
    return bool(text) and (expected in text or text in expected)


def grade(promises: list[Claim], matches: list[Match]) -> tuple[list[str], list[str]]:
    """(what was linked as written by hand, what was not): each pledge of COUNTY_LINKS checked in turn."""
    by_promise = {id(m.promise): m for m in matches}
    right, wrong = [], []
    for pledge, result, outcome in COUNTY_LINKS:
        found = [by_promise.get(id(p)) for p in promises if _same(pledge, p.text)]
        links = [(m.result.text, m.verdict) for m in found if m is not None]
        ok = (not links) if result is None else any(_same(result, r) and v is outcome for r, v in links)
        (right if ok else wrong).append(f"{pledge} → {links or '—'}")
    return right, wrong


def test_the_county_links_on_the_expected_records():
    """The matcher alone, on the records the samples' gold files expect the extraction to give."""
    plan = json.loads((GOLD / "qingxi_2024_work_report.gold.json").read_text(encoding="utf-8"))
    review = json.loads((GOLD / "qingxi_2025_work_report.gold.json").read_text(encoding="utf-8"))
    review = {**review, "achievements": review["achievements_subset"]}
    promises = promises_of(plan)
    right, wrong = grade(promises, match(promises, results_of(review, 2024)))
    assert (len(promises), len(right), wrong) == (len(COUNTY_LINKS), len(COUNTY_LINKS), [])


def _extract_pair(first: Path, second: Path) -> tuple[dict, dict]:
    from luoshi.extract import extract

    plan = extract(first.read_text(encoding="utf-8"), first.name)
    review = extract(second.read_text(encoding="utf-8"), second.name)
    if not plan.get("targets") or not review.get("achievements"):
        pytest.skip("the extraction of work reports gives no targets or achievements yet")
    return plan, review


@pytest.mark.skipif(not (SAMPLES / "qingxi_2025_work_report.txt").is_file(), reason="the county samples are absent")
def test_the_county_links_from_extraction():
    """At least 90 % of the county's 2024 targets and commitments linked as written by hand."""
    plan, review = _extract_pair(SAMPLES / "qingxi_2024_work_report.txt", SAMPLES / "qingxi_2025_work_report.txt")
    promises = promises_of(plan)
    matches = match(promises, results_of(review, plan["plan_year"]),
                    glossary=[*plan.get("glossary", []), *review.get("glossary", [])])
    right, wrong = grade(promises, matches)
    assert len(right) / len(COUNTY_LINKS) >= 0.9, "\n".join(wrong)


# (the 2024 target, a substring of the 2025 result, the verdict)
STATE_COUNCIL_LINKS = [
    ("国内生产总值增长5%左右", "5%", Verdict.ACHIEVED),
    ("城镇新增就业1200万人以上", "1256万人", Verdict.ACHIEVED),
    ("城镇调查失业率5.5%左右", "5.1%", Verdict.ACHIEVED),
    ("居民消费价格涨幅3%左右", "0.2%", Verdict.ACHIEVED),
    ("粮食产量1.3万亿斤以上", "1.4万亿斤", Verdict.ACHIEVED),
    ("单位国内生产总值能耗降低2.5%左右", "3%", Verdict.ACHIEVED),
]


def test_state_council_wording():
    """The 2024 targets against the 2025 report's sentences, as records written by hand; the restated growth
    target finds no result of its own (GDP's is taken) and is not pinned on the share of world growth."""
    promises = [claim("国内生产总值增长5%左右", "国内生产总值", 5, "%", "左右", "增长", "target"),
                claim("城镇新增就业1200万人以上", "城镇新增就业", 1200, "万人", "以上", kind="target"),
                claim("城镇调查失业率5.5%左右", "城镇调查失业率", 5.5, "%", "左右", kind="target"),
                claim("居民消费价格涨幅3%左右", "居民消费价格", 3, "%", "左右", "涨幅", "target"),
                claim("粮食产量1.3万亿斤以上", "粮食产量", 1.3, "万亿斤", "以上", kind="target"),
                claim("单位国内生产总值能耗降低2.5%左右", "单位国内生产总值能耗", 2.5, "%", "左右", "降低", "target"),
                claim("经济增长预期目标为5%左右", "经济增长预期目标", 5, "%", "左右")]
    results = [claim("国内生产总值达到134.9万亿元", "国内生产总值", 134.9, "万亿元", kind="achievement"),
               claim("增长5%", "国内生产总值增长", 5, "%", kind="achievement"),
               claim("城镇新增就业1256万人", "城镇新增就业", 1256, "万人", kind="achievement"),
               claim("城镇调查失业率平均为5.1%", "城镇调查失业率", 5.1, "%", kind="achievement"),
               claim("居民消费价格上涨0.2%", "居民消费价格上涨", 0.2, "%", kind="achievement"),
               claim("居民人均可支配收入实际增长5.1%", "居民人均可支配收入增长", 5.1, "%", kind="achievement"),
               claim("粮食产量首次跃上1.4万亿斤新台阶", "粮食产量", 1.4, "万亿斤", kind="achievement"),
               claim("单位国内生产总值能耗降幅超过3%", "单位国内生产总值能耗降幅", 3, "%", "以上", kind="achievement"),
               claim("外汇储备超过3.2万亿美元", "外汇储备", 3.2, "万亿美元", "以上", kind="achievement"),
               claim("对全球经济增长的贡献率保持在30%左右", "对全球经济增长的贡献率", 30, "%", "左右", kind="achievement")]
    found = match(promises, results)
    assert [(m.promise.text, m.result.text, m.verdict) for m in found] == [
        ("国内生产总值增长5%左右", "增长5%", Verdict.ACHIEVED),
        ("城镇新增就业1200万人以上", "城镇新增就业1256万人", Verdict.ACHIEVED),
        ("城镇调查失业率5.5%左右", "城镇调查失业率平均为5.1%", Verdict.ACHIEVED),
        ("居民消费价格涨幅3%左右", "居民消费价格上涨0.2%", Verdict.ACHIEVED),
        ("粮食产量1.3万亿斤以上", "粮食产量首次跃上1.4万亿斤新台阶", Verdict.ACHIEVED),
        ("单位国内生产总值能耗降低2.5%左右", "单位国内生产总值能耗降幅超过3%", Verdict.ACHIEVED)]


@pytest.mark.skipif(not STATE_COUNCIL.is_dir(), reason="../shared is absent: no State Council reports")
def test_state_council_2024_targets_against_the_2025_report():
    plan, review = _extract_pair(STATE_COUNCIL / "2024年中华人民共和国国务院政府工作报告.txt",
                                 STATE_COUNCIL / "2025年中华人民共和国国务院政府工作报告.txt")
    found = link_reports(plan, review)
    linked = {m.promise.text: (m.result.text, m.verdict) for m in found}
    got = []
    for target, result, outcome in STATE_COUNCIL_LINKS:
        hit = [(r, v) for p, (r, v) in linked.items() if _same(target, p)]
        got.append((target, bool(hit) and result in hit[0][0] and hit[0][1] is outcome, hit))
    assert [g for g in got if not g[1]] == []


def test_a_match_as_plain_json():
    from luoshi.ledger.targets import plain

    found = match([claim("新建新能源充电站40座", "新能源充电站", 40, "座")],
                  [claim("新改建新能源车辆充电场（站）44座", "新能源车辆充电场（站）", 44, "座", kind="achievement")])
    data = plain(found[0])
    assert ({k: data[k] for k in ("score", "verdict", "rule")}, data["promise"]["value"], data["result"]["bound"]) == (
        {"score": 85, "verdict": "achieved", "rule": "承诺40座，实际44座，已兑现"}, "40", None)
