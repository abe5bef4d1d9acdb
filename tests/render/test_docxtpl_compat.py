"""docxtpl compatibility: one small template per docxtpl feature, rendered by docxtpl and by the
compiled fast path, compared as a reader sees them (text, table cells and grid, relationships,
content types, properties, pictures). Where docxtpl itself is wrong the case says so and the
fast path is held to the right answer instead."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing, RichText, RichTextParagraph
from lxml import etree

from fupin_docs.errors import TemplateProblem
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env
from fupin_docs.render.images import InlineImage as FastImage
from fupin_docs.render.merge import PrintFileWriter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def png(color: tuple[int, int, int], size: tuple[int, int] = (40, 20)) -> bytes:
    """Return a small PNG of one colour (a picture whose bytes tell it apart)."""
    import struct
    import zlib

    width, height = size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


RED, BLUE = png((200, 0, 0)), png((0, 0, 200), (30, 30))


# ---------------------------------------------------------------- reading a .docx back

def _xml(z: zipfile.ZipFile, name: str) -> etree._Element | None:
    return etree.fromstring(z.read(name)) if name in z.namelist() else None


def _para_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}tab", f"{W}br")
                   if t.tag == f"{W}t") + "".join("\n" for _ in p.iter(f"{W}br"))


def snapshot(data: bytes) -> dict[str, Any]:
    """Return what a reader sees of a .docx, without what may differ harmlessly (ids, part
    names, word joiners, how runs are split)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    body = _xml(z, "word/document.xml")
    assert body is not None
    rels = _xml(z, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): (r.get("Type", "").rsplit("/", 1)[1], r.get("Target"),
                             r.get("TargetMode")) for r in (rels if rels is not None else [])}
    media = {r[1]: hashlib.sha1(z.read("word/" + r[1])).hexdigest()[:12]
             for r in targets.values() if r[0] == "image" and r[2] != "External"}

    def rel(rid: str | None) -> Any:
        kind, target, mode = targets[rid or ""]  # KeyError: a dangling relationship id
        return (kind, media.get(target, target), mode)

    paragraphs = [_para_text(p) for p in body.iter(f"{W}p")
                  if not any(a.tag == f"{W}tc" for a in p.iterancestors())]
    tables = []
    for tbl in body.iter(f"{W}tbl"):
        grid = [int(c.get(f"{W}w") or 0) for c in tbl.iter(f"{W}gridCol")]
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            cells = []
            for tc in tr.iter(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                shade = tc.find(f"{W}tcPr/{W}shd")
                cells.append(("".join(_para_text(p) for p in tc.iter(f"{W}p")),
                              span.get(f"{W}val") if span is not None else None,
                              merge.get(f"{W}val", "continue") if merge is not None else None,
                              shade.get(f"{W}fill") if shade is not None else None))
            rows.append(cells)
        spans = {sum(int(c[1] or 1) for c in row) for row in rows}
        tables.append({"grid": len(grid), "rows": rows, "fits": spans <= {len(grid)}})
    pictures = [(rel(b.get(f"{R}embed")), e.get("cx"), e.get("cy"))
                for d in body.iter(f"{W}drawing")
                for b in d.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
                for e in d.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                                "wordprocessingDrawing}extent")]
    links = [rel(h.get(f"{R}id")) for h in body.iter(f"{W}hyperlink") if h.get(f"{R}id")]
    parts = {}
    for name in sorted(z.namelist()):
        if re.fullmatch(r"word/(header|footer|footnotes)\d*\.xml", name):
            root = _xml(z, name)
            assert root is not None
            parts[re.sub(r"\d", "", name)] = parts.get(re.sub(r"\d", "", name), []) + [
                _para_text(p) for p in root.iter(f"{W}p")]
    types = _xml(z, "[Content_Types].xml")
    assert types is not None
    defaults = {(d.get("Extension") or "").lower(): d.get("ContentType") for d in types
                if d.tag == f"{CT}Default"}
    for name in z.namelist():  # every part has a content type
        ext = name.rsplit(".", 1)[-1].lower()
        overridden = any(o.get("PartName") == "/" + name for o in types)
        assert overridden or ext in defaults or name == "[Content_Types].xml", name
    props = docx.Document(io.BytesIO(data)).core_properties
    snap = {"paragraphs": paragraphs, "tables": tables, "pictures": pictures, "links": links,
            "parts": parts, "title": props.title, "subject": props.subject,
            "media": sorted(media.values())}
    return _strip_joiners(snap)


def _strip_joiners(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\u2060", "")
    if isinstance(value, list):
        return [_strip_joiners(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_strip_joiners(v) for v in value)
    if isinstance(value, dict):
        return {k: _strip_joiners(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- one template per feature

Builder = Callable[[docx.document.Document, Path], None]
Context = Callable[[DocxTemplate], dict[str, Any]]


@dataclass(frozen=True)
class Feature:
    """A docxtpl feature: how to write its template and what to render it with."""

    id: str
    build: Builder
    context: Context
    #: what the fast path must give where docxtpl is wrong: {snapshot key: value}
    docxtpl_wrong: dict[str, Any] | None = None


def _p(*texts: str) -> Builder:
    def build(d: docx.document.Document, _: Path) -> None:
        for text in texts:
            d.add_paragraph(text)
    return build


def _table(rows: list[list[str]]) -> Builder:
    def build(d: docx.document.Document, _: Path) -> None:
        d.add_paragraph("表格：")
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.rows[r].cells[c].text = text
    return build


def _header_footer(d: docx.document.Document, _: Path) -> None:
    d.sections[0].header.paragraphs[0].text = "页眉 {{ school }}"
    d.sections[0].footer.paragraphs[0].text = "页脚 {{ phone }}"
    d.add_paragraph("正文 {{ school }}")


def _properties(d: docx.document.Document, _: Path) -> None:
    d.core_properties.title = "{{ school }}告知单"
    d.core_properties.subject = "{{ year }}年"
    d.add_paragraph("正文")


def _picture(d: docx.document.Document, folder: Path) -> None:
    d.add_paragraph("照片：{{ photo }}")
    table = d.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "{{ small }}"
    d.sections[0].header.paragraphs[0].text = "标志 {{ logo }}"


def _with_picture(d: docx.document.Document, folder: Path) -> None:
    (folder / "red.png").write_bytes(RED)
    d.add_paragraph("模板中的图：")
    d.add_paragraph().add_run().add_picture(str(folder / "red.png"), width=Mm(20))
    d.add_paragraph("{{ school }}")


def _rich() -> RichText:
    rich = RichText("粗体", bold=True)
    rich.add("斜体", italic=True)
    rich.add("下划线", underline=True, size=28)
    return rich


SCHOOL = {"school": "扯乐完小", "phone": "0874-1234567", "year": 2018}
KIDS = [{"name": "小明", "stage": "小学"}, {"name": "小红", "stage": "初中"},
        {"name": "小刚", "stage": "小学"}]

FEATURES = [
    Feature("p", _p("开头", "{%p if show %}", "保留的段落 {{ school }}", "{%p endif %}",
                    "{%p for k in kids %}", "{{ k.name }}", "{%p endfor %}", "结尾"),
            lambda t: {**SCHOOL, "show": True, "kids": KIDS}),
    Feature("tr", _table([["姓名", "学段"], ["{%tr for k in kids %}", ""],
                          ["{{ k.name }}", "{{ k.stage }}"], ["{%tr endfor %}", ""]]),
            lambda t: {"kids": KIDS}),
    Feature("tc", _table([["学生", "{%tc for k in kids %}", "{{ k.name }}", "{%tc endfor %}"],
                          ["学段", "{%tc for k in kids %}", "{{ k.stage }}", "{%tc endfor %}"]]),
            lambda t: {"kids": KIDS}),
    Feature("tc-comment", _table([["甲", "{#tc 删去这一格 #}", "丙"], ["一", "{#tc 二 #}", "三"]]),
            lambda t: {}),
    Feature("r", _p("备注：{%r if show %}重点{%r endif %}关注 {{r rich }}"),
            lambda t: {"show": True, "rich": RichText("红字", color="FF0000", bold=True)}),
    Feature("cellbg", _table([["{% cellbg color %}{{ school }}", "二"]]),
            lambda t: {**SCHOOL, "color": "FFFF00"}),
    Feature("colspan", _table([["{% colspan n %}{{ school }}", "{#tc 并入左格 #}", "三"],
                               ["一", "二", "三"]]),
            lambda t: {**SCHOOL, "n": 2}),
    Feature("hm", _table([["{%tc for k in kids %}", "{% hm %}{{ school }}", "{%tc endfor %}"],
                          ["{%tc for k in kids %}", "{{ k.name }}", "{%tc endfor %}"]]),
            lambda t: {**SCHOOL, "kids": KIDS}),
    Feature("vm", _table([["{%tr for k in kids %}", ""], ["{% vm %}{{ school }}", "{{ k.name }}"],
                          ["{%tr endfor %}", ""]]),
            lambda t: {**SCHOOL, "kids": KIDS}),
    Feature("richtext", _p("{{r rich }}"),
            lambda t: {"rich": _rich()}),
    Feature("richtext-paragraph", _p("{{p para }}"),
            lambda t: {"para": RichTextParagraph(RichText("一段话", bold=True))}),
    Feature("listing", _p("{{ notes }}"),
            lambda t: {"notes": Listing("第一行\n第二行\t制表\a新段落")}),
    Feature("escapes", _p("{_{ 原样 }_} {{ value }} {{ x | default(\"A&B<C>\") }}"),
            lambda t: {"value": "甲&乙<丙>\"'"},
            # docxtpl escapes the template's own literal a second time: "A&amp;B&lt;C&gt;"
            docxtpl_wrong={"paragraphs": ["{{ 原样 }} 甲&乙<丙>\"' A&B<C>"]}),
    Feature("inline-image", _picture,
            lambda t: {"photo": InlineImage(t, io.BytesIO(RED), width=Mm(30)),
                       "small": InlineImage(t, io.BytesIO(BLUE), height=Mm(10)),
                       "logo": InlineImage(t, io.BytesIO(RED), width=Mm(10))}),
    Feature("header-footer", _header_footer, lambda t: SCHOOL),
    Feature("properties", _properties, lambda t: SCHOOL),
    Feature("hyperlink", _p("网址：{{r link }}"),
            lambda t: {"link": RichText("教育局", url_id=t.build_url_id("http://jyj.example/"))}),
]


def _template(feature: Feature, folder: Path) -> Path:
    d = docx.Document()
    feature.build(d, folder)
    path = folder / f"{feature.id}.docx"
    d.save(path)
    return path


def _footnotes_template(folder: Path) -> Path:
    """Return a template with a footnote holding a tag (python-docx cannot write footnotes)."""
    base = _template(Feature("fn", _p("正文{{ school }}"), lambda t: {}), folder)
    z = zipfile.ZipFile(base)
    parts = {n: z.read(n) for n in z.namelist()}
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        '<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r>'
        '<w:t>注：{{ note }}</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        "正文{{ school }}</w:t></w:r>".encode(),
        '正文{{ school }}</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'.encode())
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    path = folder / "footnotes.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def _both(path: Path, context: Context, tmp: Path) -> tuple[dict, dict, bytes]:
    """Render `path` with docxtpl and with the fast path; return both snapshots and the
    fast path's bytes."""
    tpl = DocxTemplate(path)
    ctx = context(tpl)
    tpl.render(ctx, make_env(autoescape=True), autoescape=True)
    ref = tmp / "docxtpl.docx"
    tpl.save(ref)
    compiled = CompiledDocx(path, make_env(autoescape=True))
    if "link" in ctx:  # the link's relationship was made on docxtpl's document: make ours
        ctx = {**ctx, "link": RichText("教育局", url_id=compiled.build_url_id(
            "http://jyj.example/"))}
    fast = compiled.render(ctx)
    return snapshot(ref.read_bytes()), snapshot(fast), fast


@pytest.mark.parametrize("feature", FEATURES, ids=[f.id for f in FEATURES])
def test_feature_renders_as_docxtpl(feature: Feature, tmp_path: Path) -> None:
    ref, fast, data = _both(_template(feature, tmp_path), feature.context, tmp_path)
    expected = {**ref, **(feature.docxtpl_wrong or {})}
    assert fast == expected
    for table in fast["tables"]:
        assert table["fits"], "each row's cells must fill the column grid exactly"
    docx.Document(io.BytesIO(data))  # python-docx opens it


def test_footnotes_render_as_docxtpl(tmp_path: Path) -> None:
    ref, fast, _ = _both(_footnotes_template(tmp_path),
                         lambda t: {"school": "扯乐完小", "note": "金额以县文件为准"}, tmp_path)
    assert fast == ref and any("金额以县文件为准" in t for t in fast["parts"]["word/footnotes.xml"])


def test_properties_print_the_value_itself(tmp_path: Path) -> None:
    """docxtpl escapes a property's value into the XML twice ("A&amp;B"); the fast path not."""
    path = _template(FEATURES[[f.id for f in FEATURES].index("properties")], tmp_path)
    data = CompiledDocx(path, make_env(autoescape=True)).render({"school": "甲&乙", "year": 1})
    assert docx.Document(io.BytesIO(data)).core_properties.title == "甲&乙告知单"


def test_a_template_rendered_several_times_matches_each_time(tmp_path: Path) -> None:
    feature = FEATURES[[f.id for f in FEATURES].index("tc")]
    path = _template(feature, tmp_path)
    compiled = CompiledDocx(path, make_env(autoescape=True))
    for n in (1, 3, 2, 0):
        kids = KIDS[:n]
        tpl = DocxTemplate(path)
        tpl.render({"kids": kids}, make_env(autoescape=True), autoescape=True)
        tpl.save(tmp_path / "ref.docx")
        assert snapshot(compiled.render({"kids": kids})) == snapshot(
            (tmp_path / "ref.docx").read_bytes())


def test_replace_pic_and_media_as_docxtpl(tmp_path: Path) -> None:
    path = _template(Feature("pic", _with_picture, lambda t: {}), tmp_path)
    tpl = DocxTemplate(path)
    tpl.replace_pic("red.png", io.BytesIO(BLUE))
    tpl.render(SCHOOL, make_env(autoescape=True), autoescape=True)
    tpl.save(tmp_path / "ref.docx")
    compiled = CompiledDocx(path, make_env(autoescape=True))
    compiled.replace_pic("red.png", BLUE)
    assert snapshot(compiled.render(SCHOOL))["media"] == snapshot(
        (tmp_path / "ref.docx").read_bytes())["media"]
    again = CompiledDocx(path, make_env(autoescape=True))
    again.replace_media_by_content(RED, BLUE)  # docxtpl's replace_media: by the bytes
    assert snapshot(again.render(SCHOOL))["media"] == snapshot(
        (tmp_path / "ref.docx").read_bytes())["media"]


def test_pictures_reach_the_print_file(tmp_path: Path) -> None:
    """Each record of a print file shows its own picture: the merged file holds both, once."""
    path = _template(Feature("pic", _p("{{ photo }}"), lambda t: {}), tmp_path)
    compiled = CompiledDocx(path, make_env(autoescape=True))
    writer = PrintFileWriter(compiled)
    for blob in (RED, BLUE, RED):
        writer.add({"photo": FastImage(blob, width=Mm(20))})
    snap = snapshot(writer.finish())
    assert len(snap["pictures"]) == 3 and len(snap["media"]) == 2


def test_pictures_are_reproducible_and_fit_the_text_width(tmp_path: Path) -> None:
    path = _template(Feature("pic", _p("{{ photo }}"), lambda t: {}), tmp_path)
    compiled = CompiledDocx(path, make_env(autoescape=True))
    wide = png((0, 120, 0), (4000, 100))
    one, two = (compiled.render({"photo": FastImage(wide)}) for _ in range(2))
    assert one == two
    (_, cx, _cy), = snapshot(one)["pictures"]
    section = docx.Document(io.BytesIO(one)).sections[0]
    assert int(cx) == section.page_width - section.left_margin - section.right_margin


def test_subdoc_is_refused_with_the_paragraph(tmp_path: Path) -> None:
    path = _template(Feature("sub", _p("开头", "{{p sub }}"), lambda t: {}), tmp_path)
    # docxtpl's Subdoc needs docxcompose, whose import changes python-docx's namespace
    # prefixes for the whole process: a stand-in of the same name and module is refused alike
    subdoc = type("Subdoc", (), {"__module__": "docxtpl.subdoc", "__html__": lambda self: ""})
    sub = subdoc()
    with pytest.raises(TemplateProblem) as info:
        CompiledDocx(path, make_env(autoescape=True), "sub.docx").render({"sub": sub})
    assert "Subdoc" in info.value.message and "sub.docx 第2段" in info.value.message


def test_not_an_image_is_a_clear_error() -> None:
    from fupin_docs.errors import FupinError

    with pytest.raises(FupinError) as info:
        FastImage(b"not a picture")
    assert "不是可用的图片" in info.value.message


def test_libreoffice_opens_every_fast_path_file(tmp_path: Path) -> None:
    """Every file of the suite converts in LibreOffice, with the text a reader expects."""
    from fupin_docs.output.pdf import convert_folder
    from tests.helpers import pdf_page_texts, require_tool

    require_tool("soffice", "pdftotext")
    made = []
    for feature in FEATURES:
        folder = tmp_path / feature.id
        folder.mkdir()
        _, _, data = _both(_template(feature, folder), feature.context, folder)
        made.append(tmp_path / f"{feature.id}.docx")
        made[-1].write_bytes(data)
    pdfs = convert_folder(made, tmp_path / "pdf")
    assert len(pdfs) == len(FEATURES)
    texts = {pdf.stem: "".join(pdf_page_texts(pdf)).replace("\u2060", "") for pdf in pdfs}
    assert "扯乐完小" in texts["header-footer"] and "小红" in texts["tc"]
    assert "A&B<C>" in texts["escapes"] and "红字" in texts["r"]


def _renamed(path: Path, old: str, new: str, extra: dict[str, bytes] | None = None) -> Path:
    """Return a copy of the template at `path` whose part `old` is called `new`."""
    z = zipfile.ZipFile(path)
    out = path.with_name("renamed.docx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for name in z.namelist():
            data = z.read(name).replace(old.split("/")[-1].encode(), new.split("/")[-1].encode())
            w.writestr(new if name == old else name, data)
        for name, data in (extra or {}).items():
            w.writestr(name, data)
    return out


def test_headers_are_found_by_relationship_not_by_name(tmp_path: Path) -> None:
    """A template saved by another program may call its header anything: it is rendered."""
    feature = FEATURES[[f.id for f in FEATURES].index("header-footer")]
    path = _renamed(_template(feature, tmp_path), "word/header1.xml", "word/hdrA.xml")
    ref, fast, data = _both(path, feature.context, tmp_path)
    assert fast == ref
    header = zipfile.ZipFile(io.BytesIO(data)).read("word/hdrA.xml").decode()
    assert "扯乐完小" in header and "{{" not in header


def test_tags_in_parts_nobody_renders_are_reported(tmp_path: Path) -> None:
    path = _renamed(_template(FEATURES[0], tmp_path), "word/styles.xml", "word/styles.xml",
                    {"word/endnotes.xml": b'<w:endnotes xmlns:w="http://schemas.openxmlformats'
                     b'.org/wordprocessingml/2006/main"><w:endnote><w:p><w:r><w:t>{{ school }}'
                     b"</w:t></w:r></w:p></w:endnote></w:endnotes>"})
    assert CompiledDocx(path, make_env(autoescape=True)).unrendered == ["word/endnotes.xml"]
