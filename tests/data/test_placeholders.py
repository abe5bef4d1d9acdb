"""An untouched `fupin-docs init` project never passes: every placeholder line of the starter
files is a located error with a fix; filled in, the project passes; no bundled project holds a
placeholder. data.placeholders.PLACEHOLDERS and templates/init are held to each other here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from fupin_docs.cli import main
from fupin_docs.commands.init import write_skeleton
from fupin_docs.data.placeholders import PLACEHOLDERS, _values
from fupin_docs.data.project import read_project
from fupin_docs.data.resources import builtin_dir
from fupin_docs.i18n import set_lang
from tests.helpers import EXAMPLES, STRESS

STARTER = builtin_dir() / "init"
WORDS = {word for p in PLACEHOLDERS for word in (*p.holds, *p.equals)}


@pytest.fixture(autouse=True)
def chinese():
    set_lang("zh")
    yield
    set_lang(None)


def placeholder_lines() -> set[tuple[str, int]]:
    """Return (file, line) of every line of the starter files that holds a placeholder."""
    found = set()
    for path in sorted(STARTER.glob("*.yaml")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            value = re.sub(r"\s#.*$", "", line) if not line.lstrip().startswith("#") else ""
            if any(word in value for word in WORDS):
                found.add((path.name, number))
    return found


def fill_in(project: Path) -> None:
    """Replace every placeholder as a secretary would."""
    for path in project.glob("*.yaml"):
        text = path.read_text("utf-8")
        text = text.replace("某某", "青山").replace("张老师", "张明华").replace("王老师", "王建国")
        text = re.sub(r"……（在这里写.*?）", "。", text)
        path.write_text(text, "utf-8")


def test_the_starter_files_have_placeholders_on_many_lines():
    lines = placeholder_lines()
    assert {file for file, _ in lines} == {"school.yaml", "teachers.yaml", "households.yaml"}
    assert len(lines) >= 12


def test_each_placeholder_entry_is_found_where_it_says_in_the_starter_files():
    data: dict = {}
    for path in STARTER.glob("*.yaml"):
        data.update(yaml.safe_load(path.read_text("utf-8")))
    for placeholder in PLACEHOLDERS:
        found = [value for _, value in _values(data, placeholder.path)
                 if isinstance(value, str) and placeholder.matches(value)]
        assert found, placeholder


def test_an_untouched_project_fails_check_at_every_placeholder_line(tmp_path):
    project = tmp_path / "新学校"
    write_skeleton(project)
    errors = read_project(project).errors
    assert {(e.where.file, e.where.line) for e in errors} == placeholder_lines()
    for error in errors:
        assert "示例中的占位文字" in error.message and error.hint, error.format()
    school = next(e for e in errors if (e.where.file, e.where.line) == ("school.yaml", 9))
    assert school.format().startswith(
        "错误：school.yaml 第9行第9列：学校全称“某某县某某镇某某完全小学”")
    assert school.hint.startswith("请填写学校的真实名称")

    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(project)])
    assert checked.exit_code == 1, checked.output
    assert "资料完整" not in checked.output and "请填写学校的真实名称" in checked.output
    assert f"共 {len(errors)} 处错误" in checked.output
    out = tmp_path / "out"
    built = runner.invoke(main, ["build", str(project), "-o", str(out), "--only", "report"])
    assert built.exit_code == 1 and not out.exists(), built.output


def test_a_filled_in_project_passes(tmp_path):
    project = tmp_path / "新学校"
    write_skeleton(project)
    fill_in(project)
    checked = CliRunner().invoke(main, ["check", str(project)])
    assert checked.exit_code == 0, checked.output
    assert "青山县青山镇青山完全小学：资料完整" in checked.output


def test_a_placeholder_in_a_roster_is_found_at_its_cell(tmp_path):
    project = tmp_path / "p"
    write_skeleton(project)
    fill_in(project)
    (project / "花名册.csv").write_text(
        "户编号,户主姓名,所在村/连队,子女姓名,性别,学段\nR01,赵某某,上村,赵小一,男,小学\n", "utf-8")
    with open(project / "school.yaml", "a", encoding="utf-8") as f:
        f.write("roster: 花名册.csv\n")
    [error] = read_project(project).errors
    assert (error.where.file, error.where.line, error.where.header) == ("花名册.csv", 2, "户主姓名")
    assert error.message.startswith("第3户（R01 赵某某）的户主姓名“赵某某”是示例中的占位文字")


@pytest.mark.parametrize("project", [EXAMPLES / "扯乐完小", EXAMPLES / "九十一团学校", STRESS],
                         ids=lambda p: p.name)
def test_bundled_projects_hold_no_placeholder(project):
    loaded = read_project(project)
    assert loaded.errors == [], [p.format() for p in loaded.errors]
