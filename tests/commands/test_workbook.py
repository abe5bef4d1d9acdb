"""init --excel writes 资料.xlsx to fill in; check and build read it as they read YAML."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from fupin_docs.cli import main
from fupin_docs.data.imports.workbook import HOMES, PAIRS, SCHOOL, TEACHERS, UNITS
from tests.commands.test_import import texts
from tests.helpers import tree_snapshot, write_tree

SCHOOL_VALUES = {"学校全称": "测试县测试镇测试小学", "简称": "测试小学", "所在县（师）": "测试县",
                 "所在镇（团）": "测试镇", "成文日期": "2018-07"}
TEACHER_ROWS = [["1", "T01", "张明华", "校长", "13800000001", "组长"],
                ["2", "T02", "王丽", "教师", "13800000002", None]]
HOME_ROWS = [
    {"户编号": "H01", "户主姓名": "李大", "所在村/连队": "上村", "联系电话": "13900000001",
     "子女姓名": "李小一", "性别": "男", "出生日期": "2010-03-05", "学段": "小学", "年级": "2",
     "是否寄宿": "是"},
    {"户编号": "H02", "户主姓名": "王二", "所在村/连队": "上村", "子女姓名": "王小二", "性别": "女",
     "出生日期": "2011-05-20", "学段": "小学", "年级": "1"},
]
#: the same school written in YAML
YAML = """\
school:
  name: 测试县测试镇测试小学
  short_name: 测试小学
  county: 测试县
  town: 测试镇
  report_date: 2018-07
leadership: {leader: T01}
teachers:
  - {id: T01, name: 张明华, role: 校长, phone: "13800000001"}
  - {id: T02, name: 王丽, role: 教师, phone: "13800000002"}
units:
  - {id: 上村, name: 上村, households: 20, people: 80}
pairings:
  - {teacher: T01, households: [H01]}
  - {teacher: T02, households: [H02]}
households:
  - id: H01
    head: 李大
    unit: 上村
    phone: "13900000001"
    children:
      - {name: 李小一, gender: 男, birth_date: 2010-03-05, stage: 小学, grade: 2, boarding: 是}
  - id: H02
    head: 王二
    unit: 上村
    children:
      - {name: 王小二, gender: 女, birth_date: 2011-05-20, stage: 小学, grade: 1}
"""


def new_workbook(runner, tmp_path: Path) -> Path:
    folder = tmp_path / "我的学校"
    result = runner.invoke(main, ["init", "--excel", str(folder)])
    assert result.exit_code == 0, result.output
    assert "已新建资料表" in result.output and "填写说明" in result.output
    return folder / "资料.xlsx"


def fill(book: Path, homes: list[dict] = HOME_ROWS) -> None:
    """Fill the workbook in as a secretary would (below the example rows)."""
    wb = openpyxl.load_workbook(book)
    school = wb[SCHOOL]
    for r in range(2, school.max_row + 1):
        label = str(school.cell(r, 1).value).replace("（必填）", "")
        if label in SCHOOL_VALUES:
            school.cell(r, 2).value = SCHOOL_VALUES[label]
    for r, row in enumerate(TEACHER_ROWS, 3):
        for c, value in enumerate(row, 1):
            wb[TEACHERS].cell(r, c).value = value
    for c, value in enumerate(["1", "上村", "20", "80"], 1):
        wb[UNITS].cell(3, c).value = value
    sheet = wb[HOMES]
    heads = [str(c.value).replace("（必填）", "") for c in sheet[1]]
    for r, home in enumerate(homes, 3):
        sheet.cell(r, 1).value = str(r - 2)
        for key, value in home.items():
            sheet.cell(r, heads.index(key) + 1).value = value
    for r, row in enumerate([["1", "张明华", None, "H01"], ["2", "王丽", None, "H02"]], 3):
        for c, value in enumerate(row, 1):
            wb[PAIRS].cell(r, c).value = value
    wb.save(book)


def test_init_excel_writes_the_sheets_with_dropdowns_and_text_columns(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["填写说明", "学校", "教师", "村（连队）", "户和子女", "结对"]
    assert "怎样填写这份资料表" in wb["填写说明"]["A1"].value
    homes = wb[HOMES]
    heads = [c.value for c in homes[1]]
    assert heads[:4] == ["序号", "户编号", "户主姓名", "户主身份证号"]
    red = [c.value for c in homes[1] if c.font.color is not None and c.font.color.rgb.endswith(
        "C00000")]  # red headers: required
    assert red == ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "学段"]
    assert [c.value for c in homes[2]][:3] == ["示例", "H01", "李某某"]  # one example row
    col = {h.replace("（必填）", ""): openpyxl.utils.get_column_letter(i)
           for i, h in enumerate(heads, 1)}
    for name in ("户主身份证号", "学生身份证号", "联系电话", "出生日期"):
        assert homes[f"{col[name]}3"].number_format == "@", name
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1
             for v in homes.data_validations.dataValidation}
    assert lists[col["学段"]] == '"学前,小学,初中,高中,中职,高校,未入学"'
    assert lists[col["性别"]] == '"男,女"' and lists[col["是否寄宿"]] == '"是,否"'
    assert lists[col["所在村/连队"]] == "'村（连队）'!$B$2:$B$2000"
    pairs = {str(v.sqref)[0]: v.formula1 for v in wb[PAIRS].data_validations.dataValidation}
    assert pairs == {"B": "'教师'!$C$2:$C$2000", "C": "'村（连队）'!$B$2:$B$2000"}
    assert wb[TEACHERS]["E3"].number_format == "@"


def test_filled_workbook_checks_and_builds_as_the_yaml_does(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    fill(book)
    folder = book.parent
    checked = runner.invoke(main, ["check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "out-excel")]
                         ).exit_code == 0
    by_hand = write_tree(tmp_path / "yaml", {"school.yaml": YAML})
    assert runner.invoke(main, ["build", str(by_hand), "-o", str(tmp_path / "out-yaml")]
                         ).exit_code == 0
    made, wanted = texts(tmp_path / "out-excel"), texts(tmp_path / "out-yaml")
    assert len(made) > 5 and made == wanted
    # the workbook named from YAML, which adds what the workbook has no sheet for
    write_tree(folder, {"school.yaml": "workbook: 资料.xlsx\nnarrative: {closing: 谢谢。}\n"})
    assert runner.invoke(main, ["check", str(folder)]).exit_code == 0


def test_mistakes_in_the_workbook_are_located(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    fill(book, [{**HOME_ROWS[0], "学生身份证号": 110101201003050000}, HOME_ROWS[1]])
    before = tree_snapshot(book.parent)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(book.parent), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists() and tree_snapshot(book.parent) == before
    assert ("错误：资料.xlsx的“户和子女”表 第3行第M列“学生身份证号”："
            "学生身份证号被存成了数字（Excel 显示为 110101201003050000），"
            "18位号码存成数字后末几位已丢失\n"
            "  怎么改：请把该列设为文本格式后重新输入") in result.output
    fill(book, [{**HOME_ROWS[0], "学生身份证号": None}, {**HOME_ROWS[1], "学段": "小雪"}])
    result = runner.invoke(main, ["check", str(book.parent)])
    assert result.exit_code == 1
    assert "错误：资料.xlsx的“户和子女”表 第4行第N列“学段”" in result.output


def test_example_row_written_over_is_a_warning(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    fill(book)
    wb = openpyxl.load_workbook(book)
    wb[TEACHERS]["C2"] = "刘老师"
    wb.save(book)
    result = runner.invoke(main, ["check", str(book.parent)])
    assert ("警告：资料.xlsx的“教师”表 第2行第A列“序号”："
            "这一行的序号是“示例”，不会读入，但内容已不是示例" in result.output)


def test_init_excel_never_overwrites(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    fill(book)
    before = book.read_bytes()
    result = runner.invoke(main, ["init", "--excel", str(book.parent)])
    assert result.exit_code == 1 and "已有 资料.xlsx" in result.output
    assert book.read_bytes() == before


def test_workbook_without_a_school_sheet(runner, tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "名单"
    wb.active["A1"] = "姓名"
    wb.save(folder / "资料.xlsx")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "错误：资料.xlsx：资料表中没有“学校”工作表" in result.output


def test_the_workbook_itself_may_be_named(runner, tmp_path):
    book = new_workbook(runner, tmp_path)
    fill(book)
    result = runner.invoke(main, ["check", str(book)])
    assert result.exit_code == 0, result.output
