"""控辍保学: who is of compulsory-school age, where each child is, and what `check` says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fupin_docs.data.policy_table import CompulsoryAge
from fupin_docs.data.project import load_project
from fupin_docs.data.resources import resources_for
from fupin_docs.errors import DataError
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import Status, age_on
from fupin_docs.output.build import check
from tests.helpers import ROOT, write_tree

#: four children of compulsory-school age: one here, one elsewhere, one taught at home and
#: one enrolled nowhere (the one `check` must name, with its household and teacher)
SCHOOL = """\
school:
  name: 测试县测试镇测试小学
  short_name: 测试小学
  county: 测试县
  town: 测试镇
  report_date: 2018-07
teachers:
  - {id: T01, name: 张永明, role: 校长, phone: "13800000001"}
  - {id: T02, name: 王丽华, role: 教师, phone: "13800000002"}
units:
  - {id: 上村, name: 上村, households: 20, people: 80}
  - {id: 下村, name: 下村, households: 10, people: 40}
pairings:
  - {teacher: T01, households: [H01, H03]}
  - {teacher: T02, households: [H02]}
households:
  - id: H01
    head: 李大
    unit: 上村
    phone: "13900000001"
    children:
      - {name: 李小一, gender: 男, birth_date: 2010-03-05, stage: 小学, grade: 2}
      - {name: 李小二, gender: 女, birth_date: 2005-03-01, stage: 初中, grade: 7,
         school: 测试县第二中学, migrant: 是}
  - id: H02
    head: 王二
    unit: 上村
    phone: "13900000002"
    address: 测试县测试镇上村二组
    children:
      - {name: 王小二, gender: 女, birth_date: 2011-05-20, id_number: "530323201105200021",
         stage: 未入学, orphan: 是}
  - id: H03
    head: 赵三
    unit: 下村
    children:
      - {name: 赵小三, gender: 男, birth_date: 2008-06-01, stage: 小学, grade: 4,
         disability: 是, placement: 送教上门}
"""


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of `text` that holds `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def facts_of(project: Path, rule: CompulsoryAge | None = None) -> Facts:
    loaded = load_project(project)
    res = resources_for(loaded)
    policy = res.policy if rule is None else res.policy.model_copy(update={"compulsory": rule})
    return Facts(loaded, policy, res.boilerplate)


def project_with(tmp_path: Path, text: str = SCHOOL) -> Path:
    return write_tree(tmp_path / "proj", {"school.yaml": text})


def test_each_child_is_here_elsewhere_taught_at_home_or_missing(tmp_path: Path) -> None:
    sa = facts_of(project_with(tmp_path)).school_age
    assert sa.year_text == "2017—2018学年" and sa.cutoff == dt.date(2017, 8, 31)
    found = {c.child.name: (c.status, c.school_text, c.flags, [t.name for t in c.teachers])
             for c in sa.children}
    assert found == {
        "李小一": (Status.here, "本校", [], ["张永明"]),
        "李小二": (Status.elsewhere, "测试县第二中学", ["随迁"], ["张永明"]),
        "王小二": (Status.missing, "未入学", ["孤儿"], ["王丽华"]),
        "赵小三": (Status.home_taught, "送教上门", ["残疾"], ["张永明"]),
    }
    assert [c.child.name for c in sa.missing] == ["王小二"]
    assert [(u.name, len(children)) for u, children in sa.by_unit()] == [("上村", 3), ("下村", 1)]


def test_check_names_the_missing_child_its_household_and_teacher(tmp_path: Path) -> None:
    _, warnings = check(project_with(tmp_path))
    [dropout] = [w for w in warnings if "控辍保学" in w.message]
    assert dropout.message == ("控辍保学：王小二（6岁）处于义务教育年龄但未入学；"
                               "户编号 H02，户主 王二；结对教师：王丽华")
    assert dropout.severity == "warning"
    assert (dropout.where.file, dropout.where.line) == ("school.yaml", line_of(SCHOOL, "王小二"))
    assert "劝返" in (dropout.hint or "")


def test_check_names_every_teacher_and_says_when_there_is_none(tmp_path: Path) -> None:
    both = SCHOOL.replace("  - {teacher: T02, households: [H02]}\n",
                          "  - {teacher: T02, households: [H02]}\n"
                          "  - {teacher: T01, unit: 上村}\n")
    _, warnings = check(project_with(tmp_path, both))
    [dropout] = [w for w in warnings if "控辍保学" in w.message]
    assert dropout.message.endswith("结对教师：张永明、王丽华")  # in the order teachers are listed
    alone = SCHOOL.replace("  - {teacher: T02, households: [H02]}\n", "")
    _, warnings = check(write_tree(tmp_path / "alone", {"school.yaml": alone}))
    [dropout] = [w for w in warnings if "控辍保学" in w.message]
    assert dropout.message.endswith("户主 王二；尚无结对教师")


def test_a_placement_without_disability_and_a_missing_birth_date_are_reported(
        tmp_path: Path) -> None:
    text = SCHOOL.replace("disability: 是, placement: 送教上门", "placement: 送教上门").replace(
        "birth_date: 2011-05-20, id_number", "id_number")
    _, warnings = check(project_with(tmp_path, text))
    messages = [w.message for w in warnings]
    assert any("安置方式“送教上门”，但未标为残疾" in m for m in messages)
    assert any("王小二（王二户）未入学，没有出生日期" in m for m in messages)


def test_a_paragraph_saying_nobody_is_out_of_school_is_flagged_when_somebody_is(
        tmp_path: Path) -> None:
    text = SCHOOL + ("narrative:\n  dropout:\n"
                     "    - 多年来没有一名适龄儿童未入校学习、更没有一名学生因贫困而失学。\n")
    _, warnings = check(project_with(tmp_path, text))
    [said] = [w for w in warnings if "控辍保学一段" in w.message]
    assert "1 名适龄儿童未入学" in said.message
    assert said.where.line == line_of(text, "多年来没有一名")
    enrolled = text.replace("stage: 未入学, orphan: 是", "stage: 小学, grade: 1")
    _, warnings = check(write_tree(tmp_path / "ok", {"school.yaml": enrolled}))
    assert not [w for w in warnings if "控辍保学" in w.message]


# -- ages around the cut-off date ----------------------------------------------------------

def born(day: str, report: str = "2018-07", rule: CompulsoryAge | None = None,
         tmp: Path | None = None) -> bool:
    """Return True if a child born on `day` is of compulsory-school age in the year of
    `report`."""
    assert tmp is not None
    text = SCHOOL.replace("report_date: 2018-07", f"report_date: {report}").replace(
        "birth_date: 2010-03-05", f"birth_date: {day}")
    project = write_tree(tmp / f"{day}-{report}", {"school.yaml": text})
    return "李小一" in {c.child.name for c in facts_of(project, rule).school_age.children}


def test_age_is_counted_in_whole_years_on_the_cut_off() -> None:
    on = dt.date(2017, 8, 31)
    assert age_on(dt.date(2011, 8, 31), on) == 6 and age_on(dt.date(2011, 9, 1), on) == 5
    assert age_on(dt.date(2008, 2, 29), dt.date(2017, 2, 28)) == 8  # a 29 February birthday


def test_six_on_the_cut_off_is_of_age_a_day_later_is_not(tmp_path: Path) -> None:
    # report 2018-07: the school year 2017—2018, ages on 2017-08-31
    assert born("2011-08-31", tmp=tmp_path) and not born("2011-09-01", tmp=tmp_path)
    # 15 on the cut-off is still of age; 16 is not
    assert born("2001-09-01", tmp=tmp_path) and not born("2001-08-31", tmp=tmp_path)


def test_the_school_year_turns_the_day_after_the_cut_off(tmp_path: Path) -> None:
    # on 31 August the year that ends is still the school year; from 1 September the next
    assert not born("2012-08-31", "2018-08-31", tmp=tmp_path)
    assert born("2012-08-31", "2018-09-01", tmp=tmp_path)
    assert not born("2012-09-01", "2018-09-01", tmp=tmp_path)


def test_ages_and_cut_off_come_from_the_policy_table(tmp_path: Path) -> None:
    september = CompulsoryAge(cutoff="9月1日")
    assert born("2011-09-01", rule=september, tmp=tmp_path)  # 6 on 1 September 2017
    seven = CompulsoryAge(min_age=7, max_age=16)
    assert not born("2011-08-31", rule=seven, tmp=tmp_path)
    assert born("2001-08-31", rule=seven, tmp=tmp_path)  # 16 is of age up to 16


def test_the_built_in_table_states_the_default_and_a_project_may_change_it(
        tmp_path: Path) -> None:
    builtin = (ROOT / "templates" / "policies.yaml").read_text("utf-8")
    assert "compulsory: {min_age: 6, max_age: 15, cutoff: 8月31日}" in builtin
    own = builtin.replace("cutoff: 8月31日}", "cutoff: 9月1日}")
    project = write_tree(tmp_path / "own", {"school.yaml": SCHOOL, "policies.yaml": own})
    sa = facts_of(project).school_age
    assert sa.cutoff == dt.date(2017, 9, 1) and sa.rule_text == "2017年9月1日已满6周岁、未满16周岁"
    bad = builtin.replace("cutoff: 8月31日}", "cutoff: 2月30日}")
    with pytest.raises(DataError) as info:
        load_and_resolve(write_tree(tmp_path / "bad", {"school.yaml": SCHOOL,
                                                       "policies.yaml": bad}))
    [problem] = info.value.problems
    assert "日期不存在：“2月30日”" in problem.message
    assert problem.where is not None and problem.where.file == "policies.yaml"
    assert problem.where.line == line_of(bad, "compulsory:")


def load_and_resolve(project: Path) -> None:
    resources_for(load_project(project))


def test_a_roster_gives_the_flags_and_the_placement(tmp_path: Path) -> None:
    rows = [["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级",
             "是否残疾", "安置方式", "是否孤儿", "是否随迁"],
            ["H01", "李大", "上村", "李小一", "男", "2010-03-05", "小学", "2", "", "", "是", ""],
            ["H01", "", "", "李小四", "女", "2008-06-01", "小学", "4", "是", "送教上门", "", "是"]]
    text = SCHOOL.split("\npairings:\n")[0] + "\nroster: 花名册.csv\n"
    project = write_tree(tmp_path / "roster", {"school.yaml": text, "花名册.csv": "\n".join(
        ",".join(row) for row in rows) + "\n"})
    found = {c.child.name: (c.status, c.flags) for c in facts_of(project).school_age.children}
    assert found == {"李小一": (Status.here, ["孤儿"]),
                     "李小四": (Status.home_taught, ["残疾", "随迁"])}
