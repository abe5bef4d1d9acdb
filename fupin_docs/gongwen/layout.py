"""Build GB/T 9704-2012 Word documents with python-docx: page, headings, tables, signature."""

from __future__ import annotations

import math
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from fupin_docs.errors import FupinError
from fupin_docs.gongwen.measures import (
    LINE,
    SEAL_WIDTH_MM,
    TEXT_WIDTH_MM,
    ZI,
    seal_offset,
    signature_indents,
)
from fupin_docs.gongwen.oxml import PPR_ORDER, float_picture, set_child, set_fonts
from fupin_docs.gongwen.styles import (
    STYLE_CELL,
    STYLE_CELL_HEAD,
    STYLE_DATE,
    STYLE_FLUSH,
    STYLE_HEADINGS,
    STYLE_SIGNATURE,
    STYLE_TABLE,
    STYLE_TITLE,
    setup_defaults,
    setup_page_numbers,
    setup_styles,
)
from fupin_docs.i18n import tr

# Render-time placeholders written into w:ind/@w:right (twips) and the seal's horizontal
# wp:posOffset (EMU) when the 署名 or date is a Jinja expression; fill them from
# signature_context() under the name ``signature``.
UNIT_INDENT = "{{ signature.unit_indent }}"
DATE_INDENT = "{{ signature.date_indent }}"
SEAL_UNIT_INDENT = "{{ signature.seal_unit_indent }}"
SEAL_OFFSET = "{{ signature.seal_offset }}"



def new_document(*, page_numbers: bool = True) -> Document:
    """Return an empty A4 document with the 公文 page, grid, styles (and page numbers)."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # the default is US Letter
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.gutter = 0
    section.footer_distance = Mm(25)  # puts the page number's dash ≈7 mm below the 版心
    grid = set_child(section._sectPr, "w:docGrid", ("w:docGrid",), type="lines", linePitch=LINE)
    if qn("w:charSpace") in grid.attrib:
        del grid.attrib[qn("w:charSpace")]
    setup_defaults(doc)
    setup_styles(doc)
    if page_numbers:
        setup_page_numbers(doc)
    return doc


def add_title(doc: Document, text: str, *, blank_after: bool = True) -> Paragraph:
    """Return a new 2号小标宋 centred title; "\\n" breaks lines; a blank line follows (§7.3.2)."""
    p = doc.add_paragraph(style=STYLE_TITLE)
    for i, line in enumerate(text.split("\n")):
        run = p.add_run()
        if i:
            run.add_break()
        run.add_text(line)
    if blank_after:
        doc.add_paragraph()
    return p


def add_heading(doc: Document, text: str, level: int) -> Paragraph:
    """Return a new heading: 1 "一、" 黑体, 2 "（一）" 楷体, 3 "1." / "（1）" 仿宋."""
    if level not in STYLE_HEADINGS:
        raise ValueError(f"heading level must be 1, 2 or 3, not {level!r}")
    return doc.add_paragraph(text, style=STYLE_HEADINGS[level])


def add_body(doc: Document, text: str) -> Paragraph:
    """Return a new body paragraph (正文: 3号仿宋, first line indented 2 字, justified)."""
    return doc.add_paragraph(text)


def add_plain(doc: Document, text: str, style: str | None = None) -> Paragraph:
    """Return a new paragraph without indent (主送机关 "尊敬的家长：", 敬礼), or in `style`."""
    return doc.add_paragraph(text, style=style or STYLE_FLUSH)


def keep_with_next(p: Paragraph) -> Paragraph:
    """Return `p`, set to stay on one page with the paragraph after it."""
    set_child(p._p.get_or_add_pPr(), "w:keepNext", PPR_ORDER)
    return p


def add_signature(doc: Document, unit: str, date_text: str, seal_image: str | Path | None = None,
                  *, seal_width_mm: float = SEAL_WIDTH_MM) -> tuple[Paragraph, Paragraph]:
    """Return the (署名, 成文日期) paragraphs, laid out per §7.3.5.

    When `unit` or `date_text` holds a Jinja tag the indents (and seal offset) are written
    as the ``signature.*`` placeholders, to be filled from signature_context() at render time.
    The seal is an image floating over the 署名 and date, centred on the date.
    """
    templated = any(mark in unit + date_text for mark in ("{{", "{%"))
    seal = seal_image is not None
    if seal_image is not None and not Path(seal_image).is_file():
        raise FupinError(tr(f"找不到印章图片：{seal_image}",
                            f"seal image not found: {seal_image}"))
    line_pt = LINE / 20
    seal_pt = seal_width_mm / 25.4 * 72
    # the text sits a little below the seal's centre (§7.3.5.1): centre ¾ line into the 署名
    seal_top = 0.75 * line_pt - seal_pt / 2
    blanks = max(1, math.ceil(-seal_top / line_pt)) if seal else 1  # seal top ≤ 1 line below body
    for _ in range(blanks):
        keep_with_next(doc.add_paragraph())
    sig = keep_with_next(doc.add_paragraph(style=STYLE_SIGNATURE))
    if seal:
        run = sig.add_run()
        run.add_picture(str(seal_image), width=Mm(seal_width_mm))
        offset = SEAL_OFFSET if templated else str(seal_offset(date_text, seal_width_mm))
        float_picture(run._r, offset, round(seal_top * 12700))
    sig.add_run(unit)
    date = doc.add_paragraph(date_text, style=STYLE_DATE)
    indents: tuple[str | int, str | int]
    if templated and seal:
        indents = SEAL_UNIT_INDENT, 4 * ZI
    elif templated:
        indents = UNIT_INDENT, DATE_INDENT
    else:
        indents = signature_indents(unit, date_text, seal=seal)
    unit_indent, date_indent = indents
    for p, indent in ((sig, unit_indent), (date, date_indent)):
        set_child(p._p.get_or_add_pPr(), "w:ind", PPR_ORDER, right=indent)
    return sig, date


def add_table(doc: Document, header: list[str], rows: list[list[str]],
              widths_mm: list[float] | None = None) -> Table:
    """Return a new full-width table: single black borders, 黑体 header, 仿宋 4号 cells."""
    columns = len(header)
    if any(len(row) != columns for row in rows):
        raise ValueError(f"every row needs {columns} cells")
    widths = widths_mm or [TEXT_WIDTH_MM / columns] * columns
    if len(widths) != columns:
        raise ValueError(f"widths_mm needs {columns} values")
    table = doc.add_table(rows=1 + len(rows), cols=columns)
    table.style = doc.styles[STYLE_TABLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
        grid_col.w = Mm(width)
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(round(sum(widths) * 1440 / 25.4)))
    for i, values in enumerate([header, *rows]):
        for cell, value, width in zip(table.rows[i].cells, values, widths):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles[STYLE_CELL_HEAD if i == 0 else STYLE_CELL]
            p.add_run(value)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))  # repeat the header row on every page
    return table


__all__ = ["new_document", "add_title", "add_heading", "add_body", "add_plain", "add_signature",
           "add_table", "keep_with_next", "set_fonts"]
