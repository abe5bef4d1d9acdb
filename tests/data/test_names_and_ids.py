"""Names and ids: invisible characters are located warnings; ids that would name one file twice
(H01 and h01, H/01 and H_01, H01. and H01) are located errors before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from fupin_docs.cli import main
from fupin_docs.data.model import Household
from fupin_docs.data.project import household_file_name, load_project
from fupin_docs.data.values import file_name_part
from fupin_docs.errors import DataError
from fupin_docs.output.naming import file_stem, safe_name
from tests.helpers import MINIMAL, tree_snapshot, write_tree

Y = MINIMAL["school.yaml"]  # H01 is on line 16, H02 on line 22


def edit(text: str, *changes: tuple[str, str]) -> str:
    """Return `text` with each (old, new) made; `old` must occur exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def check(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output and "内部错误" not in result.output
    return result.exit_code, result.output


# ---------------------------------------------------------------- invisible characters

HIDDEN = edit(Y, ('name: 张明华', 'name: "张\\u200b明华"'),             # line 8
              ('name: 上村, households', 'name: "上\\u200d村", households'),  # line 11
              ('head: 李大', 'head: "李\\u202e大"'),                   # line 17
              ('name: 李小一', 'name: "李\\u2066小一"'),               # line 21
              ('head: 王二', 'head: "王\\ufeff二"'))                   # line 23


def test_check_names_each_invisible_character_with_its_line_code_point_and_fix(tmp_path):
    project = write_tree(tmp_path / "p", {"school.yaml": HIDDEN})
    code, out = check(project)
    assert code == 0, out
    blocks = {b.split("：", 2)[1]: b for b in out.split("\n\n") if b.startswith("警告：")}
    expected = {
        "school.yaml 第8行第21列": ("教师姓名", "U+200B", "不占位置"),
        "school.yaml 第11行第20列": ("自然村/连队名称", "U+200D", "不占位置"),
        "school.yaml 第17行第11列": ("户主姓名", "U+202E", "显示方向"),
        "school.yaml 第21行第16列": ("子女姓名", "U+2066",
                                                                     "显示方向"),
        "school.yaml 第23行第11列": ("户主姓名", "U+FEFF", "不占位置"),
    }
    found = {where for where in blocks if "看不见的字符" in blocks[where]}
    assert len(found) == len(expected), out
    for where, phrases in expected.items():
        assert where in blocks, f"{where} not in:\n{out}"
        for phrase in (*phrases, "怎么改：删除该字符"):
            assert phrase in blocks[where], f"{phrase!r} not in:\n{blocks[where]}"
    # the terminal is given the code points, never the characters themselves
    for char in "\u200b\u200d\u202e\u2066\ufeff":
        assert char not in out
    assert "李<U+202E>大" in out
    strict, _ = check(project, "--strict")
    assert strict == 1


def test_invisible_characters_in_ids_are_named_where_a_reference_then_fails(tmp_path):
    text = edit(Y, ("  - id: H02", '  - id: "H\\u200c02"'), ("{id: T01,", '{id: "T\\u200e01",'))
    project = write_tree(tmp_path / "p", {"school.yaml": text})
    code, out = check(project)
    assert code == 1, out
    for phrase in ("school.yaml 第22行第9列："
                   "户编号“H<U+200C>02”中有看不见的字符 U+200C",
                   "school.yaml 第8行第10列："
                   "教师编号“T<U+200E>01”中有看不见的字符 U+200E"):
        assert phrase in out
    assert "第2条结对的第1个户编号“H02”不存在" in out and "第1条结对的教师编号“T01”不存在" in out


def test_invisible_character_in_a_roster_cell_is_located_by_row_and_column(tmp_path):
    roster = ("户编号,户主姓名,所在村/连队,子女姓名,性别,学段,年级\n"
              "R01,赵三,上村,赵小一,男,小学,2\n"
              "R02,钱\u200b四,上村,钱小一,女,小学,3\n")
    project = write_tree(tmp_path / "p", {"school.yaml": Y + "roster: 花名册.csv\n",
                                          "花名册.csv": roster})
    code, out = check(project)
    assert code == 0, out
    assert "警告：花名册.csv 第3行第B列“户主姓名”：户主姓名“钱<U+200B>四”中有看不见的字符 U+200B" \
        in out


def test_plain_names_have_no_warning(minimal):
    assert load_project(minimal).warnings == []


# ---------------------------------------------------------------- ids that share a file name

SAME_HEAD = edit(Y, ("head: 王二", "head: 李大"))  # two households of 李大 in 上村


def refused(tmp_path: Path, text: str, files: dict[str, str] | None = None):
    """Return the one error loading the project gives."""
    project = write_tree(tmp_path / "p", {"school.yaml": text, **(files or {})})
    with pytest.raises(DataError) as info:
        load_project(project)
    errors = [p for p in info.value.problems if p.is_error]
    assert len(errors) == 1, [p.format() for p in errors]
    return errors[0]


def two_ids(first: str, second: str, text: str = SAME_HEAD) -> str:
    return edit(text, ("  - id: H01", f'  - id: "{first}"'), ("  - id: H02", f'  - id: "{second}"'),
                ("households: [H01]", f'households: ["{first}"]'),
                ("households: [H02]", f'households: ["{second}"]'))


@pytest.mark.parametrize("first, second, why, files", [
    ("H01", "h01", "只差大小写",
     "“上村_H01_李大” 和 “上村_h01_李大” 在 Windows 和 macOS 上是同一个文件"),
    ("H/01", "H_01", "在文件名中是同一个编号", "都叫 “上村_H_01_李大”"),
    ("H01.", "H01", "在文件名中是同一个编号", "都叫 “上村_H01_李大”"),
    ("H01", "H01 ", "在文件名中是同一个编号", "都叫 “上村_H01_李大”"),
    ("CON", "_con", "在文件名中是同一个编号", "“上村__CON_李大” 和 “上村__con_李大”"),
    ("H:01", "h?01", "在文件名中是同一个编号", "“上村_H_01_李大” 和 “上村_h_01_李大”"),
])
def test_household_ids_that_name_one_file_are_refused_at_the_second(tmp_path, first, second,
                                                                    why, files):
    problem = refused(tmp_path, two_ids(first, second))
    assert (problem.where.file, problem.where.line) == ("school.yaml", 22)
    assert (problem.also.file, problem.also.line) == ("school.yaml", 16)
    assert f"户编号 “{second}” 与前面的 “{first}” {why}" in problem.message
    assert files in problem.message and "覆盖" in problem.message
    assert first in problem.hint


@pytest.mark.parametrize("first, second, why", [("H01", "h01", "只差大小写"),
                                               ("H/01", "H_01", "在文件名中是同一个编号")])
def test_ids_alike_with_different_heads_load_with_a_located_warning(tmp_path, first, second,
                                                                      why):
    # 李大 and 王二 have files of their own: nothing is overwritten, but the ids look alike
    project = write_tree(tmp_path / "p", {"school.yaml": two_ids(first, second, Y)})
    loaded = load_project(project)
    assert [h.id for h in loaded.project.households] == [first, second]
    [warning] = loaded.warnings
    assert warning.severity == "warning"
    assert (warning.where.line, warning.also.line) == (22, 16)
    assert f"户编号 “{second}” 与前面的 “{first}”（李大户）{why}" in warning.message
    assert "不会互相覆盖" in warning.message


def test_a_unit_and_id_that_run_together_into_one_file_name_are_refused(tmp_path):
    # 上_村 + H01 and 上 + 村_H01 both make 上_村_H01_李大
    text = edit(SAME_HEAD, ("  - {id: 上村, name: 上村, households: 20, people: 80}\n",
                            "  - {id: 上村, name: 上_村}\n  - {id: 上, name: 上}\n"),
                ("  - id: H02\n    head: 李大\n    unit: 上村", "  - id: 村_H01\n    head: 李大\n"
                                                         "    unit: 上"),
                ("households: [H02]", "households: [村_H01]"))
    problem = refused(tmp_path, text)
    assert problem.where.line == 23 and problem.also.line == 17
    assert "与所在村、户主连起来是同一个文件名" in problem.message
    assert "都叫 “上_村_H01_李大”" in problem.message


def test_a_roster_id_that_differs_from_a_yaml_id_only_in_case_is_refused_at_its_cell(tmp_path):
    roster = "户编号,户主姓名,所在村/连队,子女姓名,性别,学段,年级\nh01,李大,上村,李小四,男,小学,2\n"
    problem = refused(tmp_path, Y + "roster: 花名册.csv\n", {"花名册.csv": roster})
    assert (problem.where.file, problem.where.line, problem.where.column) == ("花名册.csv", 2, "A")
    assert (problem.also.file, problem.also.line) == ("school.yaml", 16)
    assert "“h01” 与前面的 “H01” 只差大小写" in problem.message


def test_build_refuses_before_writing_and_names_both_places(tmp_path, minimal):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(minimal), "-o", str(out), "--only", "card"]
                         ).exit_code == 0
    before = tree_snapshot(out)
    (minimal / "school.yaml").write_text(two_ids("H01", "h01"), "utf-8")
    for command in (["check", str(minimal)],
                    ["build", str(minimal), "-o", str(out), "--only", "card"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, result.output
        assert "错误：school.yaml 第22行第9列：户编号 “h01” 与前面的 “H01” " \
               "只差大小写" in result.output
        assert "另见：school.yaml 第16行" in result.output
        assert "两份文件要写到同一个位置" not in result.output
    assert tree_snapshot(out) == before


def test_units_whose_names_share_a_file_name_still_build_their_own_print_files(tmp_path):
    text = edit(Y, ("  - {id: 上村, name: 上村, households: 20, people: 80}\n",
                    "  - {id: 上村, name: 上/村}\n  - {id: 下村, name: 上_村}\n"
                    "  - {id: a, name: A}\n  - {id: b, name: a}\n"),
                ("    unit: 上村\n    children:\n      - {name: 王",
                 "    unit: 下村\n    children:\n      - {name: 王"))
    text += ("  - id: H03\n    head: 张三\n    unit: a\n    children: []\n"
             "  - id: H04\n    head: 张三\n    unit: b\n    children: []\n")
    project = write_tree(tmp_path / "p", {"school.yaml": text})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), "--only", "card"])
    assert result.exit_code == 0, result.output
    merged = sorted(p.name.casefold() for p in (out / "联系卡" / "合并打印").glob("*.docx"))
    assert len(merged) == 4 and len(set(merged)) == 4, merged
    cards = sorted(p.name.casefold() for p in (out / "联系卡").glob("*.docx"))
    assert len(cards) == 4 and len(set(cards)) == 4, cards


# the loader's file names are output.naming's: if naming changes, these say the loader must too
PART = st.text(alphabet=st.sampled_from('Hh01_ ./\\:*?"<>|李大ÉéCONLPTcom1\u0301\x01'),
               max_size=40)
SHORT = st.text(alphabet=st.sampled_from('Hh01_ ./\\:*?"<>|李大Éé\u0301'), max_size=12)


@given(PART)
def test_file_name_part_is_what_naming_makes_of_a_part(text: str) -> None:
    assert file_name_part(text) == safe_name(text, 30)


@given(SHORT, SHORT, SHORT)
def test_household_file_name_is_naming_file_stem(unit: str, ident: str, head: str) -> None:
    household = Household(id=ident, head=head, unit="u")
    assert household_file_name(household, unit) == file_stem(household, unit)
