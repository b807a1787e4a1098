"""The Chinese words the target rules read: unit prefixes, measures, indicators where lower is better, and
the pledge verbs stripped before two indicators are compared. Data, replaceable through each rule's policy.
"""

from __future__ import annotations

from decimal import Decimal

# Magnitude prefixes of a unit, longest first: 1.7万人 is 17 000 人, 1.3万亿斤 is 1.3 × 10¹² 斤.
PREFIXES: tuple[tuple[str, Decimal], ...] = (
    ("万亿", Decimal(10) ** 12), ("千亿", Decimal(10) ** 11), ("百亿", Decimal(10) ** 10),
    ("亿", Decimal(10) ** 8), ("千万", Decimal(10) ** 7), ("百万", Decimal(10) ** 6),
    ("万", Decimal(10) ** 4), ("千", Decimal(10) ** 3), ("百", Decimal(10) ** 2),
)
# Units that begin with a prefix character but are not scaled by it (百分点 is not 100 分点).
UNSCALED = ("百分点", "百分比", "千分点", "千分比", "万分")
# Other spellings of one unit.
UNIT_ALIASES = {"公里": "千米", "％": "%", "个百分点": "百分点", "平米": "平方米"}
PERCENT_UNITS = ("%", "百分点")
# Classifiers that count things; two of them are comparable though not the same (6家 vs 6个 markets).
COUNTERS = frozenset("个家座所条项件处名位只台辆艘套间栋幢户张")

# The class of a measure: a rise, a fall, or (anything else) a level or an amount done.
RISE = ("增长", "提高", "上涨", "增加", "提升", "涨幅", "增幅", "增速", "上升")
FALL = ("下降", "降低", "减少", "回落", "降幅", "压减", "下调")
# A measure ending so names the level reached (提高到2.55%), not the change.
LEVEL_ENDINGS = ("到", "至")

# Indicators where a smaller figure is the better one (a ceiling); a fall measure turns them round.
LOWER_IS_BETTER = ("失业率", "价格", "涨幅", "浓度", "能耗", "赤字", "排放", "事故", "死亡率", "负债率",
                   "发生率", "超标")
# Indicators compared by their latest value rather than a running total over the year.
LEVEL_WORDS = ("率", "比重", "比例", "浓度", "指数", "价格", "占比", "强度", "均")

# Words dropped before indicators are compared: pledge verbs and qualifiers that differ between a
# promise and its result (新建 vs 新改建, 力争 vs nothing) without changing what is counted. Longest first.
FUNCTION_WORDS = tuple(sorted((
    "力争", "确保", "争取", "努力", "全年", "全县", "全市", "全区", "全省", "全国", "累计", "其中", "同比",
    "新建改建", "新建改造", "新改扩建", "新改建", "改扩建", "新建", "改建", "新增", "新认定", "新引进", "新创",
    "新开工", "新改造", "建成", "建设", "完成", "实现", "实施", "达到", "达", "控制在", "稳定在", "保持在",
    "提高到", "提升到", "开展", "引进", "投用", "投入使用", "筹集", "推动", "推进", "加快", "打造", "创建",
    "提档改造", "改造提升", "优化调整", "改造", "提档", "一批", "超过",
    "各类", "等", "的", "和", "及", "与", "年度", "目标", "任务",
), key=len, reverse=True))
# Spellings of one phrase, replaced before comparing (规上 is short for 规模以上).
ALIASES = {"规上": "规模以上", "高企": "高新技术企业"}
