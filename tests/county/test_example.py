"""The example county (清溪县) built, and every county document read back: each total is the sum
of what the schools' own documents say, each school built alone."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from fupin_docs.cnformat import wan
from fupin_docs.county.build import CountyOptions, build_county
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES, docx_texts, plain

COUNTY = EXAMPLES / "清溪县"
SCHOOLS = ("城关小学", "石桥中学", "河口小学")
FULL = {"城关小学": "清溪县城关镇中心小学", "石桥中学": "清溪县石桥镇中学",
        "河口小学": "清溪县河口乡小学"}
SHORT = {full: short for short, full in FULL.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Return the county built, and each school built alone (its ledger, lists and tables)."""
    root = tmp_path_factory.mktemp("county")
    result = build_county(COUNTY, CountyOptions(out_dir=root / "county", jobs=1))
    schools = {}
    for name in SCHOOLS:
        out = root / name
        build(COUNTY / name, BuildOptions(out_dir=out, only=("ledger", "public", "dropout",
                                                             "duty"),
                                          default_pack=str(EXAMPLES / "packs" / "云南省")))
        schools[name] = out
    return {"out": root / "county", "result": result, "schools": schools}


def rows(book: Path, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """Return the rows under a sheet's header (row 2)."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet] if sheet else wb.active
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]


def school_ledger(out: Path) -> dict[str, Any]:
    """Return what a school's own ledger says of its own pupils: per item (人次, amount), and
    its 其中本校学生 subtotal."""
    items: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    own = None
    for r in rows(out / "资助台账" / "资助台账.xlsx", "资助明细"):
        if r[12] == "其中本校学生":
            own = Decimal(str(r[13]))
        elif r[0] is not None and r[8] == "本校" and r[10] != "（无适用项目）":
            items[r[10]][0] += 1
            items[r[10]][1] += Decimal(str(r[13]))
    return {"items": dict(items), "own": own}


def test_the_ledger_adds_up_the_schools_own_ledgers(built: dict[str, Any]) -> None:
    ledgers = {name: school_ledger(out) for name, out in built["schools"].items()}
    book = built["out"] / "县资助台账" / "县资助台账.xlsx"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:2] == ["资助汇总", "各校汇总"]
    summary = rows(book, "资助汇总")
    by_item = {r[1]: r for r in summary if r[0] is not None}
    expected: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for ledger in ledgers.values():
        for item, (times, amount) in ledger["items"].items():
            expected[item][0] += times
            expected[item][1] += amount
    assert set(by_item) == set(expected)
    for item, (times, amount) in expected.items():
        assert by_item[item][3] == times and Decimal(str(by_item[item][5])) == amount, item
        # the item's own sheet: one line per 人次, its total the same
        lines = rows(book, item[:31])
        body = [r for r in lines if r[0] is not None]
        assert len(body) == times, item
        assert sum(Decimal(str(r[10])) for r in body) == amount
        assert lines[-1][8] == "合计" and Decimal(str(lines[-1][10])) == amount
    total = next(r for r in summary if r[1] == "合计（不含贷款）")
    assert Decimal(str(total[5])) == sum(lg["own"] for lg in ledgers.values())
    assert Decimal(str(total[6])) == Decimal(wan(Decimal(str(total[5])), 4))
    per_school = {r[1]: r for r in rows(book, "各校汇总") if r[0] is not None}
    for name, ledger in ledgers.items():
        assert Decimal(str(per_school[FULL[name]][4])) == ledger["own"], name


def test_the_report_states_the_schools_sums(built: dict[str, Any]) -> None:
    ledgers = {name: school_ledger(out) for name, out in built["schools"].items()}
    total = sum(lg["own"] for lg in ledgers.values())
    report = built["out"] / "县教育扶贫工作汇报"
    text = (report / "县教育扶贫工作汇报.txt").read_text("utf-8")
    word = "\n".join(docx_texts(report / "县教育扶贫工作汇报.docx"))
    pupils = sum(len([r for r in rows(out / "公示名单" / "公示名单.xlsx") if r[0] is not None
                      and isinstance(r[0], int)]) for out in built["schools"].values())
    for page in (text, word):
        assert f"每学年资助金额{wan(total, 4)}万元" in page
        assert f"在校建档立卡学生{pupils}人" in page
        assert "学校3所" in page and "县外就读的建档立卡学生1人" in page
        # aid by item of the policy table, in 万元 with 人次
        assert "农村义务教育学生营养改善计划1.12万元、14人次" in page
        assert "尚有1人未入学" in page and "{{" not in page
    # the table of schools: a row per school, then the county's
    table = docx.Document(str(report / "县教育扶贫工作汇报.docx")).tables[0]
    cells = [[plain(c.text) for c in r.cells] for r in table.rows]
    assert cells[0] == ["序号", "学校", "学生", "户数", "结对教师", "资助金额", "控辍保学"]
    assert [r[1] for r in cells[1:]] == [*SCHOOLS, "合计"]
    for row, name in zip(cells[1:], SCHOOLS):
        assert row[5] == f"{wan(ledgers[name]['own'], 4)}万元"
    assert cells[-1][5] == f"{wan(total, 4)}万元" and cells[1][6] == "未入学1人"


def test_each_school_public_list_is_the_schools_own(built: dict[str, Any]) -> None:
    for name, out in built["schools"].items():
        own = [r for r in rows(out / "公示名单" / "公示名单.xlsx") if isinstance(r[0], int)]
        county = docx.Document(str(built["out"] / "县公示名单" / f"{name}.docx"))
        body = [[plain(c.text) for c in r.cells] for r in county.tables[0].rows[1:]]
        assert [r[3] for r in body] == [r[3] for r in own]  # the same pupils, in order
        assert [r[5] for r in body] == [r[5] for r in own]  # IDs masked alike
        assert all("*" in r[5] for r in body)
        total = school_ledger(out)["own"]
        text = (built["out"] / "县公示名单" / f"{name}.txt").read_text("utf-8")
        assert f"合计：{len(own)}人，每学年{total:.0f}元" in text.replace(".00元", "元")
        assert "清溪县学生资助中心" in text


def test_the_teachers_database_holds_every_teacher_with_their_pairings(
        built: dict[str, Any]) -> None:
    book = built["out"] / "教师教育扶贫信息库" / "教师教育扶贫信息库.xlsx"
    lines = [r for r in rows(book, "教师") if isinstance(r[0], int)]
    duty = {name: [r for r in docx_texts(out / "责任一览表" / "责任一览表.docx")]
            for name, out in built["schools"].items()}
    assert len(lines) == 9
    assert {r[5] for r in lines} == {"一师一村", "一师一户", "一师N生"}
    for r in lines:
        if r[5] != "未结对":  # every paired teacher is on the school's 责任一览表
            assert r[2] in duty[SHORT[r[1]]], r
    assert ("杨正明", "联挂东门村") in {(r[2], r[6]) for r in lines}
    per_school = [r for r in rows(book, "各校汇总")]
    assert per_school[-1][1] == "合计" and per_school[-1][2] == 9


def test_the_dropout_ledger_counts_as_the_schools_do(built: dict[str, Any]) -> None:
    book = built["out"] / "县控辍保学台账" / "县控辍保学台账.xlsx"
    counts = {r[1]: r for r in rows(book, "各校汇总")}
    for name, out in built["schools"].items():
        own = [r for r in rows(out / "控辍保学台账" / "控辍保学台账.xlsx", "按村汇总")
               if r[1] == "合计"][0]
        assert counts[name][2:7] == own[2:7], name
    county = counts["全县（每人只计一次）"]
    assert county[2:7] == (16, 13, 2, 0, 1)
    missing = rows(book, "未入学")
    assert [(r[1], r[5]) for r in missing] == [("城关小学", "张雨欣")]
    checked = {r[4]: r[8] for r in rows(book, "外校就读核对")}
    assert checked["王小军"] == "在石桥中学名单中" and checked["赵宇航"] == "县外就读"
    assert checked["陈浩然"] == "全县各校名单中都没有（待核实）"
    word = "\n".join(docx_texts(built["out"] / "县控辍保学台账" / "县控辍保学台账.docx"))
    assert "张雨欣" in word and "全县各校名单中都没有（待核实）" in word


def test_the_example_warns_of_what_it_was_written_to_show(built: dict[str, Any]) -> None:
    messages = [w.message for w in built["result"].warnings]
    assert any("同一学生李婷" in m and "城关小学、河口小学" in m for m in messages)
    assert any("陈浩然" in m and "清溪县第二中学" in m for m in messages)
    assert sum("由两所学校的教师结对帮扶" in m for m in messages) == 2
    # the stated figures (新干-style total and parts) add up and match the schools: no warning
    assert not any(w.where is not None and w.where.file == "county.yaml"
                   for w in built["result"].warnings)


def test_parallel_and_serial_builds_are_byte_identical(built: dict[str, Any],
                                                       tmp_path: Path) -> None:
    again = build_county(COUNTY, CountyOptions(out_dir=tmp_path / "par", jobs=2))
    assert again.files == built["result"].files


def test_the_county_report_is_a_proper_gongwen(built: dict[str, Any]) -> None:
    from fupin_docs.gongwen.lint import lint_docx

    report = built["out"] / "县教育扶贫工作汇报" / "县教育扶贫工作汇报.docx"
    assert lint_docx(report) == []


def test_preview_of_a_county_shows_every_county_kind(tmp_path: Path) -> None:
    import re

    from click.testing import CliRunner

    from fupin_docs.cli import main
    from fupin_docs.documents.registry import Scope, kinds
    from tests.helpers import require_tool

    require_tool("soffice", "fonts", "pdftoppm")
    result = CliRunner().invoke(main, ["preview", str(COUNTY), "-o", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "p" / "index.html").read_text("utf-8")
    for doc in kinds(Scope.county):
        assert f"<h2>{doc.label}<small>" in html, doc.label
    assert "城关小学.docx" in html  # the first school's list
    assert len(re.findall(r'<img src="', html)) >= len(kinds(Scope.county))
