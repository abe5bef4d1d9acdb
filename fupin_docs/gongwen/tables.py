"""Tables for the form templates: rows repeated per item with docxtpl's ``{%tr %}``."""

from __future__ import annotations

from docx.document import Document
from docx.table import Table

from fupin_docs.gongwen import layout


def loop_table(doc: Document, header: list[str], loop: str, cells: list[str],
               widths: list[float]) -> Table:
    """Return a new table whose middle row repeats per item (docxtpl ``{%tr for %}`` rows)."""
    blank = [""] * (len(header) - 1)
    return layout.add_table(doc, header, [[f"{{%tr for {loop} %}}"] + blank, cells,
                                          ["{%tr endfor %}"] + blank], widths)
