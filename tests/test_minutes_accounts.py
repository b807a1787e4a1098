"""Meeting minutes as governments publish them: web accounts of an executive meeting in the layouts
counties and districts use (written for these tests, after the layouts of real public pages)."""

from __future__ import annotations

from luoshi.extract import extract


def items(record):
    return [(i["no"], i["title"], i["documents"], i["decision"], i["leads"]) for i in record["items"]]


def tasks(record):
    return [[(t["owners"], t["co_owners"], t["text"][:12]) for t in i["tasks"]] for i in record["items"]]


# The meeting is said to take place before who chaired it; each `会议听取了…` paragraph is one decision.
HELD_THEN_CHAIRED = """区政府常务会议召开
李明主持
发布时间：2025-06-09 10:12
6月6日，区政府第70次常务会议召开。区委副书记、区长李明主持；副区长王强、赵敏出席。
会议听取了关于全区招商引资工作情况的汇报。会议强调，要不断拓展渠道，开展精准招商。区商务局要建立重点项目台账，明确推进时间节点。
会议听取了关于夏粮收购工作情况的汇报。会议要求，区农业农村局牵头，区市场监管局、区财政局密切配合，做好收购资金保障和质量检测。
会议还研究了其他事项。
"""


def test_a_news_account_says_the_meeting_was_held_then_who_chaired_it():
    record = extract(HELD_THEN_CHAIRED, "a.txt")
    assert record["doc_type"] == "meeting_minutes"
    assert record["meeting"] == {"ordinal": 70, "date": "2025-06-06", "part_of_day": None, "chair": "李明",
                                 "chair_title": "区长"}
    assert items(record) == [
        (1, "听取了关于全区招商引资工作情况的汇报", [], None, []),  # `X要…` is a task, not a lead
        (2, "听取了关于夏粮收购工作情况的汇报", [], None, ["区农业农村局"]),
    ]
    assert tasks(record) == [
        [([], [], "要不断拓展渠道，开展精准"), (["区商务局"], [], "区商务局要建立重点项目台")],
        [(["区农业农村局"], ["区市场监管局", "区财政局"], "区农业农村局牵头，区市场")],
    ]


# A page that runs the whole account into one line: each `会议听取并原则同意…` sentence starts a decision.
ONE_LINE = ("2025年3月12日上午，区委副书记、区长周平主持召开区政府常务会议。 会议听取并原则同意区科委关于制定"
            "《东湖区科技企业孵化器管理办法》的情况汇报。会议指出，要强化孵化服务。区科委要会同区财政局细化扶持"
            "政策。 会议听取了区应急局关于安全生产大检查情况的通报。会议要求，各街道要落实属地责任。 会议还研究了"
            "其他事项。\n当前位置：首页\n")


def test_decisions_run_together_on_one_line():
    record = extract(ONE_LINE, "b.txt")
    assert record["meeting"]["date"] == "2025-03-12"
    assert record["meeting"]["part_of_day"] == "上午"
    assert items(record) == [
        (1, "听取并原则同意区科委关于制定《东湖区科技企业孵化器管理办法》的情况汇报",
         ["东湖区科技企业孵化器管理办法"], "原则同意", ["区科委"]),
        (2, "听取了区应急局关于安全生产大检查情况的通报", [], None, []),
    ]
    assert tasks(record) == [
        [([], [], "要强化孵化服务"), (["区科委"], ["区财政局"], "区科委要会同区财政局细化")],
        [(["各街道"], [], "各街道要落实属地责任")],
    ]


# `关于X工作，会议指出，…` headings; collectives and generic references as owners.
ABOUT_HEADINGS = """县政府召开第12次常务会议
5月7日上午，县委副书记、县长陈刚主持召开县政府第十二次常务会议，听取水利、林业等相关工作情况汇报。
县政府常务会组成人员参加会议，相关单位负责人列席会议。
关于水利工作，会议指出，相关职能部门要做好全县防汛抗旱工作。要对全县小型水库进行排查摸底。
关于林业工作，会议要求，财政部门要加强资金调度，各乡镇、各园区及县级有关部门要落实护林责任。
"""


def test_about_headings_each_start_a_decision_and_a_year_less_date_stays_unknown():
    record = extract(ABOUT_HEADINGS, "c.txt")
    # The document names no year: the date is not guessed.
    assert record["meeting"] == {"ordinal": 12, "date": None, "part_of_day": "上午", "chair": "陈刚",
                                 "chair_title": "县长"}
    assert [i["title"] for i in record["items"]] == ["关于水利工作", "关于林业工作"]
    assert tasks(record) == [
        [(["相关职能部门"], [], "相关职能部门要做好全县防"), (["相关职能部门"], [], "要对全县小型水库进行排查")],
        [(["财政部门"], [], "财政部门要加强资金调度"), (["各乡镇", "各园区", "县级有关部门"], [], "各乡镇、各园区及县级有关")],
    ]


# No topic paragraphs: each paragraph in the meeting's voice is a decision; sector lists and leaders as owners.
VOICE = """文号 索引号
区政府召开第四十次常务会议
发布机构：东城区人民政府 发布时间： 2025-11-20
11月18日，区长高峰主持召开区政府第40次常务会议。
会议指出，区政府班子成员、各单位要深入学习领会上级会议精神。
会议强调，环保、住建、城管等相关部门要明确职责分工，加强沟通衔接。
会议要求，区市场监督管理局牵头，卫健、教体、应急等行业主管部门密切配合，全面开展风险隐患排查整治。
会议还研究了其他事项。
"""


def test_paragraphs_in_the_meeting_voice_are_decisions_with_their_owners():
    record = extract(VOICE, "d.txt")
    assert record["meeting"]["date"] == "2025-11-18"
    assert [i["no"] for i in record["items"]] == [1, 2, 3]
    assert tasks(record) == [
        [(["区政府班子成员", "各单位"], [], "区政府班子成员、各单位要")],
        [(["环保", "住建", "城管"], [], "环保、住建、城管等相关部")],
        [(["区市场监督管理局"], ["卫健", "教体", "应急"], "区市场监督管理局牵头，卫")],
    ]
    assert record["items"][2]["leads"] == ["区市场监督管理局"]


def test_a_meeting_on_one_matter_is_one_decision():
    text = ("2024年4月1日下午，副县长刘伟主持召开专题会，研究城区停车治理工作。\n"
            "会议指出，停车难问题群众反映强烈。\n会议要求，县住建局要牵头编制停车设施专项规划。\n")
    record = extract(text, "e.txt")
    assert len(record["items"]) == 1
    assert tasks(record)[0][-1] == (["县住建局"], [], "县住建局要牵头编制停车设")


# 一要/二要 after `他要求各级各部门`; the points after the first inherit its owners.
ENUMERATED = """12月3日，县委副书记、县长吴涛主持召开县人民政府第40次常务会议。会议先后听取了县发改局、县财政局相关情况汇报。
会议审议了《县创建国家卫生县城实施方案》。吴涛指出，创卫是一项系统工程，他要求各级各部门一要统一思想，制定工作计划；二要履职尽责，理清职责；三要强化保障，确保工作推进。
会议还听取了县城融资工作情况汇报。
"""


def test_enumerated_points_inherit_the_owners_named_before_them():
    record = extract(ENUMERATED, "f.txt")
    assert [(i["no"], i["documents"]) for i in record["items"]] == [
        (1, ["县创建国家卫生县城实施方案"]), (2, [])]
    assert tasks(record)[0] == [(["各级各部门"], [], "他要求各级各部门一要统一"), (["各级各部门"], [], "二要履职尽责，理清职责"),
                                (["各级各部门"], [], "三要强化保障，确保工作推")]


# A classic 纪要: `现将会议确定事项纪要如下`, 一、关于…有关问题, （一）… sub-items, leads from 会议原则同意X关于….
CLASSIC = """双河县人民政府常务会议纪要
〔2024〕9号
双河县人民政府办公室                2024年6月3日
2024年5月30日上午，县长马林主持召开县政府十八届第9次常务会议，现将会议确定事项纪要如下：
一、关于2024年1-4月份财政预算执行情况有关问题
会议原则同意县财政局关于2024年1-4月份财政预算执行情况的意见，会后修改完善后报请县人大常委会审批。
二、关于城乡统筹发展有关问题
（一）会议原则同意县发改局关于调整城乡统筹发展领导小组组成人员的意见，会后提交县委常委会研究。
（二）会议原则同意县住建局、县发改局提交的《双河县小城镇规划建设管理办法》，由县住建局会同县司法局根据会议意见修改完善，9月底前印发实施。
"""


def test_a_classic_minutes_with_sub_items():
    record = extract(CLASSIC, "g.txt")
    assert (record["issuer"], record["serial"], record["issued"]) == ("双河县人民政府办公室", 9, "2024-06-03")
    assert record["meeting"] == {"ordinal": 9, "date": "2024-05-30", "part_of_day": "上午", "chair": "马林",
                                 "chair_title": "县长"}
    assert items(record) == [
        (1, "关于2024年1-4月份财政预算执行情况有关问题", [], "原则同意", ["县财政局"]),
        (2, "关于城乡统筹发展有关问题", [], "原则同意", ["县发改局"]),  # the first passage that names one
    ]
    [first], second = tasks(record)
    assert first == (["县财政局"], [], "会后修改完善后报请县人大")
    assert record["items"][0]["tasks"][0]["due"] is None  # `2024年1-4月份` is a period, not a deadline
    assert second[-1] == (["县住建局"], ["县司法局"], "由县住建局会同县司法局根")
    assert record["items"][1]["tasks"][-1]["due_text"] == "9月底前"
    assert record["items"][1]["tasks"][-1]["due"] == "2024-09-30"


def test_ordinals_counted_in_a_term():
    for opening, n in [("市政府召开十届四十二次政府常务会议", 42), ("召开县六届一次常务会议", 1),
                       ("召开区五届第104次常务会议", 104), ("召开第十八届人民政府第65次常务会议", 65)]:
        record = extract(f"2023年12月13日，市长王伟主持，{opening}。\n会议审议了《某方案》。\n", "h.txt")
        assert record["meeting"]["ordinal"] == n, opening


def test_unnumbered_heading_lines_each_start_a_decision():
    text = ("青山县人民政府常务会议纪要\n2024年3月5日上午，县长张华主持召开县政府第5次常务会议。现将会议议定事项纪要如下：\n"
            "关于城区供水管网改造工作\n会议原则同意县水务局提出的改造方案。由县水务局牵头，6月底前完成。\n"
            "关于秋冬季森林防火工作\n会议要求，县林业局要加强巡护，各乡镇要落实属地责任。\n")
    record = extract(text, "i.txt")
    assert items(record) == [(1, "关于城区供水管网改造工作", [], "原则同意", ["县水务局"]),
                             (2, "关于秋冬季森林防火工作", [], None, [])]
    assert tasks(record) == [[(["县水务局"], [], "由县水务局牵头，6月底前")],
                             [(["县林业局"], [], "县林业局要加强巡护"), (["各乡镇"], [], "各乡镇要落实属地责任")]]
    assert record["items"][0]["tasks"][0]["due"] == "2024-06-30"


# `由X印发实施`: the unit after 由 takes the item forward, whatever verb of issuing follows it.
ISSUED_BY = """县政府常务会议纪要
2020年2月12日，县长李强主持召开县政府第3次常务会议。会议议定事项如下：
一、会议原则同意《关于支持中小企业的若干措施》，由县工信局印发实施。
二、会议同意《县城市管理办法》。由县城管局以县政府名义印发。
三、会议同意《养老服务设施规划》，会后由县民政局具体实施。
"""


def test_the_unit_after_you_takes_the_item_forward_whatever_it_is_to_issue():
    record = extract(ISSUED_BY, "a.txt")
    assert [i["leads"] for i in record["items"]] == [["县工信局"], ["县城管局"], ["县民政局"]]
    assert tasks(record) == [[(["县工信局"], [], "由县工信局印发实施")], [(["县城管局"], [], "由县城管局以县政府名义印")],
                             [(["县民政局"], [], "会后由县民政局具体实施")]]


def test_units_sent_without_names_attend_as_liexi_and_leave_no_fragment():
    text = ("6月14日下午，县长王建国主持召开第十二次县政府常务会议，审议通过了《某县重点项目建设计划》。"
            "副县长李华、赵强，县政府办、发改局、财政局等部门负责同志参加会议，县直有关单位负责人列席会议。\n"
            "会议强调，县发改局要加强调度。\n")
    record = extract("县政府常务会议\n" + text, "a.txt")
    assert [(a["role"], a["org"], a["name"]) for a in record["attendees"]] == [
        ("出席", None, "李华"), ("出席", None, "赵强"), ("列席", "县政府办", None), ("列席", "发改局", None),
        ("列席", "财政局", None)]  # no `门负责` made of the group's tail, no group of units as an attendee


# The account says who chaired (and who attended) first; the agenda follows in a paragraph of its own,
# sentence by sentence, its subjects after `；` going on the verb before them.
AGENDA_AFTER_OPENING = """区政府常务会议召开
发布时间：2024-04-09 来源：区政府办
||2024-04-09 10:12:04 编辑：某某|4月7日上午，区长王建国召开区政府第6次常务会议。副区长李华、赵强出席会议。
会议传达学习了全国安全生产电视电话会议精神和《某某同志在全市经济工作会议上的讲话精神》。听取了区应急局关于安全生产大检查情况汇报；区住建局关于城中村改造推进情况汇报。审议了《某区政府工作规则(修订稿)》、《某区政府工作报告》(征求意见稿)、《某区招商引资办法》及其配套文件以及《某区人才新政》等内容。
会议强调，区应急局要压紧压实责任。
会议还研究了《某区停车管理办法》等其他事宜。
孙文、周杰等区领导参加会议。
"""


def test_an_agenda_in_the_paragraph_after_the_opening():
    record = extract(AGENDA_AFTER_OPENING, "a.txt")
    assert record["meeting"] == {"ordinal": 6, "date": "2024-04-07", "part_of_day": "上午", "chair": "王建国",
                                 "chair_title": "区长"}
    assert [(a["verb"], a["subject"]) for a in record["agenda"]] == [
        ("传达学习", "全国安全生产电视电话会议精神"),
        ("传达学习", "某某同志在全市经济工作会议上的讲话精神"),
        ("听取", "区应急局关于安全生产大检查情况"),
        ("听取", "区住建局关于城中村改造推进情况"),
        ("审议", "某区政府工作规则(修订稿)"),
        ("审议", "某区政府工作报告(征求意见稿)"),
        ("审议", "某区招商引资办法"),
        ("审议", "某区人才新政"),
    ]
    # the agenda paragraph is no decision and `会议还研究了…等其他事宜` ends the decisions: one matter is left
    assert tasks(record) == [[(["区应急局"], [], "区应急局要压紧压实责任")]]
    assert [a["name"] for a in record["attendees"]] == ["李华", "赵强", "孙文", "周杰"]


def test_a_chair_named_with_tongzhi_and_a_headline_run_into_the_opening():
    text = ("张某某主持召开区政府五届四十八次常务会议2015年9月22日上午，张某某同志在区府会议室主持召开区政府五届四十八次常务会议。"
            "会议听取了区审计局《关于2014年度审计结果的报告》的汇报。\n会议要求，区审计局要抓好整改。\n")
    record = extract("区政府常务会议\n" + text, "a.txt")
    assert record["meeting"] == {"ordinal": 48, "date": "2015-09-22", "part_of_day": "上午", "chair": "张某某",
                                 "chair_title": None}
    held = extract("县政府常务会议召开\n德州新闻网讯 5月6日，县政府第三次常务会议召开，副县长王贞出席。\n"
                   "会议听取了第一次书记办公会议落实情况的汇报。\n", "b.txt")
    assert held["doc_type"] == "meeting_minutes"
    assert held["agenda"] == [{"verb": "听取", "subject": "第一次书记办公会议落实情况"}]


def test_a_sentence_about_the_participants_is_no_list_of_them():
    text = ("12月24日下午，代县长刘某某主持召开县政府第二十一次常务会议。副县长李可可、曹静竹出席会议。\n"
            "会议听取了县发改局的说明。与会人员围绕县域发展大局、立足工作实际，对报告提出了意见和建议。\n")
    record = extract("县政府常务会议\n" + text, "a.txt")
    assert record["attendees"] == [{"role": "出席", "org": None, "name": "李可可"},
                                   {"role": "出席", "org": None, "name": "曹静竹"}]


# A 纪要 that gives the meeting as labelled head lines, and its list's foot label spaced out (`记  录：`).
LABELLED_HEAD = """某某市人民政府常务会议纪要
〔2023〕4号
某某市人民政府办公室                    2023年3月6日
时  间：2023年3月2日上午
地  点：市政府第一会议室
主持人：市长 张志强
参加人员：李明、王芳
列席人员：市政府办公室 刘洋，市发改委 陈晨，市财政局 周杰
记  录：郑华
会议研究了以下事项：
一、关于2023年重点项目计划
会议原则同意市发改委提出的重点项目计划，由市发改委印发实施。
"""


def test_the_meeting_from_labelled_head_lines_and_a_spaced_foot_label_ends_the_list():
    record = extract(LABELLED_HEAD, "a.txt")
    assert record["meeting"] == {"ordinal": None, "date": "2023-03-02", "part_of_day": "上午", "chair": "张志强",
                                 "chair_title": "市长"}
    assert [(a["role"], a["org"], a["name"]) for a in record["attendees"]] == [
        ("出席", None, "李明"), ("出席", None, "王芳"), ("列席", "市政府办公室", "刘洋"), ("列席", "市发改委", "陈晨"),
        ("列席", "市财政局", "周杰")]
    assert [i["leads"] for i in record["items"]] == [["市发改委"]]


def test_what_the_opening_leaves_out_is_read_next_to_it():
    # the number in the headline, the chair in a sentence after the opening
    record = extract("区政府召开第2次区长办公会议\n发布日期：2025-03-04\n3日，区政府召开区长办公会议，研究有关工作。\n"
                     "会议由区长赵某某主持。\n会议强调，区发改委要抓好落实。\n", "a.txt")
    assert record["meeting"] == {"ordinal": 2, "date": None, "part_of_day": None, "chair": "赵某某",
                                 "chair_title": "区长"}
    # the date and part of day in the sentence before the one that says who chaired
    record = extract("县政府专题会议\n12月18日上午，我县召开规划纲要征求意见专题会议，听取意见和建议。\n"
                     "县委副书记、县长梁某某主持会议并作讲话，副县长李著、莫靡出席会议。\n"
                     "会议强调，县发改委要抓好落实。\n", "b.txt")
    assert (record["meeting"]["part_of_day"], record["meeting"]["chair"]) == ("上午", "梁某某")
