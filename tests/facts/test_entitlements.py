"""Tests for the policy table (资助政策) and what children and households are entitled to."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin_docs.data.model import Child, Household, Project, Stage
from fupin_docs.data.policy_table import PolicyItem, PolicyTable, load_policy_table
from fupin_docs.data.resources import default_policy_path
from fupin_docs.data.validate import validate_as
from fupin_docs.data.yamlfile import load_file
from fupin_docs.errors import DataError, Problem
from fupin_docs.facts.entitlements import (
    CONDITIONS,
    Entitlement,
    child_entitlements,
    conditions_text,
    future_stages,
    household_total,
    unmatched,
    yearly_amount,
)
from fupin_docs.i18n import set_lang


@pytest.fixture(autouse=True)
def chinese_messages():
    set_lang("zh")
    yield
    set_lang(None)


def item(**fields: Any) -> PolicyItem:
    """Return an item with defaults for the fields a test does not care about."""
    base: dict[str, Any] = {"id": "x", "name": "测试补助", "stage": ["小学"], "amount": 100}
    return PolicyItem.model_validate(base | fields)


def table(*items: PolicyItem) -> PolicyTable:
    return PolicyTable(name="测试表", year=2018, items=list(items))


def child(stage: str = "小学", grade: int | None = 3, **fields: Any) -> Child:
    return Child.model_validate({"name": "李小一", "gender": "男", "stage": stage, "grade": grade}
                                | fields)


def household(*children: Child) -> Household:
    return Household(id="H01", head="李大", unit="上村", children=list(children))


SAMPLE = table(
    item(id="free", name="免学杂费", stage=["小学", "初中"], amount=0, kind="减免",
         waives=["学杂费", "教科书费"]),
    item(id="board", name="寄宿生生活补助", stage="小学", amount="1000元",
         when={"boarding": True}, note="寄宿的学生"),
    item(id="disabled", name="残疾学生补助", stage=["小学", "初中"], amount=50, per="月",
         months=10, when={"disability": "是"}),
    item(id="low", name="低年级营养餐", stage="小学", grades=[1, 2, 3], amount="0.04万元",
         per="学期"),
    item(id="senior", name="普通高中国家助学金", stage="普通高中", amount=2000),
    item(id="loan", name="生源地信用助学贷款", stage="高校", amount=8000, kind="贷款"),
    item(id="fresh", name="新生路费", stage="高校", amount=1000, per="一次性"),
)


# ---------------------------------------------------------------- amounts

@pytest.mark.parametrize("fields, expected", [
    ({"amount": 1000, "per": "学年"}, "1000"),
    ({"amount": "300元", "per": "学期"}, "600"),
    ({"amount": "0.015万元", "per": "月", "months": 9}, "1350"),
    ({"amount": 150, "per": "每月"}, "1500"),  # months defaults to 10
    ({"amount": "1,250.50", "per": "一次性"}, "1250.50"),
    ({"amount": 1250.5, "per": "学期"}, "2501.0"),  # a YAML float keeps the digits typed
    ({"amount": 0.1, "per": "月", "months": 3}, "0.3"),  # 0.1 × 3 is exact, not 0.30000000000000004
])
def test_yearly_amount_is_exact_decimal(fields, expected):
    it = item(**fields)
    assert type(it.amount) is Decimal
    amount = yearly_amount(it)
    assert type(amount) is Decimal
    assert amount == Decimal(expected)


def test_child_entitlements_follow_stage_grade_and_conditions():
    boarder = child(grade=2, boarding=True)
    assert [e.item.id for e in child_entitlements(SAMPLE, boarder)] == ["free", "board", "low"]
    day_pupil = child(grade=5)
    assert [e.item.id for e in child_entitlements(SAMPLE, day_pupil)] == ["free"]
    disabled = child(stage="初中", grade=8, disability=True, boarding=True)
    assert [e.item.id for e in child_entitlements(SAMPLE, disabled)] == ["free", "disabled"]
    # without a recorded grade a grade-limited item cannot be promised
    assert "low" not in [e.item.id for e in child_entitlements(SAMPLE, child(grade=None))]
    assert child_entitlements(SAMPLE, child(stage="未入学", grade=None)) == []


def test_entitlement_values():
    got = child_entitlements(SAMPLE, child(grade=1, boarding=True, disability=True))
    by_id = {e.item.id: e for e in got}
    assert by_id["free"] == Entitlement(SAMPLE.item("free"), Decimal(0), True, "学杂费、教科书费")
    assert by_id["board"].yearly == Decimal(1000) and by_id["board"].waived == ""
    assert by_id["disabled"].yearly == Decimal(500)
    assert by_id["low"].yearly == Decimal(800)
    assert all(type(e.yearly) is Decimal for e in got)
    with pytest.raises(AttributeError):
        by_id["free"].counted = False  # type: ignore[misc]


def test_household_total_leaves_out_loans():
    college = child(stage="高校", grade=None)
    got = child_entitlements(SAMPLE, college)
    assert [(e.item.id, e.counted) for e in got] == [("loan", False), ("fresh", True)]
    family = household(college, child(grade=2, boarding=True), child(stage="高中", grade=10),
                       child(stage="未入学", grade=None))
    total = household_total(SAMPLE, family)
    assert type(total) is Decimal
    assert total == Decimal(1000) + Decimal(1000 + 800) + Decimal(2000)
    assert household_total(SAMPLE, household()) == Decimal(0)


def test_conditions_text():
    assert conditions_text(SAMPLE.item("board")) == "寄宿的学生"
    assert conditions_text(SAMPLE.item("disabled")) == "残疾"
    assert conditions_text(item(when={"boarding": False, "left_behind": True})) == "走读、留守"
    assert conditions_text(SAMPLE.item("senior")) == ""


# ---------------------------------------------------------------- later stages

def test_future_stages_path():
    def ids(c: Child) -> list[tuple[str, list[str]]]:
        return [(stage, [i.id for i in items]) for stage, items in future_stages(SAMPLE, c)]

    assert ids(child(stage="学前", grade=None)) == [
        ("小学", ["free", "board", "disabled", "low"]), ("初中", ["free", "disabled"]),
        ("高中", ["senior"]), ("中职", []), ("高校", ["loan", "fresh"])]
    assert [s for s, _ in ids(child(stage="小学"))] == ["初中", "高中", "中职", "高校"]
    assert ids(child(stage="高中", grade=10)) == [("高校", ["loan", "fresh"])]
    assert ids(child(stage="中职", grade=10)) == [("高校", ["loan", "fresh"])]
    assert ids(child(stage="高校", grade=None)) == []
    # a child out of school is shown everything enrolling would bring
    assert [s for s, _ in ids(child(stage="未入学", grade=None))] == [
        "学前", "小学", "初中", "高中", "中职", "高校"]


def test_unmatched_children():
    only_primary = table(item(id="a", stage="小学", grades=[1, 2, 3]), item(id="b", stage="初中"))
    project = Project.model_validate({
        "school": {"name": "测试小学", "county": "测试县", "report_date": "2018-07"},
        "households": [
            {"id": "H01", "head": "李大", "unit": "上村", "children": [
                {"name": "甲", "gender": "男", "stage": "小学", "grade": 2},
                {"name": "乙", "gender": "女", "stage": "小学", "grade": 5},
                {"name": "丙", "gender": "女", "stage": "未入学"}]},
            {"id": "H02", "head": "王二", "unit": "上村", "children": [
                {"name": "丁", "gender": "男", "stage": "初中", "grade": 8},
                {"name": "戊", "gender": "男", "stage": "高中", "grade": 11}]},
        ]})
    assert unmatched(only_primary, project) == [(0, 1), (1, 1)]


# ---------------------------------------------------------------- the default table

def test_default_table_loads():
    path = default_policy_path()
    assert path.name == "policies.yaml" and path.is_file()
    t = load_policy_table(path, "policies.yaml")
    assert "示例" in t.name and t.year == 2018
    ids = [i.id for i in t.items]
    assert len(ids) == len(set(ids))
    assert all(type(i.amount) is Decimal and i.source for i in t.items)
    assert t.item("boarding_primary").amount == Decimal(1000)
    assert t.item("boarding_junior").amount == Decimal(1250)
    assert t.item("student_loan").kind == "贷款"
    assert {s.value for i in t.items for s in i.stage} \
        == {"学前", "小学", "初中", "高中", "中职", "高校"}
    # a boarding pupil: 两免 plus the boarding allowance
    got = child_entitlements(t, child(grade=3, boarding=True))
    assert [e.item.id for e in got] == ["free_tuition", "free_textbooks", "boarding_primary"]
    assert household_total(t, household(child(grade=3, boarding=True))) == Decimal(1000)


# ---------------------------------------------------------------- bad tables

def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    """Return the problems load_policy_table raises for `text`."""
    path = tmp_path / "table.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_policy_table(path, "政策表.yaml")
    for p in info.value.problems:
        assert p.where is not None and p.where.file == "政策表.yaml"
    return info.value.problems


HEAD = """
policies:
  name: 测试表
  items:
"""


def test_unknown_stage_and_negative_amount(tmp_path):
    problems = problems_of(tmp_path, HEAD + """\
    - id: a
      name: 甲
      stage: [小学, 大专院校]
      amount: -5
""")
    stage, amount = problems
    assert (stage.where.line, stage.where.column) == (6, 19)
    assert stage.where.key == "policies.items[0].stage[1]"
    assert "学段只能填 学前、小学、初中、高中、中职、高校" in stage.message
    assert "“大专院校”" in stage.message
    assert (amount.where.line, amount.where.key) == (7, "policies.items[0].amount")
    assert amount.message == "资助政策表第1个资助项目（甲）的金额“-5”不能是负数"


def test_misspelt_key_suggests_the_right_one(tmp_path):
    [problem] = problems_of(tmp_path, HEAD + """\
    - id: a
      name: 甲
      stage: 小学
      amout: 100
""")
    assert (problem.where.line, problem.where.column) == (7, 7)
    assert problem.message == "未知字段 “amout”"
    assert problem.hint == "是不是想写 “amount”？"
    text = problem.format()
    assert text.startswith("错误：政策表.yaml 第7行第7列：未知字段 “amout”")
    assert "    7 |       amout: 100" in text


def test_duplicate_id(tmp_path):
    [problem] = problems_of(tmp_path, HEAD + """\
    - {id: a, name: 甲, stage: 小学, amount: 1}
    - {id: b, name: 乙, stage: 小学, amount: 1}
    - {id: a, name: 丙, stage: 初中, amount: 1}
""")
    assert problem.where.line == 6 and problem.where.key == "policies.items[2].id"
    assert "“a” 重复" in problem.message
    assert problem.also is not None and problem.also.line == 4


@pytest.mark.parametrize("extra, line, words", [
    ("per: 月\n      months: 0", 9, "不能小于 1"),
    ("per: 月\n      months: 十个月", 9, "应是整数"),
    ("per: 学期\n      months: 5", 9, "months 只用于按月发放"),
    ("per: 每周", 8, "只能填 学年、学期、月、一次性"),
    ("grades: [3]", 8, "年级 3 不属于 初中"),
    ("when: {boarding: 也许}", 8, "应填 是 或 否"),
    ("when: {boardng: true}", 8, "未知字段 “boardng”"),
])
def test_item_problems_are_located(tmp_path, extra, line, words):
    [problem] = problems_of(tmp_path, HEAD + f"""\
    - id: a
      name: 甲
      stage: 初中
      amount: 100
      {extra}
""")
    assert problem.where.line == line
    assert words in problem.message


@pytest.mark.parametrize("text, words", [
    ("- 一\n- 二\n", "顶层应是 “policies:”"),
    ("polices: {}\n", "未知字段 “polices”"),
    ("policies:\n  name: 表\n  items: []\n", "至少要有一个资助项目"),
    ("policies:\n  name: 表\n  items:\n    - {id: a, name: 甲, stage: 未入学, amount: 1}\n",
     "未入学的孩子不享受资助"),
    ("policies:\n  name: 表\n  items:\n    - {id: a, name: 甲, stage: 小学}\n", "补助项目缺少金额"),
    ("policies:\n  name: 表\n  items:\n    - {id: a, name: 甲, stage: 小学, kind: 减免}\n",
     "减免项目要写明免除哪些费用"),
    ("policies: [\n", "YAML 格式错误"),
])
def test_table_problems(tmp_path, text, words):
    problems = problems_of(tmp_path, text)
    assert any(words in p.message for p in problems), [p.message for p in problems]


def test_english_messages(tmp_path):
    set_lang("en")
    [problem] = problems_of(tmp_path, HEAD + "    - {id: a, name: 甲, stage: 小学, amout: 1}\n")
    assert problem.message == "unknown key 'amout'" and problem.hint == "did you mean 'amount'?"


def test_validate_as_with_prefix(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.lstrip("\n") + "    - {id: a, name: 甲, stage: 小学, amount: x}\n",
                    "utf-8")
    loaded = load_file(path, "t.yaml")
    model, problems = validate_as(PolicyTable, loaded.data["policies"], loaded.positions,
                                  ("policies",))
    assert model is None
    [problem] = problems
    assert problem.where.line == 4 and problem.where.key == "policies.items[0].amount"
    assert problem.message == "资助政策表第1个资助项目（甲）的金额“x”不是金额"
    assert problem.hint == "写数字，如 1750 或 “150万元”"


# ---------------------------------------------------------------- property

_STAGES = ["学前", "小学", "初中", "高中", "中职", "高校"]
_PER = {"学年": 1, "学期": 2, "一次性": 1}

items_st = st.builds(
    dict,
    stage=st.lists(st.sampled_from(_STAGES), min_size=1, max_size=3, unique=True),
    grades=st.lists(st.integers(1, 12), max_size=3, unique=True),
    when=st.dictionaries(st.sampled_from(sorted(CONDITIONS)), st.booleans(), max_size=2),
    amount=st.decimals(min_value=0, max_value=100000, places=2),
    per=st.sampled_from(["学年", "学期", "月", "一次性"]),
    kind=st.sampled_from(["补助", "减免", "贷款"]),
    months=st.none() | st.integers(1, 12),
)
children_st = st.builds(
    dict,
    stage=st.sampled_from(_STAGES + ["未入学"]),
    grade=st.none() | st.integers(1, 12),
    **{key: st.booleans() for key in CONDITIONS},
)


def expected_yearly(fields: dict[str, Any]) -> Decimal:
    """Return the yearly amount worked out independently of policy.py."""
    if fields["per"] == "月":
        return fields["amount"] * (fields["months"] or 10)
    return fields["amount"] * _PER[fields["per"]]


@settings(max_examples=150, deadline=None)
@given(st.lists(items_st, max_size=8), st.lists(children_st, max_size=5))
def test_household_total_is_the_sum_of_counted_entitlements(item_fields, child_fields):
    for f in item_fields:
        if f["per"] != "月":
            f["months"] = None
    t = table(*(item(id=f"i{n}", **f) for n, f in enumerate(item_fields)))
    kids = [child(**f) for f in child_fields]
    total = household_total(t, household(*kids))
    assert type(total) is Decimal
    assert total == sum((e.yearly for k in kids for e in child_entitlements(t, k) if e.counted),
                        Decimal(0))
    independent = Decimal(0)
    for k, kf in zip(kids, child_fields):
        for f in item_fields:
            if (kf["stage"] in f["stage"] and (not f["grades"] or kf["grade"] in f["grades"])
                    and all(kf[c] == want for c, want in f["when"].items())
                    and f["kind"] != "贷款"):
                independent += expected_yearly(f)
        assert k.stage is not Stage.none or child_entitlements(t, k) == []
    assert total == independent
