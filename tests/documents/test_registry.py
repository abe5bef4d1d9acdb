"""The registry: a new kind is one declaration plus a text template, and everything loops."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from fupin_docs.cli import main
from fupin_docs.data.model import Household
from fupin_docs.documents.registry import (
    Audience,
    Document,
    Scope,
    kind,
    kinds,
    register,
    select,
    unregister,
)
from fupin_docs.errors import UsageError
from fupin_docs.facts.facts import Facts
from fupin_docs.gongwen.from_text import from_text
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import ROOT

VISIT_TXT = """\
{#- 家访记录（每户一份）。 -#}
{#@title#}{{ school.short_name }}家访记录
{#@flush#}户主：{{ head }}（{{ unit }}）
　　结对教师{{ teacher }}于本学期到户走访，子女{{ children | join_cn }}。
"""


def visit_context(facts: Facts, household: Household | None) -> dict[str, Any]:
    """Return the data of one home-visit record."""
    assert household is not None
    teacher = facts.stats.household_teacher.get(household.id)
    units = {u.id: u.name for u in facts.project.units}
    return {"school": {"short_name": facts.project.school.display_name},
            "head": household.head, "unit": units[household.unit],
            "teacher": teacher.name if teacher else "（未安排）",
            "children": [c.name for c in household.children]}


def roll_context(facts: Facts, household: Household | None) -> dict[str, Any]:
    """Return the data of a one-per-school signing sheet."""
    return {"count": len(facts.project.households)}


def roll_xlsx(facts: Facts, ctx: Any) -> bytes:
    """Return a one-sheet workbook listing every household head."""
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    wb = Workbook()
    sheet = xlsx.new_sheet(wb, "签领表", [("户主", 10), ("签字", 20)], "签领表", "测试",
                           first=True)
    for h in facts.project.households:
        sheet.append([h.head, ""])
    return xlsx.workbook_bytes(wb)


@pytest.fixture
def visit_kind() -> Iterator[Document]:
    """Register a home-visit kind (one per household) for one test."""
    new = register(Document(key="visit", label="家访记录", template="visit",
                            scope=Scope.household, audience=Audience.home,
                            context=visit_context))
    yield new
    unregister("visit")


@pytest.fixture
def roll_kind() -> Iterator[Document]:
    """Register a signing-sheet kind (one per school, a workbook only) for one test."""
    new = register(Document(key="roll", label="签领表", template=None, scope=Scope.school,
                            audience=Audience.internal, context=roll_context,
                            formats=("xlsx",), workbook=roll_xlsx))
    yield new
    unregister("roll")


def with_visit_templates(project: Path) -> Path:
    """Put the kind's text template, and the Word template made from it, into `project`."""
    (project / "templates" / "text").mkdir(parents=True)
    (project / "templates" / "docx").mkdir(parents=True)
    (project / "templates" / "text" / "visit.txt").write_text(VISIT_TXT, encoding="utf-8")
    (project / "templates" / "docx" / "visit.docx").write_bytes(from_text(VISIT_TXT))
    return project


def test_builtin_kinds_in_build_order():
    assert [k.key for k in kinds()] == ["report", "letter", "notice", "card", "duty", "public",
                                        "ledger", "dropout", "persuasion", "county_report",
                                        "county_ledger", "county_public", "county_teachers",
                                        "county_dropout"]
    assert [k.key for k in kinds(Scope.child)] == ["persuasion"]
    assert [k.key for k in kinds(Scope.household)] == ["letter", "notice", "card"]
    assert [k.key for k in kinds(Scope.county)] == ["county_report", "county_ledger",
                                                    "county_public", "county_teachers",
                                                    "county_dropout"]
    assert {k.key for k in kinds() if k.gongwen} == {"report", "letter", "county_report"}
    # a school's build makes no county kind, and a county kind is no school's --only
    assert all(k.scope is not Scope.county for k in select())
    assert kind("ledger").formats == ("xlsx",) and kind("public").formats[-1] == "xlsx"


def test_select_keeps_registry_order_and_refuses_unknown_names():
    assert [k.key for k in select(("ledger", "report"))] == ["report", "ledger"]
    with pytest.raises(UsageError) as info:
        select(("report", "memo"))
    assert info.value.exit_code == 2 and "memo" in info.value.message
    with pytest.raises(UsageError):
        select(("county_report",))


def test_a_new_household_kind_builds_without_touching_build_batch_or_cli(
        visit_kind, example, tmp_path, runner):
    project = with_visit_templates(example("九十一团学校"))  # 105 households: the pool runs
    out = tmp_path / "out"
    result = build(project, BuildOptions(out_dir=out, only=("visit", "notice"), jobs=2))
    visits = sorted(rel for rel in result.files if rel.startswith("家访记录/"))
    singles = [rel for rel in visits if "/合并打印/" not in rel]
    households = len(list((out / "政策告知单").glob("*.docx")))
    assert len(singles) == 2 * households and households > 50
    assert any(rel.startswith("家访记录/合并打印/") for rel in visits)
    first = sorted(p for p in (out / "家访记录").glob("*.docx"))[0]
    text = "\n".join(p.text for p in docx.Document(str(first)).paragraphs)
    head = first.stem.split("_")[2]
    assert f"户主：{head}（" in text and "结对教师" in text and "{{" not in text
    txt = (out / "家访记录" / f"{first.stem}.txt").read_text("utf-8")
    assert txt.splitlines()[0].endswith("家访记录") and f"户主：{head}（" in txt
    # the command line knows the new kind through the registry alone
    cli = runner.invoke(main, ["build", str(project), "-o", str(tmp_path / "cli"),
                               "--only", "visit"])
    assert cli.exit_code == 0, cli.output
    assert (tmp_path / "cli" / "家访记录" / "合并打印").is_dir()


def test_a_new_school_kind_with_a_workbook_only(roll_kind, minimal, tmp_path):
    result = build(minimal, BuildOptions(out_dir=tmp_path / "out", only=("roll",)))
    assert list(result.files) == ["签领表/签领表.xlsx"]
    sheet = openpyxl.load_workbook(tmp_path / "out" / "签领表" / "签领表.xlsx").active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["李大", "王二"]


def test_build_and_batch_name_no_kind():
    keys = [k.key for k in kinds()]
    for rel in ("fupin_docs/output/build.py", "fupin_docs/output/batch.py"):
        source = (ROOT / rel).read_text("utf-8")
        named = [k for k in keys if re.search(rf"""["']{k}["']""", source)]
        assert not named, f"{rel} names kinds {named}: they belong in the registry"
    cli = (ROOT / "fupin_docs" / "cli.py").read_text("utf-8")
    assert not re.search(r"""if .*["'](report|letter|notice|card|duty|public|ledger)["']""", cli)


def test_kinds_sharing_template_data_must_share_their_audience():
    from fupin_docs.documents.household import household_context

    with pytest.raises(ValueError, match="share their template data"):
        register(Document(key="poster", label="张贴", template="poster", scope=Scope.household,
                          audience=Audience.public, context=household_context))
    assert "poster" not in [k.key for k in kinds()]


def test_verbose_build_logs_its_steps(runner, minimal, tmp_path):
    result = runner.invoke(main, ["-v", "build", str(minimal), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for step in ("读取资料：school.yaml（2 户）", "资助政策表：builtin", "模板查找顺序：",
                 "汇报材料：Word 模板", "每户文件：2 户", "用时"):
        assert step in result.output, step
