"""Minutes (and a congress review) in layouts other than the seeds': 区政府 and 县政府 minutes, decisions under 会议决定事项
numbered 1. 2. or （一）, dates in Chinese numerals, attendees in two columns, a name broken across lines.

The documents are written here, for fictional places; each test asserts the whole value extracted.
"""

from __future__ import annotations

from luoshi.extract import extract

DISTRICT = """云江市东湖区人民政府常务会议纪要
第 21 号
东湖区人民政府办公室                二〇二三年十二月三十一日

二〇二三年十二月二十九日上午，副区长（主持工作）王立群主持召开区政府第四十二次常务会议，研究了以下事项：
会议决定事项
（一）关于《东湖区冬春季大气污染防治攻坚方案》
会议原则同意该方案，由区生态环境分局根据会议意见修改完善后印发。区生态环境分局要加强重点企业错峰生产监管，春节前完成散乱污企业整治“回头看”。各街道要落实网格化巡查责任，严防秸秆露天焚烧。
（二）关于区属国有企业改革工作
会议要求，区国资办要会同区财政局抓紧制定国企整合重组方案，2024年3月底前报区政府审定。要同步做好人员安置和资产清查。
（三）关于冬季供暖保障工作
会议强调，区住建局要督促供热企业做好设备检修和燃料储备，确保居民室温达标。遇有群众投诉，要在24小时内响应处置。
出席：王立群  李　伟  张海燕
      刘德明  陈　刚
列席：区政府办公室 赵　磊  钱文静，区生态环境分局 孙
小红，区国资办 周　平，区财政局 吴建新，区住建局 郑
志远，各街道办事处主要负责同志。
"""

COUNTY = """丰宁县人民政府
常务会议纪要
〔2023〕第5号
丰宁县人民政府办公室　　2023年4月10日
2023年4月6日下午，县长马振东主持召开第十一次县政府常务会议，听取了县农业农村局关于春耕生产准备情况的汇报，审议了《丰宁县农村人居环境整治提升五年行动实施方案》。现将会议议定事项纪要如下：
1.听取县农业农村局关于春耕生产准备情况的汇报
会议指出，今年春耕生产准备工作总体有序。县农业农村局要抓好种子、化肥等农资供应，5月中旬前完成春播任务。县气象局要做好农业气象服务。
2.审议《丰宁县农村人居环境整治提升五年行动实施方案》
会议原则同意该《方案》，会后由县农业农村局牵头修改完善，按程序印发。各乡镇要切实履行主体责任，年内完成农村户厕问题摸排整改。县财政局要统筹安排整治资金。
出席：马振东、高建军、罗红梅、白玉林
列席：县政府办公室刘洋，县农业农村局宋立新，县气象局任杰，县财政局许光明
"""

# Typeset: paragraphs indented by two full-width spaces; decisions after `会议决定事项：` numbered 1.;
# attendees as two columns, name then title (出席) and unit then name (列席).
COLUMNS = """南川区人民政府
第 7 次常务会议纪要

区政府办公室                                二〇二三年十二月二十九日

　　12月27日上午，区长韩志刚主持召开区政府第7次常务会议，传达学习全市经济工作会议精神，审议《南川区2024年为民办实事项目》。
　　会议决定事项：
　　1.传达学习全市经济工作会议精神。会议要求，各部门、各镇街要对照市里部署，抓紧谋划明年工作思路和重点项目，1月15日前报区发改委汇总。
　　2.审议《南川区2024年为民办实事项目》。会议原则同意，由区发改委根据会议意见进一步完善后提交区人代会审议。区财政局要做好资金保障。区政府督查室要建立台账，按季度跟踪督办。
出席人员：
韩志刚          区长
罗  斌          常务副区长
许文华          副区长
列席人员：
区发改委        陈  亮
区财政局        彭小伟
区政府督查室    邓  勇
"""


# 会议由县长某某主持; titles before the names of those present; decisions headed 一、关于….
TOPICAL = """青溪县人民政府
专题会议纪要
〔2024〕15号

　　2024年7月8日，县政府召开第30次常务会议，会议由县长林振华主持。会议研究了防汛救灾工作，审议了《青溪县城市防洪排涝应急预案（修订）》。现将会议议定事项纪要如下：
　　一、关于防汛救灾工作
　　会议认为，当前已进入主汛期，防汛形势严峻复杂。会议要求：县水利局要加强雨情水情监测预警，汛期实行24小时值班。县应急局、各乡镇要在7月15日前完成山洪地质灾害隐患点巡查。各有关部门要备足备齐防汛物资。
　　二、关于《青溪县城市防洪排涝应急预案（修订）》
　　会议原则通过该预案，由县应急局按程序印发。县住建局负责城区排水设施维护，确保汛期排水畅通。
　　出席：县长林振华，副县长周明远、陈丽娟，县政府办公室主任刘晓东
　　列席：县水利局局长蒋立新，县应急局局长韩磊，县住建局副局长赵文斌，城关镇镇长杨帆
"""

# No numbering: each paragraph opening 会议听取/会议审议 is one decision; the date comes after 于.
PARAGRAPHS = """临川区人民政府常务会议纪要
（第十七次）
临川区人民政府办公室　　　　二〇二四年四月二日

　　区政府第十七次常务会议于2024年3月29日下午在区行政中心召开，区长陈志远主持会议。会议听取了区教育局关于2024年秋季学期招生工作的汇报，审议了《临川区城市更新专项规划（2024—2035年）》，现纪要如下：
　　会议听取了区教育局关于2024年秋季学期招生工作的汇报。会议原则同意区教育局提出的招生工作方案。区教育局要做好学区划分公示工作，5月底前向社会公布招生政策。区公安分局、区住建局要配合做好户籍、房产信息核验。
　　会议审议了《临川区城市更新专项规划（2024—2035年）》。会议原则同意该规划，由区自然资源局根据会议意见修改完善后报市政府审批。区自然资源局要加强与市级部门沟通衔接，争取年内获批。
　　出席：陈志远　刘海波　王建国　孙丽华
　　列席：区教育局　周晓梅　区公安分局　林　涛　区住建局　吴新民
　　区自然资源局　冯建军
"""


# A congress review summary: office and date on one line above the title, groups numbered 一、.
REVIEW = """临川区人大常委会办公室                二〇二四年三月二十日
关于区十七届人大四次会议代表审议意见的汇总
　　区十七届人大四次会议于2024年2月26日至28日召开。会议期间，代表们对《政府工作报告》提出了意见和建议，现汇总如下：
　　一、关于经济发展方面（2条）
　　1.加大招商引资力度。刘海波、周敏代表建议围绕主导产业开展精准招商，提高项目落地率。
　　2.优化营商环境。吴新民代表建议进一步压缩审批时限，推行“一件事一次办”。
　　二、关于社会民生方面（3条）
　　1.增加停车泊位。郑涛、钱小芳代表建议在老旧小区周边增设公共停车泊位。
　　2.加强养老服务。冯建军代表、蒋勇列席代表建议推进社区食堂建设。
　　3.改善农村供水。韩冰、许文杰、黄伟代表建议加快城乡供水一体化改造。
"""


def tasks(record: dict) -> list[list[tuple]]:
    return [[(t["owners"], t["due_text"], t["due"]) for t in item["tasks"]] for item in record["items"]]


def people(record: dict) -> list[tuple]:
    return [(a["role"], a["org"], a["name"]) for a in record["attendees"]]


def test_district_minutes_with_chinese_numeral_dates():
    record = extract(DISTRICT, "district.txt")
    assert (record["doc_type"], record["issuer"], record["serial"], record["issued"]) == (
        "meeting_minutes", "东湖区人民政府办公室", 21, "2023-12-31")
    assert record["meeting"] == {"ordinal": 42, "date": "2023-12-29", "part_of_day": "上午",
                                 "chair": "王立群", "chair_title": "副区长"}
    # `研究了以下事项` names no agenda: a heading that is only a document's title was considered (审议).
    assert record["agenda"] == [{"verb": "审议", "subject": "东湖区冬春季大气污染防治攻坚方案"}]


def test_district_decisions_numbered_in_brackets_under_decision_items():
    record = extract(DISTRICT, "district.txt")
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "关于《东湖区冬春季大气污染防治攻坚方案》", "原则同意", ["区生态环境分局"]),
        (2, "关于区属国有企业改革工作", None, ["区国资办"]),
        (3, "关于冬季供暖保障工作", None, []),
    ]
    assert tasks(record) == [
        [(["区生态环境分局"], None, None), (["区生态环境分局"], "春节前", "2024-02-09"), (["各街道"], None, None)],
        [(["区国资办"], "2024年3月底前", "2024-03-31"), (["区国资办"], None, None)],
        [(["区住建局"], None, None), (["区住建局"], "24小时内", None)],
    ]


def test_attendees_in_two_rows_and_names_broken_across_lines():
    assert people(extract(DISTRICT, "district.txt")) == [
        ("出席", None, "王立群"), ("出席", None, "李伟"), ("出席", None, "张海燕"), ("出席", None, "刘德明"),
        ("出席", None, "陈刚"),
        ("列席", "区政府办公室", "赵磊"), ("列席", "区政府办公室", "钱文静"), ("列席", "区生态环境分局", "孙小红"),
        ("列席", "区国资办", "周平"), ("列席", "区财政局", "吴建新"), ("列席", "区住建局", "郑志远"),
        ("列席", "各街道办事处", None),
    ]


def test_county_minutes_numbered_1_2():
    record = extract(COUNTY, "county.txt")
    assert (record["issuer"], record["serial"], record["issued"]) == ("丰宁县人民政府办公室", 5, "2023-04-10")
    assert record["meeting"] == {"ordinal": 11, "date": "2023-04-06", "part_of_day": "下午",
                                 "chair": "马振东", "chair_title": "县长"}
    assert record["agenda"] == [{"verb": "听取", "subject": "县农业农村局关于春耕生产准备情况"},
                                {"verb": "审议", "subject": "丰宁县农村人居环境整治提升五年行动实施方案"}]
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "听取县农业农村局关于春耕生产准备情况的汇报", None, ["县农业农村局"]),
        (2, "审议《丰宁县农村人居环境整治提升五年行动实施方案》", "原则同意", ["县农业农村局"]),
    ]
    assert tasks(record) == [
        [(["县农业农村局"], "5月中旬前", "2023-05-20"), (["县气象局"], None, None)],
        [(["县农业农村局"], None, None), (["各乡镇"], "年内", "2023-12-31"), (["县财政局"], None, None)],
    ]
    assert people(record)[4:] == [("列席", "县政府办公室", "刘洋"), ("列席", "县农业农村局", "宋立新"),
                                  ("列席", "县气象局", "任杰"), ("列席", "县财政局", "许光明")]


def test_typeset_minutes_with_column_lists():
    record = extract(COLUMNS, "columns.txt")
    assert (record["title"], record["issuer"], record["issued"]) == ("第7次常务会议纪要", "区政府办公室", "2023-12-29")
    # A year-less meeting date takes the year of the issue date.
    assert record["meeting"] == {"ordinal": 7, "date": "2023-12-27", "part_of_day": "上午",
                                 "chair": "韩志刚", "chair_title": "区长"}
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "传达学习全市经济工作会议精神", None, []),
        (2, "审议《南川区2024年为民办实事项目》", "原则同意", ["区发改委"]),
    ]
    assert tasks(record) == [
        [(["各部门", "各镇街"], "1月15日前", "2024-01-15")],
        [(["区发改委"], None, None), (["区财政局"], None, None), (["区政府督查室"], None, None)],
    ]
    assert people(record) == [
        ("出席", None, "韩志刚"), ("出席", None, "罗斌"), ("出席", None, "许文华"),
        ("列席", "区发改委", "陈亮"), ("列席", "区财政局", "彭小伟"), ("列席", "区政府督查室", "邓勇"),
    ]


def test_the_layout_of_a_typeset_document_does_not_change_its_record():
    """The same minutes as paragraphs on lines, and typeset (indented, wrapped at 24 characters)."""
    body = COUNTY.splitlines()
    typeset = []
    for line in body:
        indented = "　　" + line
        typeset += [indented[i:i + 24] for i in range(0, len(indented), 24)]
    plain, wrapped = extract(COUNTY, "a.txt"), extract("\n".join(typeset), "a.txt")
    strip = lambda r: [(i["title"], i["leads"], [(t["text"], t["owners"]) for t in i["tasks"]]) for i in r["items"]]
    assert strip(wrapped) == strip(plain)
    assert people(wrapped) == people(plain)


def test_minutes_chaired_as_written_after_the_meeting_with_titled_attendees():
    record = extract(TOPICAL, "topical.txt")
    assert (record["title"], record["issuer"], record["serial"], record["issued"]) == (
        "专题会议纪要", "青溪县人民政府", 15, None)
    assert record["meeting"] == {"ordinal": 30, "date": "2024-07-08", "part_of_day": None,
                                 "chair": "林振华", "chair_title": "县长"}
    assert [(i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        ("关于防汛救灾工作", None, []),
        ("关于《青溪县城市防洪排涝应急预案（修订）》", "原则同意", ["县应急局"]),
    ]
    assert tasks(record) == [
        [(["县水利局"], None, None), (["县应急局", "各乡镇"], "7月15日前", "2024-07-15"), (["各有关部门"], None, None)],
        [(["县应急局"], None, None), (["县住建局"], None, None)],
    ]
    assert people(record) == [
        ("出席", None, "林振华"), ("出席", None, "周明远"), ("出席", None, "陈丽娟"), ("出席", None, "刘晓东"),
        ("列席", "县水利局", "蒋立新"), ("列席", "县应急局", "韩磊"), ("列席", "县住建局", "赵文斌"), ("列席", "城关镇", "杨帆"),
    ]


def test_unnumbered_decisions_one_per_meeting_paragraph():
    record = extract(PARAGRAPHS, "paragraphs.txt")
    assert (record["issuer"], record["serial"], record["issued"]) == ("临川区人民政府办公室", None, "2024-04-02")
    assert record["meeting"] == {"ordinal": 17, "date": "2024-03-29", "part_of_day": "下午",
                                 "chair": "陈志远", "chair_title": "区长"}
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "听取了区教育局关于2024年秋季学期招生工作的汇报", "原则同意", ["区教育局"]),
        (2, "审议了《临川区城市更新专项规划（2024—2035年）》", "原则同意", ["区自然资源局"]),
    ]
    assert tasks(record) == [
        [(["区教育局"], "5月底前", "2024-05-31"), (["区公安分局", "区住建局"], None, None)],
        [(["区自然资源局"], None, None), (["区自然资源局"], "年内", "2024-12-31")],
    ]
    assert people(record)[4:] == [("列席", "区教育局", "周晓梅"), ("列席", "区公安分局", "林涛"),
                                  ("列席", "区住建局", "吴新民"), ("列席", "区自然资源局", "冯建军")]


def test_review_summary_with_office_and_date_above_the_title():
    record = extract(REVIEW, "review.txt")
    assert {k: record[k] for k in ("doc_type", "title", "issuer", "issued", "session", "period")} == {
        "doc_type": "congress_review", "title": "关于区十七届人大四次会议代表审议意见的汇总",
        "issuer": "临川区人大常委会办公室", "issued": "2024-03-20", "session": "区十七届人大四次会议",
        "period": ["2024-02-26", "2024-02-28"]}
    assert [(g["no"], g["category"], g["count"], [(s["no"], s["title"], s["deputies"]) for s in g["suggestions"]])
            for g in record["suggestion_groups"]] == [
        (1, "经济发展", 2, [(1, "加大招商引资力度", ["刘海波", "周敏"]), (2, "优化营商环境", ["吴新民"])]),
        (2, "社会民生", 3, [(1, "增加停车泊位", ["郑涛", "钱小芳"]), (2, "加强养老服务", ["冯建军", "蒋勇"]),
                        (3, "改善农村供水", ["韩冰", "许文杰", "黄伟"])]),
    ]


def test_minutes_as_pdf_text_comes_out_extract_as_written():
    """The district sample wrapped at 30 characters with a blank line after every line (as text taken
    from a PDF often is), its column rows left as they are."""
    import re
    from pathlib import Path

    from luoshi.samples import sample_paths

    [path] = [p for p in sample_paths() if p.name == "linchuan_district_minutes_3.txt"]
    text = Path(path).read_text(encoding="utf-8")
    lines = []
    for line in text.split("\n"):
        columns = re.search(r"\S {4,}\S", line)
        lines += [line] if columns or len(line) < 30 else [line[i:i + 30] for i in range(0, len(line), 30)]
    wrapped = extract("\n\n".join(lines), path.name)
    plain = extract(text, path.name)
    strip = lambda r: [(i["title"], i["leads"], [(t["text"], t["owners"], t["due"]) for t in i["tasks"]]) for i in r["items"]]
    assert strip(wrapped) == strip(plain)
    assert [wrapped[k] for k in ("issuer", "issued", "meeting", "agenda")] == [plain[k] for k in ("issuer", "issued", "meeting", "agenda")]
    assert people(wrapped) == people(plain)
