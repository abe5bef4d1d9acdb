"""Words from the data, said well: 两, no zero sentences, school order, one source per figure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from fupin_docs import cnformat
from fupin_docs.data.project import load_project
from fupin_docs.data.resources import resources_for
from fupin_docs.documents.card import card_checks, card_context
from fupin_docs.documents.ledger import MONEY_COL
from fupin_docs.facts.facts import Facts
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import STRESS, docx_texts


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stress") / "out"
    build(STRESS, BuildOptions(out_dir=out))
    return out


def facts_of(project: Path) -> Facts:
    loaded = load_project(project)
    res = resources_for(loaded)
    return Facts(loaded, res.policy, res.boilerplate)


def test_counts_and_titles_are_written_the_chinese_way():
    assert [cnformat.cn_count(n) for n in (1, 2, 3, 12, 20)] == ["一", "两", "三", "十二", "二十"]
    assert cnformat.title_lines("第五师九十一团学校教育扶贫工作典型汇报材料") == \
        "第五师九十一团学校\n教育扶贫工作典型汇报材料"
    assert cnformat.title_lines("扯乐完小教育扶贫工作汇报材料") == "扯乐完小教育扶贫工作汇报材料"
    for line in cnformat.title_lines("师宗县雄壁镇扯乐完全小学关于二〇一八年度教育精准扶贫工作的"
                                     "总结汇报材料").split("\n"):
        assert 3 <= cnformat.text_width(line) <= 20


def test_the_report_says_two_and_leaves_zero_out(stress: Path):
    text = (stress / "汇报材料/汇报材料.txt").read_text("utf-8")
    assert "共有两个教学班" in text and "二个" not in text
    assert "留守儿童2人" in text and "单亲家庭儿童0人" not in text  # nobody: left out


def test_report_and_duty_table_count_the_same_paired_households(stress: Path):
    report = (stress / "汇报材料/汇报材料.txt").read_text("utf-8")
    duty = (stress / "责任一览表/责任一览表.txt").read_text("utf-8")
    # 一师一户: H05's only child studies elsewhere, yet the household is paired
    assert "5户建档立卡贫困户精准结对帮扶" in report and "结对建档立卡户5户" in duty


def test_public_list_is_this_schools_pupils_and_matches_the_ledger(stress: Path):
    facts = facts_of(STRESS)
    here = {s.child.name for s in facts.stats.registered_students}
    public = (stress / "公示名单/公示名单.txt").read_text("utf-8")
    elsewhere = [c.name for h in facts.project.households for c in h.children
                 if c.name not in here]
    assert elsewhere and not [n for n in elsewhere if n in public]
    assert all(name in public for name in here)
    sheet = openpyxl.load_workbook(stress / "资助台账/资助台账.xlsx").worksheets[0]
    label, amount = MONEY_COL - 2, MONEY_COL - 1  # the totals rows: a label, then the sum
    rows = {row[label]: row[amount] for row in sheet.iter_rows(values_only=True) if row[label]}
    listed = openpyxl.load_workbook(stress / "公示名单/公示名单.xlsx").active
    total = [row[-1] for row in listed.iter_rows(values_only=True) if row[-2] == "合计"][0]
    assert Decimal(str(rows["其中本校学生"])) == Decimal(str(total)) > 0
    assert Decimal(str(rows["合计"])) > Decimal(str(total))  # elsewhere's aid is counted too
    assert "公示期：2018年7月12日至2018年7月18日（7天）" in public
    assert "监督电话：0871-6543211" in public and "上级教育部门监督电话：0871-6000000" in public


def test_a_household_given_no_money_gets_its_notice_without_zero(stress: Path):
    notice = next((stress / "政策告知单").glob("团结_H02_*.docx"))
    text = "\n".join(docx_texts(notice))
    assert "无现金补助" in text and "0元" not in text and "义务教育免学杂费" in text
    letter = "\n".join(docx_texts(next((stress / "致家长的一封信").glob("团结_H02_*.docx"))))
    assert "0元" not in letter and "合计" not in letter


def test_later_stages_come_in_school_order(stress: Path):
    text = next((stress / "政策告知单").glob("团结_H01_*.txt")).read_text("utf-8")
    later = text.split("二、将来各学段的资助和保障")[1].split("三、")[0]
    stages = [line.strip().split("：")[0] for line in later.strip().splitlines()]
    assert stages == ["小学", "初中", "高中", "中职", "高校"]


def test_nothing_is_said_twice_in_brackets(stress: Path):
    for letter in (stress / "致家长的一封信").glob("*.txt"):
        text = letter.read_text("utf-8")
        assert "免学杂费（免学杂费）" not in text and "（免" not in text, letter.name


def test_a_card_too_full_to_fit_is_reported_not_spilled(tmp_path: Path):
    facts = facts_of(STRESS)
    six = next(h for h in facts.project.households if len(h.children) == 6)
    assert card_context(facts, six)["card"]["rule"] == "exact"  # six children fit, shrunk
    crowded = six.model_copy(update={"address": "很长的地址" * 60})
    facts.project.households[facts.project.households.index(six)] = crowded
    ctx = card_context(facts, crowded)
    assert ctx["card"]["rule"] == "atLeast" and ctx["card"]["sz"] == 18  # 9 pt, grows
    [warning] = list(card_checks(facts))
    assert "联系卡内容太多" in warning.message and warning.severity == "warning"
