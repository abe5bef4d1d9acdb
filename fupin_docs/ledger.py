"""The subsidy ledger (资助台账): an .xlsx with one row per child and entitlement, plus totals."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fupin_docs.cnformat import mask_id, rmb_upper
from fupin_docs.household import HouseholdContexts
from fupin_docs.project import LoadedProject
from fupin_docs.render.fastzip import inflate, read_members, write_zip

MONEY = "#,##0.00"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD_FONT = Font(name="黑体", bold=True)
_BODY_FONT = Font(name="宋体")

DETAIL = [("序号", 6), ("所在村/连队", 12), ("户编号", 10), ("户主", 10), ("户主身份证号", 21),
          ("学生", 10), ("性别", 6), ("学段年级", 14), ("学生身份证号", 21), ("资助项目", 28),
          ("种类", 8), ("标准", 16), ("每学年金额（元）", 16), ("计入合计", 9), ("政策依据", 22),
          ("结对教师", 10)]
SUMMARY = [("序号", 6), ("所在村/连队", 12), ("户编号", 10), ("户主", 10), ("学生人数", 9),
           ("每学年合计（元）", 16), ("大写", 30), ("结对教师", 10)]


def build_date() -> dt.datetime:
    """Return the timestamp written into files: SOURCE_DATE_EPOCH when set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2018, 1, 1)


def ledger_xlsx(loaded: LoadedProject, contexts: HouseholdContexts, *, full_ids: bool) -> bytes:
    """Return the ledger workbook; ID numbers are masked unless `full_ids` (internal records)."""
    raw = {h.id: h for h in loaded.project.households}
    wb = Workbook()
    detail = wb.active
    detail.title = "资助明细"
    summary = wb.create_sheet("按户汇总")
    _header(detail, DETAIL)
    _header(summary, SUMMARY)
    grand = Decimal(0)
    row_no = 0
    for n, (household, ctx) in enumerate(contexts, start=1):
        h = ctx["household"]
        teacher = ctx["teacher"]["name"] if ctx["teacher"] else ""
        head_id = _id(raw[household.id].id_number, full_ids)
        for i, child in enumerate(ctx["children"]):
            child_id = _id(household.children[i].id_number, full_ids)
            items = child["entitlements"] or [None]
            for e in items:
                row_no += 1
                detail.append([row_no, h["unit"], h["id"], h["head"], head_id, child["name"],
                               child["gender"], child["stage_text"], child_id,
                               e["name"] if e else "（无适用项目）", e["kind"] if e else "",
                               e["standard"] if e else "", e["yearly"] if e else Decimal(0),
                               ("是" if e["counted"] else "否") if e else "",
                               e["source"] if e else "", teacher])
        summary.append([n, h["unit"], h["id"], h["head"], len(ctx["children"]),
                        ctx["yearly_total"], rmb_upper(ctx["yearly_total"]), teacher])
        grand += ctx["yearly_total"]
    _finish(detail, len(DETAIL), money_col=13)
    _finish(summary, len(SUMMARY), money_col=6)
    # totals sit below the filter range so filtering never hides or counts them
    detail.append([None] * 11 + ["合计", grand])
    summary.append([None, None, None, "合计", None, grand, rmb_upper(grand)])
    for sheet, col in ((detail, 13), (summary, 6)):
        last = sheet.max_row
        for cell in sheet[last]:
            cell.font = _HEAD_FONT
        sheet.cell(last, col).number_format = MONEY
    return _save(wb)


PUBLIC = [("序号", 6), ("所在村/连队", 12), ("户主", 10), ("学生", 10), ("学段年级", 14),
          ("身份证号", 21), ("资助项目", 40), ("每学年金额（元）", 16)]


def public_xlsx(ctx: dict[str, Any]) -> bytes:
    """Return the public list (公示名单) as a workbook: masked IDs, amounts, one row per child."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "公示名单"
    _header(sheet, PUBLIC)
    for i, r in enumerate(ctx["public_rows"], start=1):
        sheet.append([i, r["unit"], r["head"], r["name"], r["stage_text"], r["id_masked"],
                      r["items"], r["amount"]])
    _finish(sheet, len(PUBLIC), money_col=8)
    sheet.append([None] * 6 + ["合计", ctx["public_total"]])
    sheet.cell(sheet.max_row, 8).number_format = MONEY
    return _save(wb)


def _save(wb: Workbook) -> bytes:
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
    return write_zip(members, {"docProps/core.xml": xml})


def _id(value: str | None, full: bool) -> str:
    return (value or "") if full else mask_id(value or "")


def _header(sheet: Any, columns: list[tuple[str, int]]) -> None:
    """Write the header row with widths, and freeze it."""
    sheet.append([name for name, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(1, i)
        cell.font, cell.fill, cell.border = _HEAD_FONT, _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"


def _finish(sheet: Any, columns: int, money_col: int) -> None:
    """Style the body rows and switch the filter on over them."""
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=columns):
        for cell in row:
            cell.font, cell.border = _BODY_FONT, _BORDER
        row[money_col - 1].number_format = MONEY
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(sheet.max_row, 2)}"
