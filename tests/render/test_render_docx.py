"""Tests for compiled docx templates, the raw-copy zip writer and merged print files."""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from fupin_docs.errors import TemplateProblem
from fupin_docs.i18n import set_lang
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.fastzip import deflate, inflate, read_members, write_zip
from fupin_docs.render.merge import with_restart
from tests.helpers import merge

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(autouse=True)
def _chinese():
    set_lang("zh")
    yield
    set_lang(None)


@pytest.fixture
def env() -> jinja2.Environment:
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def _png() -> bytes:
    """Return a 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _notice(path: Path, *, image: bool = False) -> Path:
    """Write a small notice template using docxtpl's tag kinds and return its path."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ village }} 政策告知单"
    doc.add_paragraph("致 {{ household.head }} 户：")
    doc.add_paragraph("{%p if household.poor %}")
    doc.add_paragraph("您家为脱贫户，享受以下政策。")
    doc.add_paragraph("{%p endif %}")
    p = doc.add_paragraph("地址：")
    p.add_run("{{ household.address }}").font.size = Pt(14)
    doc.add_paragraph("备注：{%r if household.poor %}重点{%r endif %}关注")
    table = doc.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "姓名", "学段"
    table.rows[1].cells[0].text = "{%tr for c in household.children %}"
    table.rows[2].cells[0].text, table.rows[2].cells[1].text = "{{ c.name }}", "{{ c.stage }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p for item in items %}")
    doc.add_paragraph("{{ item }}", style="List Number")
    if image:
        (path.parent / "dot.png").write_bytes(_png())
        doc.add_paragraph().add_run().add_picture(str(path.parent / "dot.png"))
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("联系电话：{{ phone }}")
    doc.save(path)
    return path


def _context(i: int = 0) -> dict:
    return {"village": "A&B村", "phone": "0851-1234567",
            "household": {"head": f"张<三>&“{i}” \"'", "poor": i % 2 == 0,
                          "address": "一组\n二号",
                          "children": [{"name": f"小明{i}", "stage": "小学"},
                                       {"name": "小红", "stage": "初中"}]},
            "items": ["助学金 & 补助", "营养餐 <每日>"]}


def _texts(data: bytes | str | Path) -> tuple[list[str], list[list[str]], str]:
    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    return ([p.text for p in doc.paragraphs],
            [[c.text for c in row.cells] for t in doc.tables for row in t.rows],
            doc.sections[0].header.paragraphs[0].text)


def _docxtpl(path: Path, env: jinja2.Environment, context: dict, out: Path) -> Path:
    tpl = DocxTemplate(path)
    tpl.render(context, env)
    tpl.save(out)
    return out


def _document_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


# --- fastzip ----------------------------------------------------------------------------

def test_fastzip_round_trip_copies_compressed_bytes(tmp_path):
    src = _notice(tmp_path / "t.docx")
    members = read_members(src)
    assert [m.name for m in members] == zipfile.ZipFile(src).namelist()
    data = write_zip(members, {"word/settings.xml": "<x>新</x>"})
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    assert zf.namelist() == [m.name for m in members]
    assert zf.read("word/settings.xml").decode("utf-8") == "<x>新</x>"
    assert zf.read("word/styles.xml") == zipfile.ZipFile(src).read("word/styles.xml")
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    again = read_members(data)
    kept = {m.name: m.data for m in members}
    assert next(m for m in again if m.name == "word/styles.xml").data == kept["word/styles.xml"]


def test_fastzip_is_deterministic_and_takes_new_members(tmp_path):
    members = [deflate("a.txt", "甲" * 100), ("目录/b.xml", b"<b/>")]
    one, two = write_zip(members), write_zip(members)
    assert one == two
    stream = io.BytesIO()
    assert write_zip(members, out=stream, date_time=(2024, 3, 5, 8, 30, 0)) is None
    zf = zipfile.ZipFile(stream)
    assert zf.testzip() is None
    assert zf.read("目录/b.xml") == b"<b/>"
    assert zf.getinfo("a.txt").date_time == (2024, 3, 5, 8, 30, 0)
    assert inflate(read_members(one)[0]) == ("甲" * 100).encode("utf-8")


# --- rendering ---------------------------------------------------------------------------

def test_render_matches_docxtpl(tmp_path, env):
    src = _notice(tmp_path / "t.docx")
    compiled = CompiledDocx(src, env)
    for i in (0, 1):
        ours = compiled.render(_context(i))
        assert zipfile.ZipFile(io.BytesIO(ours)).testzip() is None
        ref = _docxtpl(src, env, _context(i), tmp_path / f"ref{i}.docx")
        assert _texts(ours) == _texts(ref)
    paragraphs, cells, header = _texts(compiled.render(_context(0)))
    assert paragraphs[0] == "致 张<三>&“0” \"' 户："
    assert "您家为脱贫户，享受以下政策。" in paragraphs
    assert "备注：重点关注" in paragraphs
    assert paragraphs[-3:] == ["助学金 & 补助", "营养餐 <每日>", "联系电话：0851-1234567"]
    assert cells == [["姓名", "学段"], ["小明0", "小学"], ["小红", "初中"]]
    assert header == "A&B村 政策告知单"
    assert "备注：关注" in _texts(compiled.render(_context(1)))[0]


def test_newline_becomes_line_break_and_escaping_is_kept(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    xml = _document_xml(compiled.render(_context(0)))
    assert '一组</w:t><w:br/><w:t xml:space="preserve">二号' in xml
    assert "张&lt;三&gt;&amp;" in xml
    assert "地址：一组\n二号" in _texts(compiled.render(_context(0)))[0]


def test_render_is_byte_identical_and_copies_unchanged_parts(tmp_path, env):
    src = _notice(tmp_path / "t.docx")
    compiled = CompiledDocx(src, env)
    one, two = compiled.render(_context(3)), compiled.render(_context(3))
    assert one == two
    assert compiled.templated_parts == ("word/document.xml", "word/header1.xml")
    original = {m.name: m.data for m in read_members(src)}
    for member in read_members(one):
        if member.name not in compiled.templated_parts:
            assert member.data == original[member.name]


def test_image_ids_are_unique_after_a_loop(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx", image=True), env)
    ids = re.findall(r'<wp:docPr\b[^>]*?\bid="(\d+)"', _document_xml(compiled.render(_context())))
    assert len(ids) == 2 and len(set(ids)) == 2


def test_column_loop_uses_docxtpl_table_fix(tmp_path, env):
    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    cells = table.rows[0].cells
    for cell, text in zip(cells, ["{%tc for x in cols %}", "{{ x }}", "{%tc endfor %}"]):
        cell.text = text
    doc.save(tmp_path / "tc.docx")
    context = {"cols": ["一", "二", "三", "四"]}
    ours = CompiledDocx(tmp_path / "tc.docx", env).render(context)
    ref = _docxtpl(tmp_path / "tc.docx", env, context, tmp_path / "ref.docx")
    assert _texts(ours)[1] == _texts(ref)[1] == [["一", "二", "三", "四"]]
    assert _document_xml(ours).count("<w:gridCol ") == 4


# --- errors ------------------------------------------------------------------------------

def _broken(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph("第一段")
    doc.add_paragraph("第二段")
    doc.add_paragraph(text)
    doc.add_paragraph("第四段")
    doc.save(tmp_path / "告知单.docx")
    return tmp_path / "告知单.docx"


def test_syntax_error_names_template_and_paragraph(tmp_path, env):
    with pytest.raises(TemplateProblem) as info:
        CompiledDocx(_broken(tmp_path, "户主：{{ household.head "), env)
    message = info.value.format_message()
    assert message.startswith("错误：告知单.docx 第3段：模板语法错误：")
    assert "    3 | 户主：{{ household.head\n" in message and "怎么改：" in message
    [problem] = info.value.problems
    assert (problem.where.file, problem.where.paragraph) == ("告知单.docx", 3)


def test_undefined_variable_names_template_and_paragraph(tmp_path, env):
    compiled = CompiledDocx(_broken(tmp_path, "户主：{{ household.name }}"), env)
    with pytest.raises(TemplateProblem) as info:
        compiled.render({"household": {"head": "张三"}})
    message = info.value.format_message()
    assert message.startswith("错误：告知单.docx 第3段：用到了数据中没有的变量")
    assert "name" in message and "    3 | 户主：{{ household.name }}\n" in message


def test_undefined_in_header_names_the_header(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    context = _context()
    del context["village"]
    with pytest.raises(TemplateProblem,
                       match="(?s)t.docx（页眉 header1）第1段.*village.*政策告知单"):
        compiled.render(context)


def test_sandbox_payload_is_refused(tmp_path, env):
    compiled = CompiledDocx(_broken(tmp_path, "{{ ''.__class__.__mro__ }}"), env)
    with pytest.raises(TemplateProblem, match="沙箱"):
        compiled.render({})


def test_not_a_docx_is_a_template_problem(tmp_path, env):
    (tmp_path / "x.docx").write_text("not a zip")
    with pytest.raises(TemplateProblem, match="x.docx"):
        CompiledDocx(tmp_path / "x.docx", env)


# --- merged print files ------------------------------------------------------------------

def _body(data: bytes):
    from lxml import etree
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(
        f"{W}body")


def test_merge_one_section_per_record_without_blank_last_page(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    n = 5
    data = merge(compiled, (_context(i) for i in range(n)))
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    doc = Document(io.BytesIO(data))
    assert len(doc.sections) == n
    body = _body(data)
    sectprs = list(body.iter(f"{W}sectPr"))
    assert len(sectprs) == n
    for sect in sectprs:
        assert sect.find(f"{W}pgNumType").get(f"{W}start") == "1"
    # The final sectPr is the body's own, right after the last record's last paragraph.
    assert body[-1].tag == f"{W}sectPr"
    assert "".join(body[-2].itertext()) == "联系电话：0851-1234567"
    heads = [p.text for p in doc.paragraphs if p.text.startswith("致 ")]
    assert heads == [f"致 张<三>&“{i}” \"' 户：" for i in range(n)]
    assert [p.text for p in doc.paragraphs].count("联系电话：0851-1234567") == n


def test_merge_restarts_numbering_and_renders_headers_per_record(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    contexts = [dict(_context(i), village=v) for i, v in enumerate(["甲村", "甲村", "乙村"])]
    data = merge(compiled, contexts)
    xml = _document_xml(data)
    used = re.findall(r'<w:numId w:val="(\d+)"/>', xml)
    assert len(used) == 6 and len(set(used)) == 3
    numbering = zipfile.ZipFile(io.BytesIO(data)).read("word/numbering.xml").decode()
    for num in set(used):
        assert re.search(rf'<w:num w:numId="{num}"><w:abstractNumId w:val="\d+"/>'
                         r'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>', numbering)
    headers = [s.header.paragraphs[0].text for s in Document(io.BytesIO(data)).sections]
    assert headers == ["甲村 政策告知单", "甲村 政策告知单", "乙村 政策告知单"]
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "header" in n]) == 2


def test_merge_makes_image_and_bookmark_ids_unique(tmp_path, env):
    src = _notice(tmp_path / "t.docx", image=True)
    compiled = CompiledDocx(src, env)
    data = merge(compiled, [_context(i) for i in range(3)])
    xml = _document_xml(data)
    ids = re.findall(r'<wp:docPr\b[^>]*?\bid="(\d+)"', xml)
    assert len(ids) == 6 and len(set(ids)) == 6
    marked = compiled.render_body(_context()).replace(
        "<w:p>", '<w:p><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>', 1)
    compiled.render_body = lambda context: marked  # type: ignore[method-assign]
    xml = _document_xml(merge(compiled, [_context(i) for i in range(3)]))
    starts = re.findall(r'<w:bookmarkStart w:id="(\d+)"', xml)
    ends = re.findall(r'<w:bookmarkEnd w:id="(\d+)"', xml)
    # each record's own bookmark and the print file's record mark, all ids unique
    assert starts == ends and len(set(starts)) == 6
    assert re.findall(r'w:name="(_FupinRec\d+)"', xml) == [
        "_FupinRec00001", "_FupinRec00002", "_FupinRec00003"]


@pytest.mark.parametrize("n", [1, 4, 5, 9])
def test_merge_several_records_per_page(tmp_path, env, n):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    data = merge(compiled, (_context(i) for i in range(n)), per_page=4)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    xml = _document_xml(data)
    breaks = xml.count("<w:pageBreakBefore/>") + xml.count('<w:br w:type="page"/>')
    assert breaks == math.ceil(n / 4) - 1
    doc = Document(io.BytesIO(data))
    assert len(doc.sections) == 1
    assert _body(data)[-1].tag == f"{W}sectPr"
    assert [p.text for p in doc.paragraphs].count("联系电话：0851-1234567") == n


def test_merge_of_table_first_records_uses_break_paragraphs(tmp_path, env):
    doc = Document()
    doc.add_table(rows=1, cols=1).rows[0].cells[0].text = "联系卡：{{ name }}"
    doc.save(tmp_path / "card.docx")
    compiled = CompiledDocx(tmp_path / "card.docx", env)
    data = merge(compiled, ({"name": f"老师{i}"} for i in range(6)), per_page=2)
    assert _document_xml(data).count('<w:br w:type="page"/>') == 2
    assert _texts(data)[1] == [[f"联系卡：老师{i}"] for i in range(6)]


def test_merge_needs_records(tmp_path, env):
    compiled = CompiledDocx(_notice(tmp_path / "t.docx"), env)
    with pytest.raises(ValueError):
        merge(compiled, iter(()))


def test_with_restart_keeps_schema_order():
    sect = ('<w:sectPr><w:type w:val="continuous"/><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:cols w:space="425"/></w:sectPr>')
    assert with_restart(sect) == ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                                  '<w:pgNumType w:start="1"/><w:cols w:space="425"/></w:sectPr>')
    assert with_restart('<w:sectPr><w:pgNumType w:fmt="decimal" w:start="5"/></w:sectPr>') == \
        '<w:sectPr><w:pgNumType w:fmt="decimal" w:start="1"/></w:sectPr>'


def test_listing_shortcut_equals_docxtpl_on_odd_xml():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fupin_docs.render.docx import _resolve_listing

    listing = DocxTemplate("unused.docx").resolve_listing
    pieces = st.sampled_from(["<w:p>", '<w:p w:x="1">', "<w:p/>", '<w:p a="b"/>', "</w:p>",
                              "<w:r>", "<w:r><w:rPr><w:b/></w:rPr>", "</w:r>", "<w:t>",
                              '<w:t xml:space="preserve">', "</w:t>", "<w:pPr><w:jc/></w:pPr>",
                              "甲", "\n", "\t", "\a", "\f", "<w:tbl>", "</w:tbl>"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=40))
    def check(parts):
        xml = "".join(parts)
        assert _resolve_listing(xml, listing) == listing(xml)

    check()


def test_merge_of_multi_section_template_restarts_at_each_record(tmp_path, env):
    doc = Document()
    doc.add_paragraph("封面 {{ name }}")
    doc.add_section()
    doc.add_paragraph("正文 {{ name }}")
    doc.save(tmp_path / "two.docx")
    data = merge(CompiledDocx(tmp_path / "two.docx", env),
                         [{"name": f"户{i}"} for i in range(3)])
    sections = list(_body(data).iter(f"{W}sectPr"))
    assert [s.find(f"{W}pgNumType") is not None for s in sections] == [True, False] * 3
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == [
        t for i in range(3) for t in (f"封面 户{i}", "", f"正文 户{i}")]
