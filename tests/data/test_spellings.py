"""YAML and rosters take the same spellings of dates, grades and yes/no, through the same
functions in data.values: the same cell and the same YAML value get the same verdict, and a
wrong one the same message, naming the place as a secretary does."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from fupin_docs.data import values
from fupin_docs.data.project import read_project
from fupin_docs.i18n import set_lang

SCHOOL = ("school: {name: 测试小学, county: 测试县, report_date: 2018-07}\n"
          "units: [{id: 上村, name: 上村}]\n")
HEADER = ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级",
          "是否寄宿"]
KEYS = {"出生日期": "birth_date", "学段": "stage", "年级": "grade", "是否寄宿": "boarding"}
BASE = {"出生日期": "2010-03-05", "学段": "小学", "年级": "3", "是否寄宿": "否"}
WHO = "第1户（R01 赵三）第1个孩子（赵小一）的"

#: (column, written, other cells, what it reads as: {field: value} or the message's end)
CASES = [
    ("出生日期", "2009-09-01", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "2009.9.1", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "2009/9/1", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "2009年9月1日", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "20090901", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "２００９．９．１", {}, {"birth_date": dt.date(2009, 9, 1)}),
    ("出生日期", "2009-02-30", {}, "出生日期“2009-02-30”不存在"),
    ("出生日期", "2009年9月", {}, "出生日期“2009年9月”只写到月，出生日期要写到日"),
    ("出生日期", "2009.9", {}, "出生日期“2009.9”只写到月，出生日期要写到日"),
    ("出生日期", "明年九月", {}, "出生日期“明年九月”不是日期"),
    ("年级", "三年级", {}, {"stage": "小学", "grade": 3}),
    ("年级", "一年级", {}, {"stage": "小学", "grade": 1}),
    ("年级", "3", {}, {"stage": "小学", "grade": 3}),
    ("年级", "七年级", {"学段": "初中"}, {"stage": "初中", "grade": 7}),
    ("年级", "初一", {"学段": ""}, {"stage": "初中", "grade": 7}),
    ("年级", "高二", {"学段": ""}, {"stage": "高中", "grade": 11}),
    ("年级", "初中二年级", {"学段": ""}, {"stage": "初中", "grade": 8}),
    ("年级", "初一", {"学段": "初中"}, {"stage": "初中", "grade": 7}),
    ("年级", "高二", {"学段": "中职"}, {"stage": "中职", "grade": 11}),
    ("年级", "初一", {"学段": "小学"}, "年级“初一”是初中的年级，与学段“小学”不一致"),
    ("年级", "高年级", {}, "年级“高年级”不是年级"),
    ("年级", "13", {}, "年级“13”不能大于 12"),
    *[("是否寄宿", word, {}, {"boarding": True}) for word in ("是", "√", "1", "Y", "有")],
    *[("是否寄宿", word, {}, {"boarding": False}) for word in ("否", "×", "0", "N", "无")],
    ("是否寄宿", "也许", {}, "是否寄宿“也许”应填 是 或 否"),
]


@pytest.fixture(autouse=True)
def chinese():
    set_lang("zh")
    yield
    set_lang(None)


def _row(column: str, written: str, others: dict[str, str]) -> dict[str, str]:
    return {**BASE, **others, column: written}


def write_yaml(folder: Path, cells: dict[str, str]) -> int:
    """Write the child as YAML, each value as a secretary types it (unquoted); return the
    line of the value that `cells` changes."""
    lines = [SCHOOL + "households:", "  - id: R01", "    head: 赵三", "    unit: 上村",
             "    children:", "      - name: 赵小一", "        gender: 男"]
    for header in ("出生日期", "学段", "年级", "是否寄宿"):
        if cells[header]:
            lines.append(f"        {KEYS[header]}: {cells[header]}")
    (folder / "school.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return 0


def write_roster(folder: Path, cells: dict[str, str], kind: str) -> None:
    """Write the child as a one-row roster: CSV text, or a workbook whose numbers are numbers
    (as Excel stores what is typed as digits)."""
    row = ["R01", "赵三", "上村", "赵小一", "男"] + [cells[h] for h in HEADER[5:]]
    (folder / "school.yaml").write_text(SCHOOL + f"roster: 花名册.{kind}\n", "utf-8")
    if kind == "csv":
        out = io.StringIO(newline="")
        csv.writer(out).writerows([HEADER, row])
        (folder / "花名册.csv").write_text(out.getvalue(), "utf-8")
        return
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append([int(v) if v.isdigit() else (v or None) for v in row])
    wb.save(folder / "花名册.xlsx")


def read(folder: Path, source: str, cells: dict[str, str]):
    if source == "yaml":
        write_yaml(folder, cells)
    else:
        write_roster(folder, cells, source)
    return read_project(folder)


@pytest.mark.parametrize("column, written, others, expected",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}-{c[2].get('学段', '小学')}")
                          for c in CASES])
def test_yaml_and_rosters_read_a_spelling_alike(tmp_path, column, written, others, expected):
    cells = _row(column, written, others)
    results = {}
    for source in ("yaml", "csv", "xlsx"):
        folder = tmp_path / source
        folder.mkdir()
        results[source] = read(folder, source, cells)
    for source, loaded in results.items():
        if isinstance(expected, dict):
            assert loaded.errors == [], (source, [p.format() for p in loaded.errors])
            child = loaded.project.households[0].children[0]
            for field, value in expected.items():
                got = getattr(child, field)
                assert getattr(got, "value", got) == value, (source, field, got)
            continue
        [error] = loaded.errors
        assert error.message == WHO + expected, (source, error.format())
        assert error.hint, source
        if source == "yaml":
            assert error.where.file == "school.yaml"
            assert error.where.source.strip().startswith(KEYS[column] + ":"), error.format()
        else:
            assert (error.where.file, error.where.line, error.where.header) == (
                f"花名册.{source}", 2, column), error.format()
    if not isinstance(expected, dict):
        messages = {(p.message, p.hint) for loaded in results.values() for p in loaded.errors}
        assert len(messages) == 1, messages


def test_messages_name_the_place_never_a_program_path(tmp_path):
    cells = _row("出生日期", "2009-02-30", {})
    for source in ("yaml", "csv"):
        folder = tmp_path / source
        folder.mkdir()
        [error] = read(folder, source, cells).errors
        text = error.format()
        assert "households" not in text and "children" not in text and "[0]" not in text
        assert error.message.count("出生日期") == 1
        assert text.count("出生日期") == (1 if source == "yaml" else 2)  # the column's header


def test_a_birth_date_is_never_offered_a_month(tmp_path):
    for written in ("2009-09", "2009年9月", "明年"):
        with pytest.raises(values.BadValue) as info:
            values.read_date(written, day=True)
        assert info.value.hint is not None
        assert "2018-07" not in info.value.hint and "只写年月" not in info.value.hint
    with pytest.raises(values.BadValue) as month:
        values.read_date("2009-09", day=True)
    assert "要写到日" in month.value.verdict and "2009-09-05" in str(month.value.hint)
    assert values.read_date("2018-07").has_day is False  # a report date may name a month


def test_grade_spellings_map_to_a_stage_and_the_1_to_12_numbering():
    assert values.grade_spelling("初一") == ("初中", 7)
    assert values.grade_spelling("高三") == ("高中", 12)
    assert values.grade_spelling("小学六年级") == ("小学", 6)
    assert values.grade_spelling("三年级") == (None, 3)
    assert values.grade_spelling("初中五年级") is None
    assert values.grade_number("初二") == 8  # what importers and the policy table read
    assert values.infer_stage({"grade": "高一"}) == {"grade": "高一", "stage": "高中"}
    assert values.infer_stage({"grade": "高一", "stage": "中职"})["stage"] == "中职"


def test_every_yes_no_word_is_read(tmp_path):
    for word in ("是", "√", "1", "Y", "y", "有", 1, True):
        assert values.read_yes_no(word) is True
    for word in ("否", "×", "0", "N", "无", 0, False):
        assert values.read_yes_no(word) is False
    with pytest.raises(values.BadValue) as info:
        values.read_yes_no("也许")
    assert "√/×" in str(info.value.hint)
