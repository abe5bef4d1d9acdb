"""The 公文 styles (正文, titles, headings, signature, table, page number) and their numbers."""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

from fupin_docs.gongwen.measures import CHAR_SPACING, LINE, ZI
from fupin_docs.gongwen.oxml import (
    PPR_ORDER,
    RPR_ORDER,
    no_first_line_indent,
    ppr_of,
    set_child,
    set_fonts,
    set_run_props,
    strip_theme,
)

FANGSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
XIAOBIAOSONG = "方正小标宋简体"

STYLE_TITLE = "公文标题"
STYLE_HEADINGS = {1: "一级标题", 2: "二级标题", 3: "三级标题"}
STYLE_FLUSH = "顶格"           # no indent: 主送机关, 敬礼
STYLE_SIGNATURE = "署名"
STYLE_DATE = "成文日期"
STYLE_CELL, STYLE_CELL_HEAD = "表格文字", "表头文字"
STYLE_TABLE = "公文表格"
STYLE_PAGE_NUMBER = "页码"


def setup_defaults(doc: Document) -> None:
    """Make docDefaults 仿宋 16 pt zh-CN and remove every theme font reference."""
    root = doc.styles.element
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr, FANGSONG)
    set_run_props(rpr, half_points=32)
    set_child(rpr, "w:lang", RPR_ORDER, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    set_child(ppr, "w:spacing", PPR_ORDER, before=0, after=0, line=240, lineRule="auto")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    for rfonts in list(root.iter(qn("w:rFonts"))):
        strip_theme(rfonts)
        if not rfonts.attrib:  # nothing left to say
            rfonts.getparent().remove(rfonts)


def _paragraph_style(doc: Document, name: str, style_id: str, base: BaseStyle,
                     east: str | None = None, half_points: int | None = None) -> BaseStyle:
    """Return a new paragraph style `name` based on `base`, with an ASCII style id."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = base
    style.quick_style = True
    if east:
        set_fonts(style.element, east)
    set_run_props(style.element, half_points=half_points, bold=False)
    return style


def setup_styles(doc: Document) -> None:
    """Create Normal (正文) and the title, heading, signature, table and page-number styles."""
    normal = doc.styles["Normal"]
    set_fonts(normal.element, FANGSONG)
    set_run_props(normal.element, half_points=32, spacing=CHAR_SPACING)
    ppr = ppr_of(normal.element)
    set_child(ppr, "w:widowControl", PPR_ORDER, val=0)  # full pages keep all 22 lines
    # no extra space between 汉字 and Latin letters or digits: keeps 28 per line and makes
    # the 署名/日期 widths what signature_indents() assumes
    set_child(ppr, "w:autoSpaceDE", PPR_ORDER, val=0)
    set_child(ppr, "w:autoSpaceDN", PPR_ORDER, val=0)
    # LibreOffice reads overflowPunct=1 as "no hanging punctuation" (Word: overflow allowed,
    # its Chinese default). With hanging on, LibreOffice drops a "，" or "。" that falls just
    # past the 28th character of a justified line after the first, for about one line width
    # in seven (measured, 7.4); without it the character before moves down with the mark.
    set_child(ppr, "w:overflowPunct", PPR_ORDER, val=1)
    set_child(ppr, "w:spacing", PPR_ORDER, before=0, after=0, line=LINE, lineRule="exact")
    set_child(ppr, "w:ind", PPR_ORDER, firstLine=2 * ZI, firstLineChars=200)
    set_child(ppr, "w:jc", PPR_ORDER, val="both")

    title = _paragraph_style(doc, STYLE_TITLE, "GWTitle", normal, XIAOBIAOSONG, 44)
    set_run_props(title.element, spacing=0)
    no_first_line_indent(title.element)
    set_child(ppr_of(title.element), "w:jc", PPR_ORDER, val="center")
    # off the grid: LibreOffice gives a 22 pt line two grid cells; Word keeps it to one
    set_child(ppr_of(title.element), "w:snapToGrid", PPR_ORDER, val=0)

    for level, east in ((1, HEITI), (2, KAITI), (3, FANGSONG)):
        heading = _paragraph_style(doc, STYLE_HEADINGS[level], f"GWHeading{level}", normal, east)
        heading.next_paragraph_style = normal  # type: ignore[attr-defined]  # a paragraph style
        hp = ppr_of(heading.element)
        set_child(hp, "w:keepNext", PPR_ORDER)
        set_child(hp, "w:outlineLvl", PPR_ORDER, val=level - 1)  # Word's navigation pane

    flush = _paragraph_style(doc, STYLE_FLUSH, "GWFlush", normal)
    no_first_line_indent(flush.element)
    set_child(ppr_of(flush.element), "w:jc", PPR_ORDER, val="left")

    signature = _paragraph_style(doc, STYLE_SIGNATURE, "GWSignature", normal)
    no_first_line_indent(signature.element)
    set_child(ppr_of(signature.element), "w:ind", PPR_ORDER, right=2 * ZI)
    set_child(ppr_of(signature.element), "w:jc", PPR_ORDER, val="right")
    _paragraph_style(doc, STYLE_DATE, "GWDate", signature)

    # 小四 (12 pt), left-aligned: forms hold many short cells that must not wrap letter by letter
    cell = _paragraph_style(doc, STYLE_CELL, "GWCell", normal, FANGSONG, 24)
    set_run_props(cell.element, spacing=0)
    no_first_line_indent(cell.element)
    set_child(ppr_of(cell.element), "w:jc", PPR_ORDER, val="left")
    set_child(ppr_of(cell.element), "w:snapToGrid", PPR_ORDER, val=0)  # not the 28.95 pt body grid
    set_child(ppr_of(cell.element), "w:spacing", PPR_ORDER, line=240, lineRule="auto")
    head = _paragraph_style(doc, STYLE_CELL_HEAD, "GWCellHead", cell, HEITI)
    set_child(ppr_of(head.element), "w:jc", PPR_ORDER, val="center")

    number = _paragraph_style(doc, STYLE_PAGE_NUMBER, "GWPageNumber", normal, SONGTI, 28)
    set_fonts(number.element, SONGTI, SONGTI)
    set_run_props(number.element, spacing=0)
    no_first_line_indent(number.element)
    set_child(ppr_of(number.element), "w:spacing", PPR_ORDER, line=240, lineRule="auto")

    table = doc.styles.add_style(STYLE_TABLE, WD_STYLE_TYPE.TABLE)
    table.style_id = "GWTable"
    table.base_style = doc.styles["Normal Table"]
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'))


def setup_page_numbers(doc: Document) -> None:
    """Write "— PAGE —" footers: odd pages right 空一字, even pages left 空一字 (§7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLE_PAGE_NUMBER]
        ppr = p._p.get_or_add_pPr()
        # one 4号 character (14 pt = 280 twips), the size of the page number itself
        set_child(ppr, "w:ind", PPR_ORDER, **{side: 280})
        set_child(ppr, "w:jc", PPR_ORDER, val=side)
        for part in ("— ", "begin", " PAGE ", "separate", "1", "end", " —"):
            _page_number_run(p, part)


def _page_number_run(p: Paragraph, part: str) -> None:
    """Append one 14 pt 宋体 run holding a text or one part of the PAGE field.

    Each field part gets its own run: with all parts in one run LibreOffice printed the
    number at the paragraph's size instead of the run's.
    """
    run = p.add_run()
    set_fonts(run._r, SONGTI, SONGTI)  # the em dashes are drawn with the ASCII font
    set_run_props(run._r, half_points=28)
    if part in ("begin", "separate", "end"):
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), part)
        run._r.append(fld)
    elif part.strip() == "PAGE":
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = part
        run._r.append(instr)
    else:
        run.text = part
