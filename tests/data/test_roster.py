"""Tests for reading rosters (花名册) from .xlsx and .csv files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import to_excel

from fupin_docs.data.model import Household
from fupin_docs.data.project import load_project
from fupin_docs.data.roster import read_roster
from fupin_docs.errors import DataError, Location
from fupin_docs.i18n import set_lang

TITLE = "扯乐完小建档立卡户学生花名册"
HEADER = ["序号", "户编号（必填）", "户主 姓名", "身份证号", "联系电话", "所在村/连队", "家庭人口",
          "致贫原因", "子女姓名", "性别", "出生日期", "身份证号", "学段", "年级", "班级",
          "是否寄宿",
          "是否留守", "备注"]
# The same roster three ways. Row 4 continues 张三's household (merged cells in the xlsx, blank in
# the CSV); row 8 repeats 张三's 户编号 in a second block; row 9 is a footer.
CSV_ROWS = [
    [TITLE] + [""] * 17,
    HEADER,
    ["1", "H01", "张三", "53032319800101123X", "13812345678", "上扯", "4", "因病", "张小明", "男",
     "2010/3/5", "530323201003051234", "小学", "3", "1", "是", "否", "备注"],
    ["2", "", "", "", "", "", "", "", "张小红", "女", "2012/7/8", "530323201207081224", "小学",
     "1年级", "2", "否", "√", ""],
    ["3", "H02", "阿依古丽·买买提", "65010219850505002X", "13900001111", "下扯", "3", "缺劳力",
     "𠈌小花", "女", "2011年11月11日", "650102201111110028", "初中", "七年级", "三(1)班", "Y", "N",
     ""],
    ["4", "H03", "李&<四>", "", "", "上扯", "2", "因学", "王<小>&丽", "女", "20090102", "", "小学",
     "五年级", "2", "0", "1", ""],
    [""] * 18,
    ["5", "H01", "张三", "", "", "", "", "", "张小刚", "男", "2013-03-05", "", "学前", "", "", "否",
     "否", ""],
    ["填表人：王老师"] + [""] * 17,
]
EXPECTED = [
    {"id": "H01", "head": "张三", "id_number": "53032319800101123X", "phone": "13812345678",
     "unit": "上扯", "members": 4, "cause": "因病", "children": [
         {"name": "张小明", "gender": "男", "birth_date": dt.date(2010, 3, 5),
          "id_number": "530323201003051234", "stage": "小学", "grade": 3, "class": "1",
          "boarding": True, "left_behind": False},
         {"name": "张小红", "gender": "女", "birth_date": dt.date(2012, 7, 8),
          "id_number": "530323201207081224", "stage": "小学", "grade": 1, "class": "2",
          "boarding": False, "left_behind": True},
         {"name": "张小刚", "gender": "男", "birth_date": dt.date(2013, 3, 5), "stage": "学前",
          "boarding": False, "left_behind": False}]},
    {"id": "H02", "head": "阿依古丽·买买提", "id_number": "65010219850505002X",
     "phone": "13900001111", "unit": "下扯", "members": 3, "cause": "缺劳力", "children": [
         {"name": "𠈌小花", "gender": "女", "birth_date": dt.date(2011, 11, 11),
          "id_number": "650102201111110028", "stage": "初中", "grade": 7, "class": "三(1)班",
          "boarding": True, "left_behind": False}]},
    {"id": "H03", "head": "李&<四>", "unit": "上扯", "members": 2, "cause": "因学", "children": [
        {"name": "王<小>&丽", "gender": "女", "birth_date": dt.date(2009, 1, 2), "stage": "小学",
         "grade": 5, "class": "2", "boarding": False, "left_behind": True}]},
]


@pytest.fixture(autouse=True)
def chinese():
    set_lang("zh")
    yield
    set_lang(None)


def is_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def set_cached(path: Path, values: dict[str, str], text_result: bool = False) -> None:
    """Store a computed value for formula cells, as Excel does when it saves."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for ref, value in values.items():
        kind = ' t="str"' if text_result else ""
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?</c>',
                         rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v></c>', xml)
        assert n == 1, ref
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def write_xlsx(path: Path) -> Path:
    """Write CSV_ROWS as a secretary's workbook: merged title and household cells, formulas,
    dates as Excel dates, serial numbers and text, phone numbers stored as numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in CSV_ROWS:
        ws.append([int(v) if v.isdigit() and len(v) < 3 else (v or None) for v in row])
    ws.merge_cells("A1:R1")
    ws.merge_cells("A9:R9")
    for col in "BCDEFGH":
        ws.merge_cells(f"{col}3:{col}4")
    ws["E3"] = 13812345678.0
    ws["G3"] = "=2+2"
    ws["N3"] = "=1+2"
    ws["K3"] = dt.datetime(2010, 3, 5)
    ws["K3"].number_format = "yyyy-mm-dd"
    ws["K4"] = int(to_excel(dt.date(2012, 7, 8)))
    ws["O8"] = '=IF(1,"","x")'
    wb.create_sheet("Sheet2")  # empty sheets are skipped
    hidden = wb.create_sheet("lists")
    hidden.append(["小学", "初中"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    set_cached(path, {"G3": "4", "N3": "3"})
    set_cached(path, {"O8": ""}, text_result=True)
    return path


def test_xlsx_with_title_merged_cells_formulas_and_dates(tmp_path):
    households, positions, problems = read_roster(write_xlsx(tmp_path / "花名册.xlsx"),
                                                  "花名册.xlsx")
    assert households == EXPECTED
    assert [(p.severity, p.where.line, p.where.column, p.where.header) for p in problems] == [
        ("warning", 2, "R", "备注")]
    assert is_chinese(problems[0].message)
    assert positions[(0, "children", 1, "birth_date")] == Location(
        "花名册.xlsx", 4, "K", header="出生日期")
    assert positions[(0, "children", 1, "birth_date")].describe() \
        == "花名册.xlsx 第4行第K列“出生日期”"
    assert positions[(0, "head")] == Location("花名册.xlsx", 3, "C", header="户主姓名")
    assert positions[(0,)] == Location("花名册.xlsx", 3, "B", header="户编号（必填）")
    assert positions[(0, "children", 2)] == Location("花名册.xlsx", 8, "I", header="子女姓名")
    assert positions[(0, "children", 0, "id_number")].column == "L"
    assert positions[(1, "id_number")].column == "D"
    assert positions[(2, "children", 0, "grade")].line == 6


def test_csv_in_gbk_and_utf8_bom_read_like_the_xlsx(tmp_path):
    results = [read_roster(write_xlsx(tmp_path / "花名册.xlsx"), "花名册")]
    # Excel on Chinese Windows writes GBK; gb18030 is GBK plus the characters GBK lacks (𠈌)
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        results.append(read_roster(write_csv(tmp_path / f"{encoding}.csv", CSV_ROWS, encoding),
                                   "花名册"))
    for households, positions, problems in results[1:]:
        assert households == results[0][0] == EXPECTED
        assert positions == results[0][1]
        assert problems == results[0][2]


def test_households_match_the_model(tmp_path):
    households, _, _ = read_roster(write_csv(tmp_path / "r.csv", CSV_ROWS), "r.csv")
    models = [Household.model_validate(h) for h in households]
    assert models[0].children[1].class_name == "2"
    assert models[0].children[0].boarding is True
    assert models[1].head == "阿依古丽·买买提"
    assert models[1].children[0].name == "𠈌小花"
    assert models[2].children[0].name == "王<小>&丽"


def problems_of(tmp_path, rows, name="花名册.csv"):
    households, positions, problems = read_roster(write_csv(tmp_path / name, rows), name)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        assert p.where is not None and p.where.file == name
        assert is_chinese(p.message)
    return households, errors


SHORT = ["户编号", "户主姓名", "所在村", "子女姓名", "性别", "出生日期", "学段", "年级"]


def test_missing_required_column(tmp_path):
    _, errors = problems_of(tmp_path, [[TITLE], SHORT[:5] + ["出生日期"],
                                       ["H01", "张三", "上扯", "张小明", "男", "2010-03-05"]])
    assert len(errors) == 1
    where = errors[0].where
    assert (where.line, where.column, where.header) == (2, None, None)
    assert "“学段”" in errors[0].message
    assert "户编号、户主姓名、所在村、子女姓名、性别、出生日期" in errors[0].message


def test_blank_household_id_on_a_new_household(tmp_path):
    households, errors = problems_of(tmp_path, [
        SHORT, ["H01", "张三", "上扯", "张小明", "男", "", "小学", "3"],
        ["", "李四", "上扯", "李小花", "女", "", "小学", "2"],
        ["", "", "", "李小草", "女", "", "小学", "1"]])
    assert [(e.where.line, e.where.column, e.where.header) for e in errors] == [(3, "A", "户编号")]
    assert "户编号为空" in errors[0].message and "李四" in errors[0].message
    assert [len(h["children"]) for h in households] == [1]


def test_child_without_any_household(tmp_path):
    _, errors = problems_of(tmp_path, [SHORT, ["", "", "", "张小明", "男", "", "小学", "3"]])
    assert [(e.where.line, e.where.column, e.where.header) for e in errors] == [(2, "A", "户编号")]
    assert "没有户编号" in errors[0].message


def test_same_id_in_two_blocks_with_different_heads(tmp_path):
    _, errors = problems_of(tmp_path, [
        SHORT, ["H01", "张三", "上扯", "张小明", "男", "", "小学", "3"],
        ["H02", "王五", "上扯", "王小二", "男", "", "小学", "3"],
        ["H01", "李四", "上扯", "李小花", "女", "", "小学", "2"]])
    assert [(e.where.line, e.where.column, e.where.header) for e in errors] \
        == [(4, "B", "户主姓名")]
    assert errors[0].also.line == 2
    assert "张三" in errors[0].message and "李四" in errors[0].message


#: a project whose households all come from 花名册.csv, in 上扯
ROSTER_PROJECT = ("school: {name: 测试小学, county: 测试县, report_date: 2018-07}\n"
                  "units: [{id: 上扯, name: 上扯}]\nroster: 花名册.csv\n")


def load_errors(tmp_path, rows):
    """Return the errors of a project whose roster is `rows`: cells the roster reads as it
    finds them (a date, a grade) are judged by the model, in the words it uses for YAML."""
    (tmp_path / "school.yaml").write_text(ROSTER_PROJECT, "utf-8")
    write_csv(tmp_path / "花名册.csv", rows)
    with pytest.raises(DataError) as info:
        load_project(tmp_path)
    return [p for p in info.value.problems if p.is_error]


def test_bad_date_and_grade_reported_together(tmp_path):
    errors = load_errors(tmp_path, [
        SHORT, ["H01", "张三", "上扯", "张小明", "男", "2010-02-30", "小学", "三年级二班"],
        ["H02", "王五", "上扯", "王小二", "男", "明年", "小学", "高年级"]])
    assert [(e.where.file, e.where.line, e.where.column, e.where.header) for e in errors] == [
        ("花名册.csv", 2, "F", "出生日期"), ("花名册.csv", 2, "H", "年级"),
        ("花名册.csv", 3, "F", "出生日期"), ("花名册.csv", 3, "H", "年级")]
    assert errors[0].message == "第1户（H01 张三）第1个孩子（张小明）的出生日期“2010-02-30”不存在"
    assert errors[1].message == "第1户（H01 张三）第1个孩子（张小明）的年级“三年级二班”不是年级"
    assert "班级另写在" in errors[1].hint
    assert errors[2].message == "第2户（H02 王五）第1个孩子（王小二）的出生日期“明年”不是日期"
    assert "2010/3/5" in errors[2].hint


def test_unknown_column_is_a_warning(tmp_path):
    _, _, problems = read_roster(write_csv(tmp_path / "r.csv", [
        SHORT + ["家长签字"], ["H01", "张三", "上扯", "张小明", "男", "", "小学", "3", "x"]]),
                                 "r.csv")
    assert [(p.severity, p.where.line, p.where.column, p.where.header) for p in problems] == [
        ("warning", 1, "I", "家长签字")]


def test_two_header_rows(tmp_path):
    households, errors = problems_of(tmp_path, [
        ["户编号", "户主姓名", "所在村", "子女信息", "", ""],
        ["户编号", "户主姓名", "所在村", "子女姓名", "性别", "学段"],
        ["H01", "张三", "上扯", "张小明", "男", "小学"]])
    assert errors == []
    assert households[0]["children"] == [{"name": "张小明", "gender": "男", "stage": "小学"}]


@pytest.mark.parametrize("name, data, words", [
    ("花名册.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ["不是有效的 .xls", "另存为 .xlsx"]),
    ("花名册.ods", b"PK\x03\x04" + b"\0" * 100, ["不支持", "应是 .xlsx、.xls 或 .csv"]),
    ("花名册.xlsx", b"this is not a workbook", ["不是有效的 .xlsx"]),
    ("花名册.csv", b"\xff\xfe\xff" * 10, ["编码", "花名册.csv"]),
])
def test_unreadable_files(tmp_path, name, data, words):
    (tmp_path / name).write_bytes(data)
    households, positions, problems = read_roster(tmp_path / name, name)
    assert households == [] and positions == {}
    assert len(problems) == 1 and problems[0].where == Location(name)
    for word in words:
        assert word in problems[0].format()


def test_empty_sheet(tmp_path):
    openpyxl.Workbook().save(tmp_path / "空.xlsx")
    _, _, problems = read_roster(tmp_path / "空.xlsx", "空.xlsx")
    assert [(p.where.file, p.message) for p in problems] \
        == [("空.xlsx", "表格是空的，没有任何内容")]
    (tmp_path / "空.csv").write_bytes(b"\xef\xbb\xbf,,\r\n\r\n")
    _, _, problems = read_roster(tmp_path / "空.csv", "空.csv")
    assert "表格是空的" in problems[0].message


def xlsx_problems(tmp_path, rows, edit=None):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    if edit:
        edit(wb.active)
    wb.save(tmp_path / "r.xlsx")
    households, _, problems = read_roster(tmp_path / "r.xlsx", "r.xlsx")
    return households, problems


def test_id_number_stored_as_a_number(tmp_path):
    households, problems = xlsx_problems(tmp_path, [
        SHORT[:5] + ["身份证号", "学段", "联系电话"],
        ["H01", "张三", "上扯", "张小明", "男", 5.30323201003051e17, "小学", 1.38123456e10]])
    assert [(p.where.line, p.where.column, p.where.header) for p in problems] == [
        (2, "F", "身份证号")]
    assert problems[0].message == ("身份证号被 Excel 存成了数字，末几位已丢失，"
                                   "请把该列设为文本后重新输入")
    assert households[0]["phone"] == "13812345600"


def test_formula_without_a_computed_value(tmp_path):
    def edit(ws):
        ws["H2"] = "=1+2"
    _, problems = xlsx_problems(tmp_path,
                                [SHORT, ["H01", "张三", "上扯", "张小明", "男", None, "小学"]],
                                edit)
    assert [(p.where.line, p.where.column, p.where.header) for p in problems] == [(2, "H", "年级")]
    assert problems[0].message == "公式没有计算结果，请在 Excel 中打开并保存后再试"


def test_formatted_problem(tmp_path):
    errors = load_errors(tmp_path, [
        SHORT, ["H01", "张三", "上扯", "张小明", "男", "2010-02-30", "小学", "3"]])
    assert errors[0].format() == ("错误：花名册.csv 第2行第F列“出生日期”："
                                  "第1户（H01 张三）第1个孩子（张小明）的出生日期"
                                  "“2010-02-30”不存在\n"
                                  "  怎么改：请核对年、月、日（如 2月没有30日）")


NAME = st.text(st.sampled_from("张王李阿依古丽买提·&<>\"',𠈌 \t"), min_size=1, max_size=12)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAME.filter(lambda s: s.strip()))
def test_names_survive_csv_and_xlsx(tmp_path, name):
    rows = [SHORT, ["H01", name, "上扯", name, "男", "", "小学", "3"]]
    for households in (read_roster(write_csv(tmp_path / "r.csv", rows), "r.csv")[0],
                       xlsx_problems(tmp_path, rows)[0]):
        assert households[0]["head"] == name.strip()
        assert households[0]["children"][0]["name"] == name.strip()
