"""控辍保学台账 and 劝返情况记录 read back, and the report's 控辍保学 sentence both ways."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from fupin_docs.output.build import BuildOptions, build
from tests.facts.test_schoolage import SCHOOL
from tests.helpers import plain, write_tree

KINDS = ("report", "dropout", "persuasion")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the output of the project with one child here, one elsewhere, one taught at
    home and one enrolled nowhere."""
    root = tmp_path_factory.mktemp("dropout")
    out = root / "out"
    build(write_tree(root / "proj", {"school.yaml": SCHOOL}), BuildOptions(out_dir=out,
                                                                         only=KINDS))
    return out


def cell_rows(table: docx.table.Table) -> list[list[str]]:
    return [[plain(c.text) for c in row.cells] for row in table.rows]


def test_the_workbook_lists_every_child_of_age_with_status_and_flags(built: Path) -> None:
    book = openpyxl.load_workbook(built / "控辍保学台账" / "控辍保学台账.xlsx")
    sheet = book["适龄儿童"]
    header = [c.value for c in sheet[2]]
    assert header[:5] == ["序号", "所在村/连队", "户编号", "户主", "学生"]
    rows = {r[4]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert list(rows) == ["李小一", "李小二", "王小二", "赵小三"]
    assert {n: (r["就读情况"], r["就读学校"]) for n, r in rows.items()} == {
        "李小一": ("本校就读", "本校"), "李小二": ("外校就读", "测试县第二中学"),
        "王小二": ("未入学（待劝返）", "未入学"), "赵小三": ("送教上门", "送教上门")}
    assert rows["赵小三"]["安置方式"] == "送教上门" and rows["赵小三"]["残疾"] == "是"
    assert rows["王小二"]["孤儿"] == "是" and rows["李小二"]["随迁"] == "是"
    assert rows["王小二"]["留守"] is None  # no flag: an empty cell, not 否
    assert rows["王小二"]["身份证号"] == "530323********0021"  # masked, even with --full-ids
    assert "联系电话" not in header and rows["王小二"]["结对教师"] == "王丽华"
    assert rows["李小一"]["年龄"] == 7 and rows["王小二"]["年龄"] == 6
    counts = [r for r in book["按村汇总"].iter_rows(min_row=3, values_only=True)]
    assert counts == [(1, "上村", 3, 1, 1, 0, 1), (2, "下村", 1, 0, 0, 1, 0),
                      (None, "合计", 4, 1, 1, 1, 1)]
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$2:$2"


def test_the_word_list_goes_village_by_village(built: Path) -> None:
    document = docx.Document(str(built / "控辍保学台账" / "控辍保学台账.docx"))
    counts, children = (cell_rows(t) for t in document.tables)
    assert counts[1:] == [["上村", "3", "1", "1", "0", "1"], ["下村", "1", "0", "0", "1", "0"],
                          ["合计", "4", "1", "1", "1", "1"]]
    by_name = {row[4]: row for row in children[1:]}
    assert by_name["王小二"][1] == "上村" and by_name["赵小三"][1] == "下村"  # merged per village
    assert by_name["李小二"][9] == "外校就读（测试县第二中学）"
    assert by_name["王小二"][9] == "未入学（待劝返）" and by_name["王小二"][10] == "孤儿"
    assert by_name["赵小三"][9] == "送教上门" and by_name["赵小三"][11] == "张永明"
    text = plain("\n".join(p.text for p in document.paragraphs))
    assert "2017—2018学年" in text and "2017年8月31日已满6周岁、未满16周岁" in text
    assert "共4人：在本校就读1人，在外校就读1人，送教上门1人，未入学1人（逐一劝返" in text
    txt = (built / "控辍保学台账" / "控辍保学台账.txt").read_text("utf-8")
    assert txt.index("上村：适龄儿童3人") < txt.index("王小二") < txt.index("下村：适龄儿童1人")


def test_one_persuasion_record_per_child_enrolled_nowhere(built: Path) -> None:
    records = sorted((built / "劝返情况记录").iterdir())
    assert [r.name for r in records] == ["上村_H02_王小二.docx"]
    document = docx.Document(str(records[0]))
    info, attempts = (cell_rows(t) for t in document.tables)
    assert info[0] == ["学生姓名", "王小二", "性　　别", "女"]
    assert info[1][:2] == ["身份证号码", "530323********0021"]  # masked, as posted forms are
    assert info[1][3] == "2011年5月20日（6周岁）"
    assert info[2][:2] == ["就读学校及年级", "未入学"]
    assert info[3] == ["家长（监护人）姓名", "王二", "联系电话", "13900000002"]
    assert info[4][:2] == ["家庭住址", "测试县测试镇上村二组"]
    assert info[5][:2] == ["结对教师", "王丽华（13800000002）"]
    assert info[6][0] == "辍学原因" and info[6][1] == ""  # written in by hand
    assert "王丽华负责联系本户" in info[7][1] and "义务教育免学杂费" in info[7][1]
    assert attempts[0] == ["劝返次数", "劝返人员姓名", "劝返人员电话", "劝返时间", "情况记录"]
    assert [row[:3] for row in attempts[1:]] == [
        [f"第{n}次", "王丽华", "13800000002"] for n in ("一", "二", "三", "四")]
    assert all(row[3:] == ["", ""] for row in attempts[1:])


def report_sentence(out: Path) -> str:
    text = (out / "汇报材料" / "汇报材料.txt").read_text("utf-8")
    return next(line.strip() for line in text.splitlines() if "适龄儿童" in line)


def test_the_report_gives_the_number_followed_up_and_never_says_none_missing(
        built: Path) -> None:
    assert report_sentence(built) == ("经逐户核实，建档立卡户子女中义务教育阶段适龄儿童4人，"
                                      "其中在本校就读1人、在外校就读1人、送教上门1人，"
                                      "尚有1人未入学，已落实专人劝返。")
    report = (built / "汇报材料" / "汇报材料.txt").read_text("utf-8")
    assert "无一人失学" not in report and "没有一名学生失学" not in report


def test_the_report_says_none_missing_only_when_true(tmp_path: Path) -> None:
    enrolled = SCHOOL.replace("stage: 未入学, orphan: 是", "stage: 小学, grade: 1")
    out = tmp_path / "out"
    build(write_tree(tmp_path / "proj", {"school.yaml": enrolled}),
          BuildOptions(out_dir=out, only=KINDS))
    assert report_sentence(out) == ("经逐户核实，建档立卡户子女中义务教育阶段适龄儿童4人，"
                                    "其中在本校就读2人、在外校就读1人、送教上门1人，"
                                    "无一人失学辍学。")
    assert not (out / "劝返情况记录").exists()  # nobody to bring back: no record
    two = SCHOOL.replace("grade: 2}", "grade: 2}\n      - {name: 李小三, gender: 男, "
                                      "birth_date: 2009-01-01, stage: 辍学}")
    out = tmp_path / "two"
    build(write_tree(tmp_path / "two-proj", {"school.yaml": two}),
          BuildOptions(out_dir=out, only=KINDS))
    assert report_sentence(out).endswith("尚有2人未入学，已落实专人逐一劝返。")
    assert len(list((out / "劝返情况记录").glob("*.docx"))) == 2
