"""Workbooks with openpyxl: a styled header, bordered body, totals, and reproducible bytes."""

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

#: a sheet's columns: (header, width in characters)
Columns = list[tuple[str, int]]


def build_date() -> dt.datetime:
    """Return the timestamp written into files: SOURCE_DATE_EPOCH when set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2018, 1, 1)


def new_sheet(wb: Workbook, title: str, columns: Columns, *, first: bool = False) -> Any:
    """Return a sheet named `title` with its header row written, sized and frozen."""
    sheet: Any = wb.active if first else wb.create_sheet(title)
    sheet.title = title
    sheet.append([name for name, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(1, i)
        cell.font, cell.fill, cell.border = HEAD_FONT, _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    return sheet


def finish_body(sheet: Any, columns: int, money_col: int) -> None:
    """Style the body rows and switch the filter on over them."""
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=columns):
        for cell in row:
            cell.font, cell.border = BODY_FONT, _BORDER
        row[money_col - 1].number_format = MONEY
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(sheet.max_row, 2)}"


def add_total(sheet: Any, row: list[Any], money_col: int, *, bold: bool = True) -> None:
    """Append a totals row below the filter range (filtering never hides or counts it)."""
    sheet.append(row)
    last = sheet.max_row
    if bold:
        for cell in sheet[last]:
            cell.font = HEAD_FONT
    sheet.cell(last, money_col).number_format = MONEY


def workbook_bytes(wb: Workbook) -> bytes:
    """Return the workbook's bytes with fixed timestamps, inside and on the zip members."""
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
