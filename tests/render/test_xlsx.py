"""Workbooks hold the data's text as text: a name never becomes a formula or an error value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from fupin_docs.output.build import BuildOptions, build
from fupin_docs.render.xlsx import FORMULA_START, text_cells, workbook_bytes
from tests.helpers import MINIMAL, write_tree

#: names that a spreadsheet would run or read as something other than text
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1+2", "#N/A",
           "=cmd|' /C calc'!A0"]


def _hostile_project(root: Path) -> Path:
    """Return a project whose heads, pupils and school name are HOSTILE (all pupils here)."""
    text = MINIMAL["school.yaml"].replace("short_name: 测试小学", 'short_name: "=1+1&B测试小学"')
    text = text.replace("head: 李大", "head: '=HYPERLINK(\"http://x\",\"y\")'")
    text = text.replace("head: 王二", "head: \"@SUM(A1)\"")
    text = text.replace("{name: 李小一,", "{name: \"+1+1\",")
    text = text.replace("{name: 王小二,", "{name: \"-2\",")
    text += ("      - {name: \"\\t=1+2\", gender: 男, stage: 小学, grade: 3}\n"
             "      - {name: \"#N/A\", gender: 女, stage: 小学, grade: 4}\n"
             "      - {name: \"=cmd|' /C calc'!A0\", gender: 女, stage: 小学, grade: 5}\n")
    return write_tree(root, {"school.yaml": text})


def _cells(path: Path) -> list:
    """Return every cell written in the workbook at `path`, read back as it is stored."""
    book = openpyxl.load_workbook(path)  # not data_only: a formula would come back as one
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def test_hostile_names_reach_both_workbooks_as_exact_text(tmp_path):
    project = _hostile_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, BuildOptions(out_dir=out, only=("public", "ledger"), jobs=1))
    for rel, sheets in (("公示名单/公示名单.xlsx", 1), ("资助台账/资助台账.xlsx", 2)):
        path = out / rel
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            assert len(parts) == sheets
            for name in parts:
                xml = z.read(name).decode("utf-8")
                assert not re.search(r"<f[ >/]", xml), f"a formula in {rel} {name}"
                assert 't="e"' not in xml, f"an error value in {rel} {name}"
                assert 'HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)' in xml or \
                    'HYPERLINK("http://x","y")' in xml
        cells = _cells(path)
        assert all(c.data_type != "f" for c in cells), rel
        values = [c.value for c in cells]
        for name in HOSTILE:
            assert name in values, f"{name!r} not in {rel}"
        for cell in cells:
            if isinstance(cell.value, str) and cell.value in HOSTILE:
                assert cell.data_type == "s", (rel, cell.coordinate, cell.value)
                assert cell.quotePrefix == cell.value.startswith(FORMULA_START), cell.value
        # the school's name is the title: text too; in the page header its & is printed
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            title = ws.cell(1, 1)
            assert title.data_type == "s" and title.value.startswith("=1+1&B测试小学")
            assert ws.oddHeader.center.text.startswith("=1+1&&B测试小学")


def test_public_list_rows_hold_the_names_in_their_columns(tmp_path):
    project = _hostile_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, BuildOptions(out_dir=out, only=("public",), jobs=1))
    ws = openpyxl.load_workbook(out / "公示名单" / "公示名单.xlsx").active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_col=4)]
    assert [r[2:4] for r in rows if isinstance(r[0], int)] == [
        ['=HYPERLINK("http://x","y")', "+1+1"], ["@SUM(A1)", "-2"], ["@SUM(A1)", "\t=1+2"],
        ["@SUM(A1)", "#N/A"], ["@SUM(A1)", "=cmd|' /C calc'!A0"]]


def test_any_workbook_written_through_workbook_bytes_holds_text_as_text():
    wb = Workbook()
    ws = wb.active
    ws.append(["=1+1", "#DIV/0!", "+x", "普通", 5, None])
    ws.cell(3, 3).value = "=SUM(A1:A2)"
    data = workbook_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and 't="e"' not in xml
    back = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [back.cell(1, i).value for i in range(1, 6)] == ["=1+1", "#DIV/0!", "+x", "普通", 5]
    assert back.cell(3, 3).value == "=SUM(A1:A2)" and back.cell(3, 3).data_type == "s"
    assert back.cell(1, 5).data_type == "n"
    assert not back.cell(1, 4).quotePrefix and back.cell(1, 1).quotePrefix


def test_text_cells_adds_no_cells():
    wb = Workbook()
    ws = wb.active
    ws["C5"] = "=1"
    text_cells(wb)
    assert [c.coordinate for row in ws.iter_rows(min_row=5, min_col=3) for c in row] == ["C5"]
    assert len(ws._cells) == 1
