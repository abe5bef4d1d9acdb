"""Word forms that are not 公文 (告知单, 联系卡, tables): a compact page, 小四 text, 第X页 共Y页.

They keep the 公文 styles' names and fonts, so one set of styles serves both, but drop the
22-line grid: a form must fit its page, not fill a 版心.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from fupin_docs.gongwen import layout
from fupin_docs.gongwen.measures import TWIPS_PER_MM, TWIPS_PER_PT
from fupin_docs.gongwen.oxml import PPR_ORDER, ppr_of, set_child, set_fonts, set_run_props
from fupin_docs.gongwen.styles import (
    FANGSONG,
    SONGTI,
    STYLE_CELL,
    STYLE_CELL_HEAD,
    STYLE_FLUSH,
    STYLE_HEADINGS,
    STYLE_PAGE_NUMBER,
    STYLE_TITLE,
)

BODY_PT = 12.0     # 小四
CELL_PT = 10.5     # 五号
TITLE_PT = 18.0    # 小二
HEADING_PT = 14.0  # 四号


@dataclass(frozen=True)
class FormPage:
    """An A4 page for a form: orientation and margins in mm."""

    landscape: bool = False
    top: float = 18
    bottom: float = 16
    left: float = 20
    right: float = 20

    @property
    def width_mm(self) -> float:
        """Return the width of the text area."""
        return (297 if self.landscape else 210) - self.left - self.right

    @property
    def height_mm(self) -> float:
        """Return the height of the text area."""
        return (210 if self.landscape else 297) - self.top - self.bottom

    @property
    def width_twips(self) -> int:
        """Return the width of the text area in twips (table widths are given in them)."""
        return int(self.width_mm * TWIPS_PER_MM)


PORTRAIT = FormPage()
LANDSCAPE = FormPage(landscape=True, top=16, bottom=16, left=15, right=15)


def new_form(page: FormPage = PORTRAIT, *, body_pt: float = BODY_PT, cell_pt: float = CELL_PT,
             page_numbers: bool = False) -> Document:
    """Return an empty form: A4 `page`, body `body_pt`, cells `cell_pt`, no line grid."""
    doc = layout.new_document(page_numbers=False)
    section = doc.sections[0]
    if page.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
    section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
    section.header_distance, section.footer_distance = Mm(8), Mm(8)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)  # a form is laid out by its content, not a 22-line grid
    styles = doc.styles
    normal = styles["Normal"].element
    set_run_props(normal, half_points=round(body_pt * 2), spacing=0)
    body = ppr_of(normal)
    set_child(body, "w:spacing", PPR_ORDER, before=0, after=0, line=264, lineRule="auto")
    set_child(body, "w:ind", PPR_ORDER, firstLine=round(2 * body_pt * TWIPS_PER_PT),
              firstLineChars=200)
    set_child(body, "w:snapToGrid", PPR_ORDER, val=0)
    set_child(body, "w:widowControl", PPR_ORDER, val=1)
    title = styles[STYLE_TITLE].element
    set_run_props(title, half_points=round(TITLE_PT * 2))
    set_child(ppr_of(title), "w:spacing", PPR_ORDER, before=0, after=120, line=240,
              lineRule="auto")
    set_child(ppr_of(title), "w:keepNext", PPR_ORDER)
    for level in (1, 2):
        heading = styles[STYLE_HEADINGS[level]].element
        set_run_props(heading, half_points=round(HEADING_PT * 2 if level == 1 else body_pt * 2))
        set_child(ppr_of(heading), "w:spacing", PPR_ORDER, before=100, after=40, line=240,
                  lineRule="auto")
    set_child(ppr_of(styles[STYLE_FLUSH].element), "w:ind", PPR_ORDER, firstLine=0,
              firstLineChars=0)
    for name in (STYLE_CELL, STYLE_CELL_HEAD):
        set_run_props(styles[name].element, half_points=round(cell_pt * 2))
    if page_numbers:
        add_page_x_of_y(doc)
    return doc


def add_page_x_of_y(doc: Document) -> None:
    """Put "第 X 页 共 Y 页" centred in the footer of every page."""
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.style = doc.styles[STYLE_PAGE_NUMBER]
    set_child(ppr_of(p._p), "w:jc", PPR_ORDER, val="center")
    for part in ("第 ", "PAGE", " 页　共 ", "NUMPAGES", " 页"):
        if part in ("PAGE", "NUMPAGES"):
            _field(p, part)
        else:
            _run(p, part)


def _run(p: Paragraph, text: str) -> None:
    """Append a 五号 宋体 run of `text` to a footer paragraph."""
    run = p.add_run(text)
    set_fonts(run._r, SONGTI, SONGTI)
    set_run_props(run._r, half_points=21)


def _field(p: Paragraph, name: str) -> None:
    """Append a PAGE or NUMPAGES field, each part in its own run (LibreOffice needs that)."""
    for kind in ("begin", "instr", "separate", "1", "end"):
        run = p.add_run()
        set_fonts(run._r, SONGTI, SONGTI)
        set_run_props(run._r, half_points=21)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {name} "
            run._r.append(instr)
        elif kind == "1":
            run.text = "1"
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)


__all__ = ["BODY_PT", "CELL_PT", "FANGSONG", "FormPage", "LANDSCAPE", "PORTRAIT",
           "add_page_x_of_y", "new_form"]
