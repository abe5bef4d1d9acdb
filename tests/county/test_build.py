"""A county's build: a school with errors stops it (nothing written) or, with --skip-invalid,
is left out and named; schools are confined to the county's roots; each school builds as it
does alone, under the county's pack unless it names its own; the command line."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fupin_docs.cli import main
from fupin_docs.county.build import CountyOptions, build_county, check_county_project
from fupin_docs.county.model import read_county
from fupin_docs.county.sheets import Sheet, workbook
from fupin_docs.errors import DataError, UsageError
from tests.county.helpers import COUNTY_HEAD, child, county, household, school
from tests.helpers import EXAMPLES, tree_snapshot


def small(tmp_path: Path, county_yaml: str = COUNTY_HEAD, bad: bool = False) -> Path:
    """Return a county of two small schools; with `bad`, 乙小学 has an error (grade 22)."""
    grade = 22 if bad else 2
    return county(tmp_path / "县", {
        "甲小学": school("甲小学", "甲小学", [household("H01", "李大", "上村",
                                                   [child("李一", "2009-01-01")])]),
        "乙小学": school("乙小学", "乙小学", [household("H01", "王大", "上村",
                                                   [child("王一", "2010-06-01", grade=grade)])]),
    }, county_yaml + "schools: [甲小学, 乙小学]\n")


def test_a_school_with_errors_stops_the_county_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_county(small(tmp_path / "ok"), CountyOptions(out_dir=out, jobs=1))
    before = tree_snapshot(out)
    with pytest.raises(DataError) as info:
        build_county(small(tmp_path / "bad", bad=True), CountyOptions(out_dir=out, jobs=2))
    problems = info.value.problems
    grade = next(p for p in problems if p.where is not None)
    # the school's own message, at its own file and line, named from the county's folder
    assert grade.where.file == "乙小学/school.yaml" and grade.where.line == 18
    assert "年级“22”" in grade.message
    assert any("乙小学" in p.message and "--skip-invalid" in (p.hint or "") for p in problems)
    assert tree_snapshot(out) == before  # the previous output untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "ok", "out"]  # no staging


def test_skip_invalid_leaves_the_school_out_and_names_it(tmp_path: Path, runner: CliRunner
                                                         ) -> None:
    root = small(tmp_path, bad=True)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(root), "-o", str(out), "--skip-invalid",
                                  "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "未纳入汇总的学校（1 所）：乙小学" in result.output
    assert "乙小学/school.yaml 第18行" in result.output  # its problem, still shown
    report = (out / "县教育扶贫工作汇报" / "县教育扶贫工作汇报.txt").read_text("utf-8")
    assert "学校1所" in report and "另有1所学校资料有误，未纳入本次汇总：乙小学" in report
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["skipped"] == ["乙小学"] and manifest["schools"] == ["甲小学"]
    assert sorted(p.name for p in (out / "县公示名单").iterdir()) == ["甲小学.docx",
                                                                   "甲小学.txt"]
    # check lists the errors and fails
    checked = runner.invoke(main, ["check", str(root)])
    assert checked.exit_code == 1 and "乙小学/school.yaml 第18行" in checked.output


def test_a_school_outside_the_county_needs_a_root_the_county_names(tmp_path: Path) -> None:
    shared = tmp_path / "共享"
    county(shared, {"丙小学": school("丙小学", "丙小学", [household(
        "H01", "赵大", "上村", [child("赵一", "2009-01-01")])])})
    (shared / "county.yaml").unlink()
    root = small(tmp_path, COUNTY_HEAD + "schools: [甲小学, ../共享/丙小学]\n")
    text = (root / "county.yaml").read_text("utf-8").replace("schools: [甲小学, 乙小学]\n", "")
    (root / "county.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_county(root)
    [problem] = info.value.problems
    assert problem.where is not None and problem.where.file == "county.yaml"
    assert "项目文件夹之外" in problem.message and "roots" in (problem.hint or "")
    (root / "county.yaml").write_text(text + "roots: [../共享]\n", encoding="utf-8")
    assert [s.key for s in read_county(root).schools] == ["甲小学", "../共享/丙小学"]
    # a link out of the county is refused the same way
    (root / "链接").symlink_to(shared / "丙小学")
    (root / "county.yaml").write_text(text.replace("../共享/丙小学", "链接"), encoding="utf-8")
    with pytest.raises(DataError):
        read_county(root)


def test_listed_schools_are_checked_where_county_yaml_names_them(tmp_path: Path) -> None:
    root = small(tmp_path, COUNTY_HEAD + "schools: [甲小学, 乙小校, 甲小学]\n")
    text = (root / "county.yaml").read_text("utf-8").replace("schools: [甲小学, 乙小学]\n", "")
    (root / "county.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_county(root)
    messages = {p.message: p for p in info.value.problems}
    missing = next(p for m, p in messages.items() if "学校文件夹不存在：乙小校" in m)
    assert "乙小学" in (missing.hint or "") and missing.where is not None
    twice = next(p for m, p in messages.items() if "写了两次" in m)
    assert twice.also is not None and twice.where is not None
    assert twice.also.column != twice.where.column


def test_schools_use_the_county_pack_unless_they_name_their_own(tmp_path: Path) -> None:
    packs = shutil.copytree(EXAMPLES / "packs", tmp_path / "packs")
    root = small(tmp_path, COUNTY_HEAD.replace("county:", "pack: 云南省\ncounty:"))
    own = root / "乙小学" / "school.yaml"
    own.write_text(own.read_text("utf-8") + f"pack: {packs / '第五师'}\n", encoding="utf-8")
    cf, _ = check_county_project(root, jobs=1)
    tables = {s.short_name: s.policy_name for s in cf.schools}
    assert "云南省" in tables["甲小学"] and "云南省" not in tables["乙小学"]
    assert "云南省" in cf.policy.name  # the county's own table orders the categories


def test_schools_build_their_own_documents_as_alone(tmp_path: Path) -> None:
    root = small(tmp_path)
    result = build_county(root, CountyOptions(out_dir=tmp_path / "out", jobs=2, schools=True))
    alone = tmp_path / "alone"
    from fupin_docs.output.build import BuildOptions, build

    mine = build(root / "甲小学", BuildOptions(out_dir=alone))
    inside = {rel.removeprefix("各校/甲小学/"): digest for rel, digest in result.files.items()
              if rel.startswith("各校/甲小学/")}
    assert {rel: inside[rel] for rel in mine.files} == mine.files  # as alone, byte for byte
    assert "manifest.json" in inside  # the school's own output, signed as it signs it alone
    assert (tmp_path / "out" / "各校" / "乙小学" / "汇报材料" / "汇报材料.docx").is_file()
    # and the county output may be built again over itself
    build_county(root, CountyOptions(out_dir=tmp_path / "out", jobs=1, schools=True))


def test_the_command_line_knows_a_county(tmp_path: Path, runner: CliRunner) -> None:
    root = small(tmp_path)
    out = tmp_path / "out"
    done = runner.invoke(main, ["build", str(root), "-o", str(out), "--only", "county_report",
                                "-j", "1"])
    assert done.exit_code == 0, done.output
    assert "已汇总 2 所学校" in done.output
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "县教育扶贫工作汇报"]
    checked = runner.invoke(main, ["check", str(root / "county.yaml")])
    assert checked.exit_code == 0 and "测试县（2 所学校）" in checked.output
    # a school's kind needs --schools; --schools needs a county
    assert runner.invoke(main, ["build", str(root), "-o", str(out), "--only",
                                "report"]).exit_code == 2
    assert runner.invoke(main, ["build", str(root / "甲小学"), "-o", str(tmp_path / "s"),
                                "--schools"]).exit_code == 2
    with pytest.raises(UsageError):
        build_county(root, CountyOptions(out_dir=out, only=("notice",)))


def test_big_sheets_keep_text_as_text_and_print_one_page_wide() -> None:
    data = workbook([Sheet("明细", [("序号", 6), ("姓名", 10), ("金额", 12)], "标题", "页脚",
                           [(1, "=HYPERLINK(\"http://x\")", 1000), (2, "a\x01b", None),
                            (3, " 空格 ", 5)], money_col=3, totals=[(None, "合计", 1005)])])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["明细"]
    formula = sheet["B3"]
    assert formula.value == "=HYPERLINK(\"http://x\")" and formula.data_type == "s"
    assert formula.quotePrefix
    assert sheet["B4"].value == "a_x0001_b" and sheet["B5"].value == " 空格 "
    assert sheet["C3"].number_format == "#,##0.00" and sheet["B6"].value == "合计"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows.replace("$", "") == "2:2" and sheet.auto_filter.ref == "A2:C5"
    assert sheet.max_row == 6


def test_county_yaml_errors_are_located(tmp_path: Path, runner: CliRunner) -> None:
    root = small(tmp_path, "county:\n  name: 测试县\n  reprot_date: 2018-07-20\n")
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "county.yaml 第3行" in result.output and "reprot_date" in result.output
    english = runner.invoke(main, ["--lang", "en", "build", str(root), "-o",
                                   str(tmp_path / "out")])
    assert english.exit_code == 1 and "unknown key" in english.output
    assert not (tmp_path / "out").exists()


def test_a_county_whose_every_school_has_errors_writes_nothing(tmp_path: Path) -> None:
    root = small(tmp_path, bad=True)
    (root / "county.yaml").write_text(COUNTY_HEAD + "schools: [乙小学]\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        build_county(root, CountyOptions(out_dir=tmp_path / "out", jobs=1, skip_invalid=True))
    assert "没有一所学校的资料可以汇总" in info.value.message
    assert not (tmp_path / "out").exists()
