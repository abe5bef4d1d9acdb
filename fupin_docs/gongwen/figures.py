"""Photos in a 公文 Word template: two to a row, each picture over its numbered caption.

A text template marks a caption line ``{#@figure#}`` alone inside a loop over photos::

    {% for f in photos.activities %}
    {#@figure#}图{{ fig.next() }}　{{ f.caption }}
    {% endfor %}

The text version prints the captions where the photos go; the Word template gets a
borderless two-column table instead, one row per pair of photos (``| batch(2)``), each cell
the item's ``image`` (an InlineImage sized to the cell) over the caption line, centred in
仿宋 小四. A row never breaks across pages, so a picture always has its caption under it. With
no photos the table is left out whole.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table, _Cell

from fupin_docs.gongwen.measures import TEXT_WIDTH_MM, TWIPS_PER_MM
from fupin_docs.gongwen.oxml import PPR_ORDER, set_child, set_fonts, set_run_props
from fupin_docs.gongwen.styles import FANGSONG
from fupin_docs.gongwen.tables import TBLPR_ORDER, TCPR_ORDER

#: the caption's size: 小四 (12 pt), under the 三号 body
CAPTION_HALF_POINTS = 24
#: the cell's side margins (twips): the cell holds a 74 mm picture with 1 mm either side
CELL_MARGIN = 57
#: the loop variable of a row (a pair of photos, or the last one alone)
PAIR = "fig_pair"


def add_figures(doc: Document, var: str, items: str, caption: str) -> Table:
    """Return the table that shows the photos `items` (a Jinja expression), bound in turn to
    `var` for the `caption` line (template text), two to a row; it is kept out when there
    are none."""
    doc.add_paragraph("{%p if " + items + " %}")
    table = doc.add_table(rows=3, cols=2)
    _borderless(table)
    table.rows[0].cells[0].paragraphs[0].add_run(
        "{%tr for " + PAIR + " in (" + items + ") | batch(2) %}")
    table.rows[2].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    row = table.rows[1]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # picture and caption together
    for i, cell in enumerate(row.cells):
        item = f"{PAIR}[{i}]"
        opening = "{% with " + var + " = " + item + " %}"
        if i:
            opening = "{% if " + PAIR + " | length > " + str(i) + " %}" + opening
        closing = "{% endwith %}" + ("{% endif %}" if i else "")
        _fill(cell, opening + "{{ " + var + ".image }}" + closing,
              opening + caption + closing)
    doc.add_paragraph("{%p endif %}")
    return table


def _borderless(table: Table) -> None:
    """Make `table` full width in two equal fixed columns, centred, without borders."""
    width = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
    half = width // 2
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    set_child(tbl_pr, "w:tblW", TBLPR_ORDER, w=width, type="dxa")
    borders = set_child(tbl_pr, "w:tblBorders", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    set_child(tbl_pr, "w:tblLayout", TBLPR_ORDER, type="fixed")
    margins = set_child(tbl_pr, "w:tblCellMar", TBLPR_ORDER)
    for side in ("left", "right"):
        mar = OxmlElement(f"w:{side}")
        mar.set(qn("w:w"), str(CELL_MARGIN))
        mar.set(qn("w:type"), "dxa")
        margins.append(mar)
    for grid_col in table._tbl.tblGrid.gridCol_lst:
        grid_col.w = Twips(half)
    for row in table.rows:
        for cell in row.cells:
            set_child(cell._tc.get_or_add_tcPr(), "w:tcW", TCPR_ORDER, w=half, type="dxa")


def _fill(cell: _Cell, picture: str, caption: str) -> None:
    """Put the picture line over the caption line in `cell`, both centred, off the grid."""
    set_child(cell._tc.get_or_add_tcPr(), "w:vAlign", TCPR_ORDER, val="bottom")
    first = cell.paragraphs[0]
    second = cell.add_paragraph()
    for p, text, before, after in ((first, picture, 120, 0), (second, caption, 60, 120)):
        # no keepNext: in a table Word reads it as "keep this row with the next", chaining
        # the rows; the row's cantSplit already keeps each picture with its caption
        ppr = p._p.get_or_add_pPr()
        set_child(ppr, "w:snapToGrid", PPR_ORDER, val=0)
        set_child(ppr, "w:spacing", PPR_ORDER, before=before, after=after, line=240,
                  lineRule="auto")
        set_child(ppr, "w:ind", PPR_ORDER, left=0, right=0, firstLine=0, firstLineChars=0)
        set_child(ppr, "w:jc", PPR_ORDER, val="center")
        run = p.add_run(text)
        set_fonts(run._r, FANGSONG)
        set_run_props(run._r, half_points=CAPTION_HALF_POINTS, spacing=0)


__all__ = ["add_figures"]
