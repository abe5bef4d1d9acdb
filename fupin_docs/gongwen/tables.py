"""Tables for the form templates: rows repeated per item, columns sized by the data."""

from __future__ import annotations

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from fupin_docs.gongwen import layout
from fupin_docs.gongwen.oxml import set_child

# Child order of w:tcPr (ECMA-376 CT_TcPr): new children go in at their rank.
TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
              "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
              "w:hideMark")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
               "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def loop_table(doc: Document, header: list[str], loop: str, cells: list[str],
               widths: list[float]) -> Table:
    """Return a new table whose middle row repeats per item (docxtpl ``{%tr for %}`` rows)."""
    blank = [""] * (len(header) - 1)
    return layout.add_table(doc, header, [[f"{{%tr for {loop} %}}"] + blank, cells,
                                          ["{%tr endfor %}"] + blank], widths)


def fitted_table(doc: Document, header: list[str], loop: str, cells: list[str], name: str,
                 total_twips: int, *, merge: tuple[int, ...] = ()) -> Table:
    """Return a loop table whose column widths are the data's ``widths.<name>`` (twips).

    The template data sizes the columns to what they will hold (measures.fit_widths), so no
    cell breaks a name or an amount and no column is wider than it needs. Columns in `merge`
    are merged down over the rows of one item group: the row data gives each ``r.merge``
    ("restart" on a group's first row, "continue" below it).
    """
    table = loop_table(doc, header, loop, cells, [10.0] * len(header))
    placeholders = [f"{{{{ widths.{name}[{i}] }}}}" for i in range(len(header))]
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, placeholders):
        grid_col.set(qn("w:w"), width)
    tbl_pr = table._tbl.tblPr
    set_child(tbl_pr, "w:tblW", TBLPR_ORDER, w=total_twips, type="dxa")
    set_child(tbl_pr, "w:tblLayout", TBLPR_ORDER, type="fixed")
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            tc_pr = cell._tc.get_or_add_tcPr()
            set_child(tc_pr, "w:tcW", TCPR_ORDER, w=placeholders[i], type="dxa")
    content = table.rows[2]
    content._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on a page
    for i in merge:
        tc_pr = content.cells[i]._tc.get_or_add_tcPr()
        set_child(tc_pr, "w:vMerge", TCPR_ORDER, val="{{ r.merge }}")
    return table


def fixed_widths(table: Table, widths_mm: list[float], total_twips: int) -> Table:
    """Return `table` with a fixed layout over the whole text width, columns in proportion."""
    scale = total_twips / sum(widths_mm)
    twips = [int(w * scale) for w in widths_mm]
    twips[-1] += total_twips - sum(twips)
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, twips):
        grid_col.set(qn("w:w"), str(width))
    tbl_pr = table._tbl.tblPr
    set_child(tbl_pr, "w:tblW", TBLPR_ORDER, w=total_twips, type="dxa")
    set_child(tbl_pr, "w:tblLayout", TBLPR_ORDER, type="fixed")
    for row in table.rows:
        for cell, width in zip(row.cells, twips):
            set_child(cell._tc.get_or_add_tcPr(), "w:tcW", TCPR_ORDER, w=width, type="dxa")
    return table
