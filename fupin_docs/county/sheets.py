"""Workbooks too large to write cell by cell with openpyxl: a county's ledger has a line per
pupil and item, some 150,000 for 45,000 pupils, which openpyxl takes minutes over.

Each sheet is first made by openpyxl through render.xlsx, as every workbook is: title, header,
column widths, frozen panes, one page wide in landscape with the header repeated, footer and
page numbers, and a few sample rows styled as the body and the totals are. Then the sample
rows are replaced by the real ones, written straight into the sheet's XML in the samples'
styles and deflated as they are made. Every text is written as text (an inline string, never
a formula); text a spreadsheet would read as a formula once edited gets the quote prefix, as
render.xlsx.text_cells gives it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from fupin_docs.render.fastzip import DeflateWriter, Member, inflate, read_members, write_zip

if TYPE_CHECKING:  # openpyxl (through render.xlsx) is imported only when a workbook is made
    from fupin_docs.render import xlsx

#: a cell's value: text, a whole number or an amount, or nothing
Cell = str | int | Decimal | None
#: rows written at a time into the deflater
CHUNK = 2000
#: characters XML 1.0 cannot hold; written as Excel writes them, _x0001_
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROW = re.compile(r'<row r="(\d+)"[^>]*>(.*?)</row>', re.DOTALL)
_CELL = re.compile(r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?')
#: the sample rows every sheet is made with, under the header (row 2)
BODY_TEXT, BODY_QUOTED, BODY_NUMBER, TOTAL_TEXT, TOTAL_NUMBER = 3, 4, 5, 6, 7


@dataclass
class Sheet:
    """One sheet: its columns, title and footer, body rows and totals rows below them."""

    name: str
    columns: xlsx.Columns
    title: str
    footer: str
    rows: Sequence[Sequence[Cell]]
    #: the column of amounts (1-based), formatted #,##0.00
    money_col: int | None = None
    #: rows after the body, bold and outside the filter
    totals: Sequence[Sequence[Cell]] = field(default_factory=list)


def workbook(sheets: list[Sheet]) -> bytes:
    """Return the workbook of `sheets` (in order), reproducible byte for byte."""
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    wb = Workbook()
    for i, sheet in enumerate(sheets):
        made = xlsx.new_sheet(wb, sheet.name, sheet.columns, sheet.title, sheet.footer,
                              first=i == 0)
        width = len(sheet.columns)
        made.append(["x"] * width)
        made.append(["=x"] * width)
        made.append([0] * width)
        xlsx.finish_body(made, width, sheet.money_col)
        xlsx.add_total(made, ["x"] * width, sheet.money_col)
        xlsx.add_total(made, [0] * width, sheet.money_col)
    members = read_members(xlsx.workbook_bytes(wb))
    parts = {f"xl/worksheets/sheet{i}.xml": sheet for i, sheet in enumerate(sheets, start=1)}
    ranges: dict[str, str] = {}
    out: list[Member] = []
    book: Member | None = None
    for member in members:
        found = parts.get(member.name)
        if found is not None:
            member, ranges[found.name] = _filled(member, found)
        elif member.name == "xl/workbook.xml":
            book = member
        out.append(member)
    assert book is not None
    xml = inflate(book).decode("utf-8")
    for name, ref in ranges.items():  # the filter's own name holds the body's range
        quoted = re.escape(name.replace("'", "''"))
        xml = re.sub(rf"(<definedName name=\"_xlnm._FilterDatabase\"[^>]*>'{quoted}'!)[^<]*"
                     r"(</definedName>)", rf"\g<1>{ref}\g<2>", xml)
    result = write_zip(out, {"xl/workbook.xml": xml})
    assert result is not None
    return result


def _filled(member: Member, sheet: Sheet) -> tuple[Member, str]:
    """Return the sheet's part with its sample rows replaced by the real ones, and the
    filter's range ($A$2:$Q$n)."""
    from openpyxl.utils import get_column_letter

    from fupin_docs.render.xlsx import FORMULA_START

    xml = inflate(member).decode("utf-8")
    styles: dict[int, list[str]] = {}
    for m in _ROW.finditer(xml):
        styles[int(m.group(1))] = [s or "0" for _, s in _CELL.findall(m.group(2))]
    start = xml.index('<row r="3"')
    end = xml.index("</sheetData>")
    head, tail = xml[:start], xml[end:]
    width = len(sheet.columns)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    last = letters[-1]
    last_body = max(2 + len(sheet.rows), 3)
    last_row = 2 + len(sheet.rows) + len(sheet.totals)
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}{last_row}"/>', head)
    tail = re.sub(r'<autoFilter ref="[^"]*"', f'<autoFilter ref="A2:{last}{last_body}"', tail)
    writer = DeflateWriter()
    writer.write(head)
    chunk: list[str] = []
    for row_no, row in enumerate(sheet.rows, start=3):
        chunk.append(_row(row_no, row, letters, styles[BODY_TEXT], styles[BODY_QUOTED],
                          styles[BODY_NUMBER], FORMULA_START))
        if len(chunk) >= CHUNK:
            writer.write("".join(chunk))
            chunk = []
    for row_no, row in enumerate(sheet.totals, start=3 + len(sheet.rows)):
        chunk.append(_row(row_no, row, letters, styles[TOTAL_TEXT], styles[TOTAL_TEXT],
                          styles[TOTAL_NUMBER], FORMULA_START))
    writer.write("".join(chunk))
    writer.write(tail)
    return writer.finish(member.name), f"$A$2:${last}${last_body}"


def _row(number: int, values: Sequence[Cell], letters: list[str], text: list[str],
         quoted: list[str], numeric: list[str], formula_start: tuple[str, ...]) -> str:
    """Return one row's XML: each value in its column's style (text that starts like a
    formula, `formula_start`, in the quoted style)."""
    cells = []
    for i, value in enumerate(values):
        ref = f"{letters[i]}{number}"
        if value is None or value == "":
            cells.append(f'<c r="{ref}" s="{text[i]}"/>')
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            cells.append(f'<c r="{ref}" s="{numeric[i]}"><v>{value:f}</v></c>'
                         if isinstance(value, Decimal) else
                         f'<c r="{ref}" s="{numeric[i]}"><v>{value}</v></c>')
        else:
            s = str(value)
            style = quoted[i] if s.startswith(formula_start) else text[i]
            cells.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is>{_text(s)}</is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _text(value: str) -> str:
    """Return a text run: escaped, characters XML cannot hold written _x0001_, spaces kept."""
    body = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", body)
    if body != body.strip():
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"
