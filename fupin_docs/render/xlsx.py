"""Workbooks with openpyxl: a title, a styled header, bordered body, totals, print setup, and
reproducible bytes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fupin_docs.render.fastzip import inflate, read_members, write_zip

MONEY = "#,##0.00"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HEAD_FONT = Font(name="黑体", bold=True)
BODY_FONT = Font(name="宋体")
TITLE_FONT = Font(name="黑体", bold=True, size=14)
#: the row the column headers are on: a title sits above them
HEADER_ROW = 2

#: how text starts that a spreadsheet reads as a formula when it is typed or edited
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

#: a sheet's columns: (header, width in characters)
Columns = list[tuple[str, int]]


def build_date() -> dt.datetime:
    """Return the timestamp written into files: SOURCE_DATE_EPOCH when set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2018, 1, 1)


def new_sheet(wb: Workbook, name: str, columns: Columns, title: str, footer: str, *,
              first: bool = False) -> Any:
    """Return a sheet named `name`: `title` above the header row, sized, frozen, and set up to
    print landscape on A4, as wide as one page, header repeated, `footer` and page numbers."""
    sheet: Any = wb.active if first else wb.create_sheet(name)
    sheet.title = name
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.cell(1, 1).font = TITLE_FONT
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 26
    sheet.append([name for name, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(HEADER_ROW, i)
        cell.font, cell.fill, cell.border = HEAD_FONT, _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages long as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    # in a header or footer "&" starts a code (&P the page, &B bold): the data's own are doubled
    sheet.oddHeader.center.text = header_text(title)
    sheet.oddFooter.left.text = header_text(footer)
    sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    return sheet


def finish_body(sheet: Any, columns: int, money_col: int | None) -> None:
    """Style the body rows (amounts in `money_col`, if any) and switch the filter on."""
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=sheet.max_row, max_col=columns):
        for cell in row:
            cell.font, cell.border = BODY_FONT, _BORDER
        if money_col is not None:
            row[money_col - 1].number_format = MONEY
    last = max(sheet.max_row, HEADER_ROW + 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{last}"


def add_total(sheet: Any, row: list[Any], money_col: int | None, *, bold: bool = True) -> None:
    """Append a totals row below the filter range (filtering never hides or counts it)."""
    sheet.append(row)
    last = sheet.max_row
    if bold:
        for cell in sheet[last]:
            cell.font = HEAD_FONT
    if money_col is not None:
        sheet.cell(last, money_col).number_format = MONEY


def header_text(text: str) -> str:
    """Return `text` for a page header or footer, printed as written (its "&" doubled)."""
    return text.replace("&", "&&")


def text_cells(wb: Workbook) -> None:
    """Make every text cell of `wb` a string, whatever it starts with.

    openpyxl turns text that starts with "=" into a formula and "#N/A" into an error value;
    a name such as =HYPERLINK("http://…") from the data would then run when the workbook is
    opened. Text that a spreadsheet would read as a formula once the cell is edited (it starts
    with = + - @, a tab or a line break) is also marked with a quote prefix, as Excel marks
    text typed after an apostrophe, so that it stays text.
    """
    for sheet in wb.worksheets:
        for cell in getattr(sheet, "_cells", {}).values():  # only the cells written
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True


def workbook_bytes(wb: Workbook) -> bytes:
    """Return the workbook's bytes with fixed timestamps, inside and on the zip members.

    Every text cell is written as text, never as a formula (text_cells)."""
    text_cells(wb)
    stamp = build_date()
    wb.properties.creator = "fupin-docs"
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the zip with the current time and docProps/core.xml's `modified` with
    # now, whatever was set: rewrite both with the fixed stamp
    members = read_members(buf.getvalue())
    core = next(m for m in members if m.name == "docProps/core.xml")
    fixed = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{fixed}\g<2>",
                 inflate(core).decode("utf-8"))
    result = write_zip(members, {"docProps/core.xml": xml})
    assert result is not None
    return result
