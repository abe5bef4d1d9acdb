"""Each check across schools on its own, and the county's stated figures (新干-style total and
parts) against themselves and against the schools."""

from __future__ import annotations

from pathlib import Path

from fupin_docs.county.build import check_county_project
from fupin_docs.errors import Problem
from tests.county.helpers import COUNTY_HEAD, child, county, household, school

ID_A = "530329200704160248"  # a valid ID (born 2007-04-16)
ID_HEAD = "530329198011020138"


def warnings_of(root: Path) -> list[Problem]:
    _, problems = check_county_project(root, jobs=1)
    assert not [p for p in problems if p.is_error], [p.format() for p in problems]
    return problems


def about(problems: list[Problem], words: str) -> list[Problem]:
    return [p for p in problems if words in p.message]


def two_schools(tmp_path: Path, a: list[str], b: list[str], county_yaml: str = COUNTY_HEAD,
                units: tuple[str, ...] = ("上村",), pairings: tuple[str | None, str | None] = (
                    None, None)) -> Path:
    """Return a county of 甲小学 and 乙小学, in that order."""
    return county(tmp_path / "县", {
        "甲小学": school("甲小学", "甲小学", a, units=units, pairings=pairings[0]),
        "乙小学": school("乙小学", "乙小学", b, units=units, pairings=pairings[1])},
        county_yaml + "schools: [甲小学, 乙小学]\n")


def line_of(root: Path, text: str) -> int:
    """Return the number of the first line of county.yaml holding `text`."""
    lines = (root / "county.yaml").read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_a_child_on_two_rolls_by_id_number(tmp_path: Path) -> None:
    root = two_schools(
        tmp_path, [household("H01", "李国华", "上村", [child("李婷", "2007-04-16",
                                                          id_number=ID_A)])],
        [household("H01", "李国华", "上村", [child("李婷", "2007-04-16", id_number=ID_A)]),
         household("H02", "王二", "上村", [child("王小二", "2011-05-20")])])
    [found] = about(warnings_of(root), "同一学生李婷")
    assert "甲小学、乙小学" in found.message and "530329********0248" in found.message
    assert found.where is not None and found.where.file == "甲小学/school.yaml"
    assert found.also is not None and found.also.file == "乙小学/school.yaml"
    assert found.where.line == found.also.line == 18  # each school's line of the child


def test_a_child_on_two_rolls_by_name_and_birth_date(tmp_path: Path) -> None:
    root = two_schools(tmp_path,
                       [household("H01", "赵大", "上村", [child("赵小", "2010-03-05")])],
                       [household("H07", "赵大", "上村", [child("赵小", "2010-03-05")])])
    assert len(about(warnings_of(root), "同一学生赵小")) == 1
    # another birth date: another child
    other = two_schools(tmp_path / "b",
                        [household("H01", "赵大", "上村", [child("赵小", "2010-03-05")])],
                        [household("H07", "赵大", "上村", [child("赵小", "2010-03-06")])])
    assert not about(warnings_of(other), "同一学生")


def test_a_household_paired_by_teachers_of_two_schools(tmp_path: Path) -> None:
    # the same family (its head's ID): a child in each school, a teacher of each paired with it
    root = two_schools(
        tmp_path, [household("H01", "周德贵", "上村", [child("周敏", "2009-08-15")],
                             id_number=ID_HEAD)],
        [household("H03", "周德贵", "下村", [child("周强", "2005-08-15", stage="初中",
                                                   grade=7)], id_number=ID_HEAD)],
        units=("上村", "下村"))
    [found] = about(warnings_of(root), "由两所学校的教师结对帮扶")
    assert "周德贵户" in found.message and "甲小学的张明华" in found.message
    assert "乙小学的张明华" in found.message
    assert found.where is not None and found.also is not None
    assert {found.where.file, found.also.file} == {"甲小学/school.yaml", "乙小学/school.yaml"}
    # paired by one school only: nothing to say
    alone = two_schools(
        tmp_path / "b", [household("H01", "周德贵", "上村", [child("周敏", "2009-08-15")],
                                   id_number=ID_HEAD)],
        [household("H03", "周德贵", "下村", [child("周强", "2005-08-15", stage="初中", grade=7)],
                   id_number=ID_HEAD),
         household("H04", "吴大", "下村", [child("吴小", "2010-01-01")])],
        units=("上村", "下村"), pairings=(None, "  - {teacher: T01, households: [H04]}"))
    assert not about(warnings_of(alone), "由两所学校")


def test_a_child_enrolled_elsewhere_that_no_roll_has(tmp_path: Path) -> None:
    elsewhere = "school: 测试县乙小学"
    root = two_schools(
        tmp_path,
        [household("H01", "陈大", "上村", [
            child("陈一", "2009-01-01"),
            child("陈二", "2008-02-02", extra=elsewhere),            # on 乙小学's roll
            child("陈三", "2007-03-03", extra="school: 测试县丙中学"),  # on no roll
            child("陈四", "2006-04-04", extra="school: 外省某校, out_of_county: 是")])],
        [household("H09", "陈大", "上村", [child("陈二", "2008-02-02")])])
    found = about(warnings_of(root), "全县各校的建档立卡学生名单中都没有这个孩子")
    assert [p.message.split("（")[0] for p in found] == ["陈三"]
    assert found[0].where is not None and found[0].where.file == "甲小学/school.yaml"
    assert "out_of_county" in (found[0].hint or "")  # 丙中学 is no school of the county
    # a school of the county named, the child not on its roll: look there
    gone = two_schools(tmp_path / "b",
                       [household("H01", "陈大", "上村", [child("陈一", "2009-01-01"),
                                                         child("陈二", "2008-02-02",
                                                               extra=elsewhere)])],
                       [household("H09", "吴大", "上村", [child("吴一", "2009-01-01")])])
    [missing] = about(warnings_of(gone), "都没有这个孩子")
    assert "核对乙小学的名单" in (missing.hint or "")


STATED = COUNTY_HEAD + """\
figures:
  pupils: 3
  aid:
    total: {total}
    parts:
      - {{item: 义务教育寄宿生生活补助（小学）, amount: {boarding}}}
      - {{item: 社会捐资助学, amount: 0.5万元}}
"""


def stated_county(tmp_path: Path, total: str, boarding: str) -> Path:
    # three pupils, two of them boarders: 2 × 1000 元 of 寄宿生生活补助 (the built-in table)
    return two_schools(
        tmp_path,
        [household("H01", "李大", "上村", [child("李一", "2009-01-01", extra="boarding: 是"),
                                          child("李二", "2010-01-01")])],
        [household("H01", "王大", "上村", [child("王一", "2009-06-01", extra="boarding: 是")])],
        STATED.format(total=total, boarding=boarding))


def test_a_stated_total_whose_parts_add_up_passes(tmp_path: Path) -> None:
    # 新干县 wrote 2136.45万元 = 38.6 + 665.86 + …; here 0.7万元 = 0.2 + 0.5
    problems = warnings_of(stated_county(tmp_path, "0.7万元", "0.2万元"))
    assert not [p for p in problems if p.where is not None and p.where.file == "county.yaml"]


def test_a_stated_total_whose_parts_do_not_add_up_names_both(tmp_path: Path) -> None:
    root = stated_county(tmp_path, "0.8万元", "0.2万元")
    [found] = about(warnings_of(root), "其中各项相加为")
    assert "0.8万元" in found.message and "0.7万元" in found.message
    assert found.where is not None and found.where.file == "county.yaml"
    assert found.where.line == line_of(root, "total:")  # the total
    assert found.also is not None and found.also.line == line_of(root, "- {item:")  # parts


def test_a_stated_part_against_the_schools_names_the_line_and_the_schools(
        tmp_path: Path) -> None:
    root = stated_county(tmp_path, "0.8万元", "0.3万元")
    problems = warnings_of(root)
    [found] = about(problems, "义务教育寄宿生生活补助（小学） 0.3万元")
    assert "各校资料合计 0.2万元" in found.message
    assert "甲小学 0.1万元、乙小学 0.1万元" in found.message
    assert found.where is not None and found.where.file == "county.yaml"
    assert found.where.line == line_of(root, "amount: 0.3万元")
    # the parts add up to the total; the total is not the schools' (社会捐资助学 is no item
    # of the policy table): no other warning about it
    assert not about(problems, "其中各项相加为") and not about(problems, "资助金额合计")


def test_stated_counts_against_the_schools(tmp_path: Path) -> None:
    root = two_schools(
        tmp_path, [household("H01", "李大", "上村", [child("李一", "2009-01-01")])],
        [household("H01", "王大", "上村", [child("王一", "2009-06-01")])],
        COUNTY_HEAD + "figures:\n  pupils: 5\n  schools: 2\n")
    [found] = about(warnings_of(root), "县里写明建档立卡学生 5人")
    assert "各校资料合计 2人" in found.message and "甲小学 1人、乙小学 1人" in found.message
    assert found.where is not None and found.where.line == line_of(root, "pupils: 5")


def test_a_school_in_another_school_year(tmp_path: Path) -> None:
    late = school("乙小学", "乙小学", [household("H01", "王大", "上村",
                                              [child("王一", "2009-06-01")])]
                  ).replace("report_date: 2018-07-10", "report_date: 2018-09-10")
    root = county(tmp_path / "县", {
        "甲小学": school("甲小学", "甲小学", [household("H01", "李大", "上村",
                                                   [child("李一", "2009-01-01")])]),
        "乙小学": late}, COUNTY_HEAD)  # the schools found as sub-folders
    [found] = about(warnings_of(root), "县里汇总的是2017—2018学年")
    assert "2018—2019学年" in found.message
    assert found.where is not None and found.where.file == "乙小学/school.yaml"
