"""`check`: stated figures against the data, with both places named."""

from __future__ import annotations

from fupin_docs.cli import main
from fupin_docs.output.build import check
from tests.helpers import EXAMPLES, MINIMAL, write_tree


def test_chele_reports_50_vs_49_with_both_locations():
    _, warnings = check(EXAMPLES / "扯乐完小")
    total = next(w for w in warnings if "合计 50 人" in w.message)
    assert "49 人" in total.message
    assert (total.where.file, total.where.line) == ("school.yaml", 33)
    assert (total.also.file, total.also.line) == ("school.yaml", 30)
    assert "另见：school.yaml 第30行第24列" in total.format()


def test_chele_per_grade_mismatch_against_household_list():
    _, warnings = check(EXAMPLES / "扯乐完小")
    grade3 = [w for w in warnings if w.message.startswith("3年级")]
    assert len(grade3) == 1 and "写明建档立卡学生 13 人，名单中有 12 人" in grade3[0].message


def test_chele_everything_else_is_consistent():
    _, warnings = check(EXAMPLES / "扯乐完小")
    assert len(warnings) == 2, [w.format() for w in warnings]


def test_unit_totals_unpaired_students_and_idle_teachers(tmp_path):
    text = (MINIMAL["school.yaml"].replace("  - {teacher: T02, households: [H02]}\n", "")
            + "figures:\n  unit_households: 25\n  teachers: 3\n")
    _, warnings = check(write_tree(tmp_path, {"school.yaml": text}))
    messages = "\n".join(w.message for w in warnings)
    assert "合计 20，与写明的总户数 25 不符" in messages
    assert "王小二（王二户）没有结对教师" in messages
    assert "未结对：王建国" in messages
    assert "写明教师 3 人，名单中有 2 人" in messages


def test_out_of_school_child_is_listed(tmp_path):
    text = MINIMAL["school.yaml"].replace("stage: 小学, grade: 1", "stage: 未入学")
    _, warnings = check(write_tree(tmp_path, {"school.yaml": text}))
    dropout = next(w for w in warnings if "控辍保学" in w.message)
    assert "王小二" in dropout.message and dropout.where.line == 26


def test_id_number_checksum_and_birth_date(tmp_path):
    text = MINIMAL["school.yaml"].replace(
        "name: 李小一,", "name: 李小一, id_number: '53032320100305123X',").replace(
        "name: 王小二,", "name: 王小二, id_number: '530323201105200000',")
    _, warnings = check(write_tree(tmp_path, {"school.yaml": text}))
    messages = [w.message for w in warnings]
    assert any("校验位不对" in m and "530323201105200000" in m for m in messages)
    assert not any("53032320100305123X" in m for m in messages)


def test_strict_check_fails(runner):
    result = runner.invoke(main, ["check", str(EXAMPLES / "扯乐完小"), "--strict"])
    assert result.exit_code == 1
    assert "合计 50 人" in result.output


def test_check_passes_on_consistent_project(runner, minimal):
    result = runner.invoke(main, ["check", str(minimal)])
    assert result.exit_code == 0 and "资料完整，数字一致" in result.output
