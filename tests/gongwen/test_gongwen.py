"""Tests for the GB/T 9704 公文 document builder and layout checker."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate

from fupin_docs import i18n
from fupin_docs.errors import FupinError
from fupin_docs.gongwen import layout as gongwen
from fupin_docs.gongwen import measures
from fupin_docs.gongwen.lint import Departure, format_departures, lint_docx
from fupin_docs.gongwen.oxml import Resolver, font_getter, set_fonts, toggle_getter, val_getter

UNIT, DATE = "扯乐完小", "2024年9月1日"


@pytest.fixture(autouse=True)
def chinese_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin messages to Chinese whatever the locale, so message matches hold."""
    monkeypatch.setattr(i18n, "_chosen", "zh")


def build(path: Path) -> Path:
    """Return `path` after writing a complete notice with every kind of paragraph."""
    doc = gongwen.new_document()
    gongwen.add_title(doc, "关于做好2024年秋季学期\n教育扶贫资助工作的通知")
    gongwen.add_plain(doc, "尊敬的家长：")
    gongwen.add_body(doc, "为落实教育扶贫政策，确保每一名建档立卡学生都能享受资助，"
                          "现将有关事项通知如下。")
    gongwen.add_heading(doc, "一、资助对象", 1)
    gongwen.add_body(doc, "本校在籍在读的建档立卡贫困家庭学生。")
    gongwen.add_heading(doc, "（一）义务教育阶段", 2)
    gongwen.add_heading(doc, "1.寄宿生生活补助", 3)
    gongwen.add_body(doc, "小学每生每年1000元，自2024年9月1日起按学期发放。")
    gongwen.add_heading(doc, "（1）申请时间", 3)
    gongwen.add_body(doc, "每学期开学后两周内。")
    gongwen.add_heading(doc, "二、责任分工", 1)
    gongwen.add_table(doc, ["序号", "责任人", "职责"],
                      [["1", "张老师", "核对名单，2024年9月5日前上报"],
                       ["2", "李老师", "发放资助"]],
                      widths_mm=[20, 40, 96])
    gongwen.add_body(doc, "特此通知。")
    gongwen.add_signature(doc, UNIT, DATE)
    doc.save(path)
    return path


def paragraph(doc: Document, start: str) -> Paragraph:
    """Return the first body paragraph whose text starts with `start`."""
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def png(path: Path, size: int = 16) -> Path:
    """Return `path` after writing a small red RGBA PNG (a stand-in for a seal)."""
    raw = b"".join(b"\x00" + b"\xd0\x10\x10\xff" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """Return a freshly built, fully conforming notice."""
    return build(tmp_path / "通知.docx")


def test_page_setup(sample: Path) -> None:
    doc = docx.Document(str(sample))
    sp = doc.sections[0]._sectPr
    size, margins, grid = sp.find(qn("w:pgSz")), sp.find(qn("w:pgMar")), sp.find(qn("w:docGrid"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")
    assert {k: margins.get(qn(f"w:{k}")) for k in ("top", "bottom", "left", "right", "gutter")} \
        == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474", "gutter": "0"}
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")
    assert abs(doc.sections[0].footer_distance.mm - 25) < 0.1


def test_fonts_resolve_through_styles(sample: Path) -> None:
    doc = docx.Document(str(sample))
    res = Resolver(doc.styles.element)

    def resolved(start: str) -> tuple[str, int, bool]:
        p = paragraph(doc, start)._p
        levels = res.run_levels(p, p.find(qn("w:r")))
        return (res.first(levels, font_getter("eastAsia")),
                int(res.first(levels, val_getter("w:sz"))),
                bool(res.first(levels, toggle_getter("w:b"))))

    assert resolved("为落实") == ("仿宋_GB2312", 32, False)
    assert resolved("尊敬的家长") == ("仿宋_GB2312", 32, False)
    assert resolved("一、") == ("黑体", 32, False)
    assert resolved("（一）") == ("楷体_GB2312", 32, False)
    assert resolved("1.") == ("仿宋_GB2312", 32, False)
    east, size, _ = resolved("关于做好")
    assert "小标宋" in east and size == 44
    body = paragraph(doc, "为落实")._p
    assert res.first(res.run_levels(body, body.find(qn("w:r"))), val_getter("w:spacing")) == "-5"
    normal = doc.styles["Normal"].element.pPr
    assert normal.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    spacing = normal.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    assert normal.find(qn("w:widowControl")).get(qn("w:val")) == "0"
    lang = res.default_rpr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    styles_xml = zipfile.ZipFile(sample).read("word/styles.xml").decode()
    assert "Theme=" not in styles_xml and "cstheme" not in styles_xml


def test_page_number_footers(sample: Path) -> None:
    doc = docx.Document(str(sample))
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]._p
        assert p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == side
        assert p.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn(f"w:{side}")) == "280"
        runs = p.findall(qn("w:r"))
        assert [len(r.findall(qn("w:fldChar"))) + len(r.findall(qn("w:instrText")))
                for r in runs] == [0, 1, 1, 1, 0, 1, 0]  # each field part in its own run
        assert "".join(t.text for t in p.iter(qn("w:instrText"))).strip() == "PAGE"
        for r in runs:
            fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "eastAsia")} == {"宋体"}
            assert r.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val")) == "28"


def test_table_and_signature_layout(sample: Path) -> None:
    doc = docx.Document(str(sample))
    table = doc.tables[0]
    assert table.style.name == "公文表格"
    assert [round(c.w.mm) for c in table._tbl.tblGrid.gridCol_lst] == [20, 40, 96]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.cell(0, 0).paragraphs[0].style.name == "表头文字"
    sig, date = paragraph(doc, UNIT), paragraph(doc, DATE)
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index(UNIT) - 1] == ""  # one blank line above the 署名
    assert (sig.style.name, date.style.name) == ("署名", "成文日期")
    # W(扯乐完小) = 4, W(2024年9月1日) = 6: date 右空二字, 署名 右空 6 − 4 + 4 = 6 字
    assert sig.paragraph_format.right_indent.twips == 6 * 320
    assert date.paragraph_format.right_indent.twips == 2 * 320


def test_complete_document_passes_lint(sample: Path) -> None:
    assert lint_docx(sample) == []
    assert format_departures([]) == "未发现不合规之处。"


@pytest.mark.parametrize(("unit", "date", "seal", "expected"), [
    ("扯乐完小", "2018年7月", False, (1440, 640)),          # W 4 / 4.5: 署名 4.5 字, date 2 字
    ("扯乐完小", "2024年9月1日", False, (1920, 640)),
    ("某某县教育局扶贫工作领导小组办公室", "2024年1月5日", False, (640, 3520)),  # 17 / 6
    ("扯乐县第一完全小学", "2024年12月25日", False, (640, 640)),   # 9 / 7: both 2 字
    ("扯乐完小", "2024年9月1日", True, (1600, 1280)),          # seal: date 4 字, 署名 centred
])
def test_signature_indents(unit: str, date: str, seal: bool, expected: tuple[int, int]) -> None:
    assert measures.signature_indents(unit, date, seal=seal) == expected


@pytest.mark.parametrize("unit", ["扯", "扯乐完小", "扯乐县教育局",
                                  "某某县教育局扶贫工作领导小组办公室"])
@pytest.mark.parametrize("date", ["2018年7月", "2024年1月5日", "2024年12月25日"])
def test_signature_date_starts_two_zi_right(unit: str, date: str) -> None:
    r_unit, r_date = (v / 320 for v in measures.signature_indents(unit, date))
    assert min(r_unit, r_date) == 2
    # the first characters: date's is two 字 right of the 署名's
    assert r_unit + measures.text_width(unit) - 2 == r_date + measures.text_width(date)


def test_jinja_signature_placeholders_render(tmp_path: Path) -> None:
    doc = gongwen.new_document()
    gongwen.add_title(doc, "{{ title }}")
    gongwen.add_body(doc, "{{ body }}")
    gongwen.add_signature(doc, "{{ school.signing_unit }}", "{{ signing_date }}")
    template = tmp_path / "template.docx"
    doc.save(template)
    xml = zipfile.ZipFile(template).read("word/document.xml").decode()
    assert 'w:right="{{ signature.unit_indent }}"' in xml
    assert 'w:right="{{ signature.date_indent }}"' in xml
    assert lint_docx(template) == []  # placeholders are skipped, not flagged

    unit, date = "某某县教育局扶贫工作领导小组办公室", "2024年1月5日"
    tpl = DocxTemplate(str(template))
    tpl.render({"title": "关于资助工作的通知", "body": "特此通知。",
                "school": {"signing_unit": unit},
                "signing_date": date, "signature": measures.signature_context(unit, date)})
    rendered = tmp_path / "rendered.docx"
    tpl.save(rendered)
    out = docx.Document(str(rendered))
    assert paragraph(out, unit).paragraph_format.right_indent.twips == 2 * 320
    assert paragraph(out, date).paragraph_format.right_indent.twips == 11 * 320
    assert lint_docx(rendered) == []


def test_seal_layout(tmp_path: Path) -> None:
    doc = gongwen.new_document()
    gongwen.add_title(doc, "关于资助工作的通知")
    gongwen.add_body(doc, "特此通知。")
    sig, date = gongwen.add_signature(doc, UNIT, DATE, seal_image=png(tmp_path / "seal.png"))
    path = tmp_path / "sealed.docx"
    doc.save(path)
    assert sig._p.find(f".//{qn('wp:anchor')}") is not None
    assert (sig.paragraph_format.right_indent.twips, date.paragraph_format.right_indent.twips) \
        == measures.signature_indents(UNIT, DATE, seal=True)
    assert lint_docx(path) == []
    with pytest.raises(FupinError, match="印章"):
        gongwen.add_signature(doc, UNIT, DATE, seal_image=tmp_path / "missing.png")


# Mutations: each breaks one rule of a conforming document.
def _set_font(doc: Document, start: str, east: str) -> None:
    set_fonts(paragraph(doc, start).runs[0]._r, east)


def _bold(doc: Document, start: str) -> None:
    paragraph(doc, start).runs[0].bold = True


def _retext(doc: Document, start: str, text: str) -> None:
    paragraph(doc, start).runs[0].text = text


def _theme(doc: Document) -> None:
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")


def _unlink_even(doc: Document) -> None:
    doc.sections[0].even_page_footer.is_linked_to_previous = True


def _margin(doc: Document) -> None:
    doc.sections[0].left_margin = Mm(25)


def _letter(doc: Document) -> None:
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(216), Mm(279)


def _no_indent(doc: Document) -> None:
    paragraph(doc, "为落实").paragraph_format.first_line_indent = 0
    ind = paragraph(doc, "为落实")._p.pPr.find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "0")


def _line(doc: Document) -> None:
    paragraph(doc, "为落实").paragraph_format.line_spacing = 1.5


def _signature(doc: Document) -> None:
    paragraph(doc, UNIT).paragraph_format.right_indent = Mm(20)


def _lang(doc: Document) -> None:
    lang = Resolver(doc.styles.element).default_rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "en-US")


MUTATIONS: list[tuple[str, Callable[[Document], None], set[str]]] = [
    ("wrong margin", _margin, {"边距"}),
    ("US Letter", _letter, {"页面"}),
    ("body run in 宋体", lambda d: _set_font(d, "为落实", "宋体"), {"正文字体"}),
    ("heading in 仿宋", lambda d: _set_font(d, "一、", "仿宋_GB2312"), {"层次标题字体"}),
    ("2nd-level heading in 黑体", lambda d: _set_font(d, "（一）", "黑体"), {"层次标题字体"}),
    ("bold heading", lambda d: _bold(d, "（一）"), {"层次标题加粗"}),
    ("leading zeros", lambda d: _retext(d, "小学每生", "自2018年07月01日起发放。"), {"日期"}),
    ("date in a table", lambda d: d.tables[0].cell(1, 2).paragraphs[0].runs[0]
     .__setattr__("text", "2018年7月05日前上报"), {"日期"}),
    ("missing even footer", _unlink_even, {"页码"}),
    ("theme font", _theme, {"主题字体", "正文字体"}),
    ("title in 黑体", lambda d: _set_font(d, "关于做好", "黑体"), {"标题"}),
    ("no first-line indent", _no_indent, {"首行缩进"}),
    ("1.5 line spacing", _line, {"行距"}),
    ("ordinal skipped", lambda d: _retext(d, "二、", "三、责任分工"), {"层次序数"}),
    ("signature indent", _signature, {"署名"}),
    ("month-only date", lambda d: _retext(d, DATE, "2024年9月"), {"成文日期", "署名"}),
    ("language", _lang, {"语言"}),
]


@pytest.mark.parametrize(("change", "expected"), [m[1:] for m in MUTATIONS],
                         ids=[m[0] for m in MUTATIONS])
def test_lint_catches(sample: Path, tmp_path: Path, change: Callable[[Document], None],
                      expected: set[str]) -> None:
    doc = docx.Document(str(sample))
    change(doc)
    broken = tmp_path / "broken.docx"
    doc.save(broken)
    found = lint_docx(broken)
    assert {d.rule for d in found} == expected, format_departures(found)
    assert all(isinstance(d, Departure) and d.message for d in found)


def test_format_departures_one_per_line() -> None:
    text = format_departures([Departure("边距", "左边距应为 28±1 毫米", "第1节"),
                              Departure("语言", "默认语言应为 zh-CN")])
    assert text.splitlines() == ["[边距] 第1节：左边距应为 28±1 毫米", "[语言] 默认语言应为 zh-CN"]


def test_not_a_word_file(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.docx"
    text_file.write_text("not a zip", encoding="utf-8")
    with pytest.raises(FupinError, match="notes.docx.*不是 Word 文档"):
        lint_docx(text_file)
    other_zip = tmp_path / "archive.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FupinError, match="archive.docx.*word/document.xml"):
        lint_docx(other_zip)
    with pytest.raises(FupinError, match="missing.docx"):
        lint_docx(tmp_path / "missing.docx")
