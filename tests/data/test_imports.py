"""Importing the exports schools already have: 建档立卡 (one row per person) and 学籍."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fupin_docs.data.imports import enrolment, registry
from fupin_docs.data.imports.combine import ELSEWHERE, combine
from fupin_docs.data.project import load_project
from fupin_docs.errors import DataError
from fupin_docs.i18n import set_lang
from tests.data import exports as ex
from tests.helpers import write_tree

SCHOOL_YAML = ex.yaml_text().split("units:")[0]  # the school alone, as a secretary writes it
ON = dt.date(2018, 7, 10)


@pytest.fixture(autouse=True)
def chinese():
    set_lang("zh")
    yield
    set_lang(None)


def households(project) -> list[dict]:
    return [h.model_dump(mode="json") for h in project.households]


def expected(tmp_path: Path) -> list[dict]:
    folder = write_tree(tmp_path / "yaml", {"school.yaml": ex.yaml_text()})
    return households(load_project(folder).project)


def imported(tmp_path: Path, registry_file: str, rows=None, enrolment_file: str = "学籍.xls",
             extra: str = "") -> Path:
    """Return a project whose households come from a 建档立卡 and a 学籍 export."""
    folder = write_tree(tmp_path / "import", {"school.yaml": SCHOOL_YAML + (
        f"imports: {{建档立卡: {registry_file}, 学籍: {enrolment_file}}}\n") + extra})
    writers = {".xlsx": lambda p, r: ex.write_xlsx(p, r, ex.MERGES),
               ".xls": lambda p, r: ex.write_xls(p, r, ex.MERGES), ".csv": ex.write_csv}
    write = writers[Path(registry_file).suffix]
    write(folder / registry_file, rows if rows is not None else ex.registry_rows(numbers=True))
    ex.write_xls(folder / enrolment_file, ex.enrolment_rows())
    return folder


def messages(folder: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_project(folder)
    return [p.format() for p in caught.value.problems if p.is_error]


@pytest.mark.parametrize("name", ["建档立卡.xlsx", "建档立卡.xls", "建档立卡.csv"])
def test_export_gives_the_households_written_by_hand(tmp_path, name):
    # title row, a two-row header merged across groups (户主信息 → 姓名: the head's), the
    # household's fields repeated on every member's row, gender as codes 1 and 2
    loaded = load_project(imported(tmp_path, name))
    assert households(loaded.project) == expected(tmp_path)
    assert [(u.id, u.name) for u in loaded.project.units] == [("上组", "上组"), ("下组", "下组")]
    notes = [p.format() for p in loaded.warnings]
    assert notes[0].startswith(f"警告：{name} 第3行：不认识这些列，已忽略："
                               "帮扶措施（S）、备注说明（T）")
    assert sum("不认识这些列" in n for n in notes) == 1  # once per file, not once per row
    assert all("民族" not in n for n in notes)  # a column the export has and nothing needs


def test_who_is_a_child(tmp_path):
    loaded = load_project(imported(tmp_path, "建档立卡.xlsx"))
    taken = {c.name: (c.stage.value, c.school) for h in loaded.project.households
             for c in h.children}
    assert taken == {"李小明": ("小学", None), "李小红": ("小学", None),
                     "张小虎": ("初中", ex.OTHER_SCHOOL),  # in another school's 学籍
                     "张小花": ("未入学", None),  # 非在校生 aged 9: out of school
                     "赵小丽": ("学前", None), "赵小刚": ("高校", None)}
    # 李小宝 (学龄前儿童, 2) and 赵大 (非在校生, 23) are not; nor 钱四's household, childless
    assert [h.head for h in loaded.project.households] == ["李大山", "张二", "赵三"]


def test_encodings_of_csv(tmp_path):
    rows = ex.registry_rows()
    folder = imported(tmp_path, "建档立卡.csv", rows)
    ex.write_csv(folder / "建档立卡.csv", rows, encoding="gbk")
    assert households(load_project(folder).project) == expected(tmp_path)


def test_without_enrolment_every_child_in_school_is_here(tmp_path):
    folder = write_tree(tmp_path / "p", {"school.yaml": SCHOOL_YAML
                                         + "imports: {建档立卡: 建档立卡.xlsx}\n"})
    ex.write_xlsx(folder / "建档立卡.xlsx", ex.registry_rows(numbers=True), ex.MERGES)
    children = [c for h in load_project(folder).project.households for c in h.children]
    assert [c.name for c in children] == ["李小明", "李小红", "张小虎", "张小花", "赵小丽",
                                          "赵小刚"]
    assert all(c.school is None and c.grade is None for c in children)


def test_a_child_in_school_missing_from_the_enrolment_is_elsewhere(tmp_path):
    rows = [r for r in ex.enrolment_rows() if "张小虎" not in r]
    folder = imported(tmp_path, "建档立卡.xlsx")
    ex.write_xls(folder / "学籍.xls", rows)
    loaded = load_project(folder)
    tiger = loaded.project.households[1].children[0]
    assert (tiger.name, tiger.school) == ("张小虎", ELSEWHERE)
    assert any("1 名在校的建档立卡户子女不在所给的学籍导出表中，"
               "按“其他学校”就读处理：张小虎（张二户，初中）" in p.message for p in loaded.warnings)


def test_school_named_otherwise_in_the_enrolment(tmp_path):
    folder = imported(tmp_path, "建档立卡.xlsx")
    (folder / "school.yaml").write_text(SCHOOL_YAML.replace("name: 测试县测试镇测试小学",
                                                            "name: 测试小学（新校名）")
                                        + "imports: {建档立卡: 建档立卡.xlsx, 学籍: 学籍.xls,"
                                          " 本校名称: 测试县测试镇测试小学}\n", encoding="utf-8")
    assert households(load_project(folder).project) == expected(tmp_path)


def test_enrolment_without_this_school_is_a_warning(tmp_path):
    folder = imported(tmp_path, "建档立卡.xlsx")
    (folder / "school.yaml").write_text(SCHOOL_YAML.replace("name: 测试县测试镇测试小学",
                                                            "name: 别的小学")
                                        + "imports: {建档立卡: 建档立卡.xlsx, 学籍: 学籍.xls}\n",
                                        encoding="utf-8")
    warnings = [p.format() for p in load_project(folder).warnings]
    assert any(w.startswith("警告：学籍.xls：学籍导出表中没有本校（别的小学、测试小学）的学生；"
                            "“就读学校”一列有：测试县测试镇测试小学、测试县第一中学")
               for w in warnings), warnings


# ---------------------------------------------------------------- the traps, each located


def _with(rows, name: str, value):
    """Return the export's rows with the first child's cell under `name` replaced."""
    rows = [list(r) for r in rows]
    col = ex.LOW.index(name) if name != "户联系电话" else ex.TOP.index(name)
    if name == "证件号码":
        col = 13  # the member's, not the head's
    rows[5][col] = value  # 李小明's row (row 6 in Excel)
    return rows


def test_id_number_stored_as_a_number(tmp_path):
    ident = ex.ident_of("李小明")
    folder = imported(tmp_path, "建档立卡.xlsx", _with(ex.registry_rows(), "证件号码",
                                                      float(ident)))
    assert messages(folder) == [
        "错误：建档立卡.xlsx 第6行第N列“家庭成员信息/证件号码”：证件号码被存成了数字"
        "（Excel 显示为 110101201003050000），18位号码存成数字后末几位已丢失\n"
        "  怎么改：请把该列设为文本格式后重新输入"]


def test_phone_and_date_that_were_numbers_in_a_csv(tmp_path):
    rows = _with(ex.registry_rows(), "户联系电话", "13900000001.0")
    rows = _with(rows, "出生日期", "20100305.0")
    assert messages(imported(tmp_path, "建档立卡.csv", rows)) == [
        "错误：建档立卡.csv 第6行第J列“户联系电话”：户联系电话“13900000001.0”带着“.0”："
        "它曾被存成数字，导出时成了这样\n"
        "  怎么改：请把该列设为文本格式后重新输入（应是“13900000001”）",
        "错误：建档立卡.csv 第6行第O列“家庭成员信息/出生日期”：出生日期“20100305.0”带着“.0”："
        "它曾被存成数字，导出时成了这样\n"
        "  怎么改：请把该列设为文本格式后重新输入（应是“20100305”）"]


def test_date_and_phone_stored_as_numbers_in_an_xls(tmp_path):
    rows = _with(ex.registry_rows(), "出生日期", 20100305)
    rows = _with(rows, "户联系电话", 13900000001)
    assert messages(imported(tmp_path, "建档立卡.xls", rows)) == [
        "错误：建档立卡.xls 第6行第J列“户联系电话”：户联系电话被存成了数字 13900000001，不是文字\n"
        "  怎么改：请把该列设为文本格式后重新输入（号码没有丢位时，可选中该列，用“数据 → 分列”，"
        "第3步选“文本”一次改好）",
        "错误：建档立卡.xls 第6行第O列“家庭成员信息/出生日期”：出生日期被存成了数字 20100305，"
        "不是日期或文字\n  怎么改：请把该列设为文本格式后重新输入，如 2010-03-05（号码没有丢位时，"
        "可选中该列，用“数据 → 分列”，第3步选“文本”一次改好）"]


def test_a_real_excel_date_is_a_date(tmp_path):
    rows = _with(ex.registry_rows(), "出生日期", dt.date(2010, 3, 5))
    loaded = load_project(imported(tmp_path, "建档立卡.xls", rows))
    assert households(loaded.project) == expected(tmp_path)


def test_gender_code_not_known(tmp_path):
    folder = imported(tmp_path, "建档立卡.xlsx", _with(ex.registry_rows(), "性别", 9))
    assert messages(folder) == [
        "错误：建档立卡.xlsx 第6行第M列“家庭成员信息/性别”：性别“9”不是 男 或 女\n"
        "  怎么改：请写 男 或 女（也可写代码：1 男、2 女）"]


def test_many_cells_with_one_mistake_are_told_once_more(tmp_path):
    rows = [list(r) for r in ex.registry_rows()]
    for r in range(3, len(rows)):
        rows[r][14] = "20100305.0"
    found = messages(imported(tmp_path, "建档立卡.csv", rows))
    assert len(found) == 6
    assert [m for m in found if "这一列另有" in m] == [
        "错误：建档立卡.csv 第3行第O列“家庭成员信息/出生日期”："
        "这一列另有 9 个单元格同样有误（第9、10、11、12、13、14、15、16、17行）\n"
        "  怎么改：请把该列设为文本格式后重新输入（应是“20100305”）"]


def test_missing_column_names_what_it_expected(tmp_path):
    rows = [[c if c != "在校生状况" else "学习情况" for c in r] for r in ex.registry_rows()]
    found = messages(imported(tmp_path, "建档立卡.csv", rows))
    assert found[0].startswith("错误：建档立卡.csv 第3行：建档立卡导出表缺少“在校生状况”列")
    assert "怎么改：请在表头加上“在校生状况”列（也可写作：在校生情况、在校情况" in found[0]


def test_not_an_export_says_which_headers_it_expected(tmp_path):
    folder = imported(tmp_path, "建档立卡.csv", [["姓名", "科目", "成绩"], ["张三", "语文", "90"]])
    assert messages(folder) == [
        "错误：建档立卡.csv 第1行：不像是建档立卡导出表：没有找到表头行"
        "（第1行是：姓名、科目、成绩）\n"
        "  怎么改：建档立卡导出表的表头应包含：户编号、姓名、与户主关系、在校生状况 等列"]


def test_web_page_named_xls_is_refused(tmp_path):
    folder = imported(tmp_path, "建档立卡.xls")
    (folder / "学籍.xls").write_text("<html><table><tr><td>姓名</td></tr></table></html>")
    assert messages(folder) == [
        "错误：学籍.xls：学籍.xls 其实是网页（HTML）格式的表格，只是扩展名为 .xls\n"
        "  怎么改：请在 Excel 或 WPS 中打开，另存为 .xlsx（或 .xls、CSV）后再试"]


def test_export_outside_the_project_is_not_read(tmp_path):
    folder = imported(tmp_path, "建档立卡.xlsx")
    outside = tmp_path / "elsewhere.xlsx"
    (folder / "建档立卡.xlsx").rename(outside)
    os.symlink(outside, folder / "建档立卡.xlsx")
    found = messages(folder)
    assert len(found) == 1 and "导出表“建档立卡.xlsx”在项目文件夹之外" in found[0]


def test_zip_sizes_are_checked_before_reading(tmp_path, monkeypatch):
    import fupin_docs.render.fastzip as fastzip

    folder = imported(tmp_path, "建档立卡.xlsx")
    monkeypatch.setattr(fastzip, "MAX_PART", 1000)  # as if the sheet expanded past the bound
    found = messages(folder)
    assert len(found) == 1 and found[0].startswith("错误：建档立卡.xlsx：建档立卡.xlsx解压后过大")


def test_xlsx_member_larger_than_declared_is_not_inflated(tmp_path):
    folder = imported(tmp_path, "建档立卡.xlsx")
    book = folder / "建档立卡.xlsx"
    with zipfile.ZipFile(book) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"</sheetData>", b" " * 3_000_000 + b"</sheetData>")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    # declare the big sheet as 4 KB: zipfile stops at the declared size and the file is refused
    raw = bytearray(book.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while raw[at + 46:at + 46 + len(sheet)] != sheet.encode():
        at = raw.find(b"PK\x01\x02", at + 4)
    raw[at + 24:at + 28] = (4096).to_bytes(4, "little")  # central directory: size
    local = int.from_bytes(raw[at + 42:at + 46], "little")
    raw[local + 22:local + 26] = (4096).to_bytes(4, "little")  # local header: size
    book.write_bytes(bytes(raw))
    found = messages(folder)
    assert len(found) == 1 and "不是有效的 .xlsx 文件" in found[0]


def test_enrolment_flags_as_the_system_writes_them():
    assert enrolment._flag("单亲外出务工") and not enrolment._flag("非留守儿童")
    assert enrolment._flag("住校") and not enrolment._flag("走读")
    assert enrolment._disability("肢体残疾") and not enrolment._disability("无")
    assert enrolment._grade("初中二年级") == ("初中", 8)
    assert enrolment._grade("七年级") == ("初中", 7)
    assert enrolment._grade("高一") == ("高中", 10)
    assert enrolment._grade("大班") == ("学前", None)


def test_relations():
    assert [registry.relation_kind(r) for r in ("户主", "配偶", "之子", "之女", "之孙子",
                                                "之外孙女", "之儿媳", "之父", None)] == [
        "head", "spouse", "child", "child", "child", "child", "other", "other", "other"]


def test_combine_counts_for_the_import_command(tmp_path):
    reg = ex.write_xlsx(tmp_path / "r.xlsx", ex.registry_rows(numbers=True), ex.MERGES)
    pupils = ex.write_xls(tmp_path / "e.xls", ex.enrolment_rows())
    found = combine([registry.read_registry(reg, "r.xlsx")],
                    [enrolment.read_enrolment(pupils, "e.xls")], ON, {ex.SCHOOL})
    s = found.summary
    assert (s.homes, s.households, s.pupils_here, s.matched_here) == (4, 3, 3, 2)
    assert dict(s.children) == {"小学": 2, "初中": 1, "未入学": 1, "学前": 1, "高校": 1}
    assert (s.county, s.town, s.units) == ("测试县", "测试镇", ["上组", "下组"])


def test_workbook_sheet_read_by_openpyxl_is_the_same(tmp_path):
    # the fixture writer itself: merged header cells hold their value once
    book = ex.write_xlsx(tmp_path / "r.xlsx", ex.registry_rows(), ex.MERGES)
    ws = openpyxl.load_workbook(book).active
    assert ws.cell(2, 7).value == "户主信息" and ws.cell(2, 8).value is None


@pytest.mark.parametrize("name", ["建档立卡.xls", "建档立卡.csv"])
def test_file_larger_than_any_list_is_refused(tmp_path, monkeypatch, name):
    from fupin_docs.data.imports import tables

    folder = imported(tmp_path, name)
    monkeypatch.setattr(tables, "MAX_FILE", 1000)
    found = messages(folder)
    assert len(found) == 2 and any(m.startswith(f"错误：{name}：{name} 有 0 MB，"
                                                "超过名单应有的大小") for m in found)


def test_household_id_stored_as_a_long_number(tmp_path):
    rows = [list(r) for r in ex.registry_rows()]
    rows[3][5] = float(rows[3][5])
    assert messages(imported(tmp_path, "建档立卡.xlsx", rows)) == [
        "错误：建档立卡.xlsx 第4行第F列“户编号”：户编号被存成了数字"
        "（Excel 显示为 5303230101000000），超过15位的编号存成数字后末几位已丢失\n"
        "  怎么改：请把该列设为文本格式后重新输入"]


def test_roster_may_be_an_old_excel_file(tmp_path):
    folder = write_tree(tmp_path / "p", {"school.yaml": SCHOOL_YAML + "roster: 花名册.xls\n"
                                         "units: [{id: 上村, name: 上村}]\n"})
    ex.write_xls(folder / "花名册.xls", [
        ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级"],
        ["H01", "张三", "上村", "张小明", "男", dt.date(2010, 3, 5), "小学", 3]])
    loaded = load_project(folder)
    child = loaded.project.households[0].children[0]
    assert (child.name, child.birth_date, child.grade) == ("张小明", dt.date(2010, 3, 5), 3)


def test_english_messages(tmp_path):
    set_lang("en")
    ident = ex.ident_of("李小明")
    folder = imported(tmp_path, "建档立卡.xlsx", _with(ex.registry_rows(), "证件号码",
                                                      float(ident)))
    assert messages(folder) == [
        "error：建档立卡.xlsx row 6, column N \"家庭成员信息/证件号码\"：证件号码 was stored as a "
        "number (110101201003050000) and has lost its last digits\n"
        "  how to fix: format the column as Text and type it again"]


def test_a_sheet_declaring_a_wrong_size_is_read_whole(tmp_path):
    # some exporters write <dimension ref="A1"/> whatever the sheet holds
    folder = imported(tmp_path, "建档立卡.xlsx")
    book = folder / "建档立卡.xlsx"
    with zipfile.ZipFile(book) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1"/>',
                            members[sheet])
    assert b'<dimension ref="A1"/>' in members[sheet]
    with zipfile.ZipFile(book, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert households(load_project(folder).project) == expected(tmp_path)
