"""Read the tables of a file as cells: .xlsx (bounded zip), .xls (old Excel, bounded) or CSV."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr
from fupin_docs.render.fastzip import ZipBomb, check_sizes

#: a file larger than this is not a school's list (a county's export is a few MB)
MAX_FILE = 64 * 1024 * 1024
#: cells in all the sheets of a workbook, past which it is not a list of people
MAX_CELLS = 5_000_000
_OLE = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """One sheet: its cells by row (merged ranges filled in), as the workbook typed them."""

    title: str  # the sheet's name ("" for a CSV file)
    file: str  # as messages name it: the file, and the sheet when there are several
    rows: list[list[Any]]
    #: (1-based row, 0-based column) of formulas saved without a computed value
    uncached: set[tuple[int, int]] = field(default_factory=set)


def save_as(name: str = "") -> str:
    """Return the usual way out for a file that cannot be read."""
    return tr("请在 Excel 或 WPS 中打开，另存为 .xlsx（或 .xls、CSV）后再试",
              "open it in Excel or WPS and save it as .xlsx")


def read_tables(path: Path, name: str) -> tuple[list[Table], list[Problem]]:
    """Return the visible, non-empty sheets of `path`, or the problem that stops reading it.

    The kind is told by the content, not the extension: an "xls" export that is really a
    workbook of the new format is read as one, and a web page named .xls is refused."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
        size = path.stat().st_size
    except OSError as exc:
        return [], [Problem(tr(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}"),
                            Location(name))]
    if size > MAX_FILE:
        return [], [Problem(tr(f"{name} 有 {size // 1024 // 1024} MB，超过名单应有的大小"
                               f"（{MAX_FILE // 1024 // 1024} MB），已拒绝读取",
                               f"{name} is {size} bytes; refused"), Location(name),
                            tr("请只保留需要的工作表和行", "keep only the rows needed"))]
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_tables(path, name)
    if head.startswith(_OLE):
        return _xls_tables(path, name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from fupin_docs.data.roster import _csv_sheets  # one way of decoding CSV for both

        sheets, problems = _csv_sheets(path, name)
        return [Table("", s.file, s.rows) for s in sheets], problems
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        message = tr(f"{name} 其实是网页（HTML）格式的表格，只是扩展名为 {suffix}",
                     f"{name} is a web page (HTML) named {suffix}")
    elif suffix in (".xls", ".xlsx", ".xlsm", ".et"):
        message = tr(f"{name} 不是 Excel 文件（可能已损坏，或是 WPS 的 .et 等格式改了扩展名）",
                     f"{name} is not an Excel file")
    else:
        message = tr(f"不支持的文件类型“{suffix or name}”，应是 .xlsx、.xls 或 .csv",
                     f"unsupported file type '{suffix}'; use .xlsx, .xls or .csv")
    return [], [Problem(message, Location(name), save_as())]


def _label(name: str, title: str, many: bool) -> str:
    """Return how messages name a sheet: the file alone, or the file and the sheet."""
    return tr(f"{name}的“{title}”表", f"{name}, sheet '{title}'") if many else name


def _empty(name: str) -> Problem:
    return Problem(tr("表格是空的，没有任何内容", "the workbook is empty"), Location(name),
                   tr("请确认选对了文件", "check that this is the right file"))


def _fill_merged(rows: list[list[Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range (0-based, end exclusive) its top-left value."""
    for r0, r1, c0, c1 in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        top = rows[r0][c0]
        for r in range(r0, min(r1, len(rows))):
            row = rows[r]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            for c in range(c0, c1):
                row[c] = top


def _blank(rows: list[list[Any]]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for row in rows for v in row)


def _xlsx_tables(path: Path, name: str) -> tuple[list[Table], list[Problem]]:
    """Return the sheets of a workbook of the new format; its zip is checked before reading."""
    bad = Problem(tr("不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）",
                     "not a valid .xlsx file"), Location(name), save_as())
    try:
        with zipfile.ZipFile(path) as archive:
            check_sizes(archive.infolist(), name=name)
            parts = _sheet_parts(archive)
            # merged ranges and formulas, from the sheet's XML as stored (a read-only workbook
            # does not give the merged ranges; most exports have no formula at all)
            marks = {title: _marks(archive.read(member)) for title, member in parts.items()}
    except ZipBomb as exc:
        return [], [Problem(str(exc), Location(name), save_as())]
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return [], [bad]
    from openpyxl import load_workbook  # only when a workbook is read

    from fupin_docs.data.roster import _uncached_formulas

    found = []
    cells = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            book = load_workbook(path, data_only=True, read_only=True)  # XML via defusedxml
        try:
            uncached = (_uncached_formulas(path) if any(f for _, f in marks.values())
                        else {})
            for ws in book.worksheets:
                if ws.sheet_state != "visible":
                    continue  # hidden sheets hold lookup lists
                ws.reset_dimensions()  # some exporters declare a wrong size: read every cell
                rows = []
                for r in ws.iter_rows(values_only=True):
                    rows.append(list(r))
                    cells += len(r)
                    if cells > MAX_CELLS:
                        return [], [_too_many(name)]
                ranges, _ = marks.get(ws.title, ([], False))
                missing = uncached.get(ws.title, set())
                for r0, r1, c0, c1 in ranges:
                    if (r0 + 1, c0) in missing:
                        missing.update((r + 1, c) for r in range(r0, r1) for c in range(c0, c1))
                _fill_merged(rows, ranges)
                while rows and all(v is None for v in rows[-1]):
                    rows.pop()  # formatted, empty rows below the table
                if not _blank(rows):
                    found.append((ws.title, rows, missing))
        finally:
            book.close()
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        return [], [bad]
    if not found:
        return [], [_empty(name)]
    many = len(found) > 1
    return [Table(title, _label(name, title, many), rows, missing)
            for title, rows, missing in found], []


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return the zip member of each sheet, by the sheet's name."""
    import posixpath

    from defusedxml import ElementTree  # no DTDs, no entities

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    parts = {}
    for sheet in book.iter(f"{_NS}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        member = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
        if member in archive.namelist():
            parts[sheet.get("name", "")] = member
    return parts


def _marks(xml: bytes) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Return a sheet's merged ranges (0-based, ends exclusive) and whether it has formulas."""
    from openpyxl.utils import column_index_from_string as index

    ranges = [(int(r0) - 1, int(r1), index(c0.decode()) - 1, index(c1.decode()))
              for c0, r0, c1, r1 in _MERGE.findall(xml)]
    return ranges, _FORMULA.search(xml) is not None


def _too_many(name: str) -> Problem:
    return Problem(tr(f"{name} 的单元格超过 {MAX_CELLS // 10000} 万个，不像是一所学校的名单，"
                      "已拒绝读取", f"{name} has more than {MAX_CELLS} cells; refused"),
                   Location(name), tr("请只保留需要的工作表和行", "keep only the rows needed"))


def _xls_tables(path: Path, name: str) -> tuple[list[Table], list[Problem]]:
    """Return the sheets of an old-format (.xls) workbook, read through xlrd."""
    import xlrd  # only when an old workbook is read

    bad = Problem(tr("不是有效的 .xls 文件（可能已损坏，或有密码保护）", "not a valid .xls file"),
                  Location(name), save_as())
    try:
        book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True,
                                  logfile=io.StringIO(), on_demand=True)
    except Exception:  # xlrd raises many kinds of error on a damaged or encrypted file
        try:  # formatting records some writers get wrong; the cells may still be readable
            book = xlrd.open_workbook(file_contents=path.read_bytes(), logfile=io.StringIO(),
                                      on_demand=True)
        except Exception:
            return [], [bad]
    found = []
    cells = 0
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0) != 0:
                continue
            cells += sheet.nrows * sheet.ncols
            if cells > MAX_CELLS:
                return [], [_too_many(name)]
            rows = [[_xls_value(sheet.cell(r, c), book.datemode) for c in range(sheet.ncols)]
                    for r in range(sheet.nrows)]
            _fill_merged(rows, list(sheet.merged_cells))
            if not _blank(rows):
                found.append((sheet.name, rows))
    except Exception:
        return [], [bad]
    finally:
        book.release_resources()
    if not found:
        return [], [_empty(name)]
    many = len(found) > 1
    return [Table(title, _label(name, title, many), rows) for title, rows in found], []


def _xls_value(cell: Any, datemode: Any) -> Any:
    """Return an xlrd cell as the value openpyxl would give: text, number, date, bool, error."""
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate_as_datetime(cell.value, datemode)
        except Exception:
            return cell.value  # a date format on a number no date has: the number
        return when.date() if when.time() == dt.time() else when
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#VALUE!")
    return cell.value  # text, or a float
