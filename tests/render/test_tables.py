"""The fast road past docxtpl's fix_tables gives exactly the bytes of the parse it replaces."""

from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest
from lxml import etree

from fupin_docs.output.build import BuildOptions, build
from fupin_docs.render import docx as compiled_docx
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env
from fupin_docs.render.tables import as_lxml_writes, grid_fixed_by_rows
from tests.helpers import EXAMPLES, tree_snapshot

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT_OPEN = f'<w:document xmlns:w="{W_NS}"><w:body>'
ROOT_CLOSE = "</w:body></w:document>"


def lxml_writes(body: str) -> str:
    """Return `body` parsed and written again by lxml, the way fix_tables does it."""
    tree = etree.fromstring((ROOT_OPEN + body + ROOT_CLOSE).encode("utf-8"),
                            etree.XMLParser(recover=True))
    text = etree.tostring(tree, encoding="unicode")
    return text[text.index("<w:body>") + len("<w:body>"): text.rindex("</w:body>")]


TEXTS = ["", " ", "张三", "a&amp;b", "1&lt;2", "3&gt;2", "&#34;引号&#34;", "it&#39;s", "a  b",
         "x = y", "是 / 否", "a\nb", "tab\there", "\x01", "&#x4e2d;", "&quot;", "𠮷", "\u2060",
         "1 >", "==", "a='b'"]
ATTRS = ["", ' w:val="1"', ' w:val=""', ' xml:space="preserve"', ' w:val="a b"',
         ' w:val="&amp;"', ' w:val="&#34;"', ' w:val="x" w:w="2"', '  w:val="1"', ' w:val="1" ',
         " w:val='1'", ' w:val="&gt;"']


def random_body(rng: random.Random) -> str:
    """Return a random piece of body XML: paragraphs, runs, texts, tables, empty elements."""
    def element(depth: int) -> str:
        choice = rng.random()
        if depth > 3 or choice < 0.3:
            return f"<w:t{rng.choice(ATTRS)}>{rng.choice(TEXTS)}</w:t>"
        if choice < 0.4:
            return f"<w:b{rng.choice(ATTRS)}/>"
        if choice < 0.5:
            return f"<w:r{rng.choice(ATTRS)}></w:r>"
        if choice < 0.6:
            rows = "".join(f"<w:tr><w:tc>{element(depth + 1)}</w:tc></w:tr>"
                           for _ in range(rng.randrange(0, 3)))
            return f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>{rows}</w:tbl>"
        tag = rng.choice(["w:p", "w:r", "w:tc"])
        inner = "".join(element(depth + 1) for _ in range(rng.randrange(0, 3)))
        return f"<{tag}{rng.choice(ATTRS)}>{inner}</{tag}>"
    return "".join(element(0) for _ in range(rng.randrange(1, 4)))


def test_the_string_passes_write_what_lxml_writes() -> None:
    rng = random.Random(9704)
    fast = 0
    for _ in range(3000):
        body = random_body(rng)
        written = as_lxml_writes(body)
        if written is not None:
            fast += 1
            assert written == lxml_writes(body), body
    assert fast > 300  # the ordinary cases do take the fast road


@pytest.mark.parametrize("body", [
    "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid></w:tbl>",  # a table left without rows
    "<w:tbl><w:tblGrid/><w:tr><w:tc><w:tbl><w:tr/></w:tbl></w:tc></w:tr></w:tbl>",  # nested
    '<w:p xmlns:a="urn:a"><a:b></a:b></w:p>',
    "<w:p><!-- note --></w:p>",
    "<w:t>&#34;</w:t>",
    "<w:t>a\r\nb</w:t>",
])
def test_what_the_string_passes_cannot_match_is_parsed(body: str) -> None:
    assert as_lxml_writes(body) is None


def _table_template(path: Path, rows: list[list[str]], grid: int) -> Path:
    """Write a .docx with one table of `rows` (texts per cell) on a grid of `grid` columns."""
    document = docx.Document()
    table = document.add_table(rows=0, cols=grid)
    for texts in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, texts):
            cell.text = text
    if len(rows[0]) < grid:  # a row narrower than the grid: merge its last cells
        table.rows[0].cells[len(rows[0]) - 1].merge(table.rows[0].cells[grid - 1])
    document.save(str(path))
    return path


def test_row_loops_keep_the_grid_and_other_tables_are_fixed(tmp_path: Path) -> None:
    env = make_env(autoescape=True)
    rows = [["姓名", "学段"], ["{%tr for k in kids %}", ""], ["{{ k.name }}", "{{ k.stage }}"],
            ["{%tr endfor %}", ""]]
    loop = CompiledDocx(_table_template(tmp_path / "loop.docx", rows, 2), env)
    assert loop._lxml_form and not loop._fix_tables
    context = {"kids": [{"name": "小明", "stage": ""}, {"name": "小红", "stage": "初中"}]}
    body = loop.render_body(context)
    assert body == loop._fixed(loop._render(loop._parts[compiled_docx.DOCUMENT], context))
    assert "<w:t/>" in body or 'xml:space="preserve"/>' in body  # the empty cell, self-closed
    # a loop over nothing leaves the table with its heading row only
    assert loop.render_body({"kids": []}).count("<w:tr") == 1
    # a template whose own grid does not fit a row is fixed after each render, as by docxtpl
    with_tc = CompiledDocx(_table_template(
        tmp_path / "tc.docx", [["学生", "{%tc for k in kids %}", "{{ k.name }}",
                                "{%tc endfor %}"]], 4), env)
    assert with_tc._fix_tables


def test_grid_check_reads_spans(tmp_path: Path) -> None:
    w = f'xmlns:w="{W_NS}"'
    fits = (f'<w:document {w}><w:body><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
            '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr></w:tc></w:tr>'
            "<w:tr><w:tc/><w:tc/></w:tr></w:tbl></w:body></w:document>")
    assert grid_fixed_by_rows(fits)
    assert not grid_fixed_by_rows(fits.replace('w:val="2"', 'w:val="{{ n }}"'))
    assert not grid_fixed_by_rows(fits.replace("<w:tc/><w:tc/>", "<w:tc/>"))


def test_the_example_builds_to_the_same_bytes_either_road(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every document of 扯乐完小, built with the string passes and with the parse."""
    fast = tmp_path / "fast"
    assert build(EXAMPLES / "扯乐完小", BuildOptions(out_dir=fast, jobs=1))
    monkeypatch.setattr(compiled_docx, "as_lxml_writes", lambda body, checked=False: None)
    slow = tmp_path / "slow"
    assert build(EXAMPLES / "扯乐完小", BuildOptions(out_dir=slow, jobs=1))
    assert tree_snapshot(fast) == tree_snapshot(slow)


ODD_VALUES = ['双引号"', "it's", "tab\there", "两行\n文字", "\x07响铃", "a  b", "x = y",
              "<b>粗</b>", "甲&乙", "1 > 0", "", "王\u2060小\u2060明", "𠮷", "&#34;"]


@pytest.mark.parametrize("value", ODD_VALUES + ["rich", "listing"])
def test_a_value_lxml_would_write_otherwise_takes_the_parse(tmp_path: Path, value: str) -> None:
    """Whatever a value holds, the body is what fix_tables' parse would give."""
    from docxtpl import Listing, RichText

    env = make_env(autoescape=True)
    rows = [["姓名", "备注"], ["{%tr for k in kids %}", ""], ["{{ k.name }}", "{{ k.note }}"],
            ["{%tr endfor %}", ""]]
    template = CompiledDocx(_table_template(tmp_path / "loop.docx", rows, 2), env)
    part = template._parts[compiled_docx.DOCUMENT]
    assert template._lxml_form and part.plain
    note: object = value
    if value == "rich":
        note = RichText("红字", color="FF0000", bold=True)
    elif value == "listing":
        note = Listing("第一行\n第二行")
    context = {"kids": [{"name": "小明", "note": note}, {"name": "小红", "note": "平常"}]}
    fast = template.render_body(context)
    slow = template._fixed(template._render(part, context))
    assert fast == slow
