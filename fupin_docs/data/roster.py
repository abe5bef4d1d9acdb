"""Read a roster (花名册) of registered households and their children from .xlsx or .csv."""

from __future__ import annotations

import csv
import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree  # no DTDs, no entities: a workbook is data, not a program

from fupin_docs.data.roster_columns import (
    ALL_COLUMNS,
    CHILD_NAME,
    IGNORED,
    REQUIRED,
    SYNONYMS,
    BadCell,
    Column,
    find_header,
    is_blank,
    map_headers,
    normalise,
    read_cell,
    text,
)
from fupin_docs.data.values import control_character, control_message
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr
from fupin_docs.render.fastzip import ZipBomb, check_sizes

_EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}
# 填表人、合计 … lines under the table are not households
_FOOTER = re.compile(r"(填表|制表|审核|负责人|合计|总计|说明|注\s*[:：])")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class _Sheet:
    """One table: the cells by row (merged ranges filled in) and formulas lacking a value."""

    file: str  # as messages name it
    rows: list[list[Any]]
    uncached: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based column)


def read_roster(path: Path, display_name: str
                ) -> tuple[list[dict], dict[tuple, Location], list[Problem]]:
    """Return the households of a roster, where each value was written, and every problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets, problems = _xlsx_sheets(path, display_name)
    elif suffix == ".csv":
        sheets, problems = _csv_sheets(path, display_name)
    elif suffix == ".xls":  # old Excel, read through xlrd, bounded
        from fupin_docs.data.imports.tables import read_tables

        tables, problems = read_tables(path, display_name)
        sheets = [_Sheet(t.file, t.rows, t.uncached) for t in tables]
    else:
        return [], {}, [Problem(tr(f"不支持的文件类型“{suffix or path.name}”，"
                                   f"花名册应是 .xlsx、.xls 或 .csv",
                                   f"unsupported file type '{suffix}'; use .xlsx, .xls or .csv"),
                                Location(display_name), _save_as())]
    reader = _Reader(problems)
    found = [reader.read_sheet(sheet, alone=len(sheets) == 1) for sheet in sheets]
    if len(sheets) > 1 and not any(found):
        reader.problems.append(Problem(tr("所有工作表中都没有找到表头行",
                                          "no sheet has a header row"),
                                       Location(display_name), _header_hint()))
    if any(found) and not reader.households and all(p.severity != "error" for p in reader.problems):
        reader.problems.append(Problem(tr("花名册中没有任何户", "the roster has no households"),
                                       Location(display_name), severity="warning"))
    return reader.households, reader.positions, reader.problems


def column_letter(index: int) -> str:
    """Return Excel's name of the 1-based column `index`: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _loc(file: str, row: int | None = None, col: int | None = None,
         header: str | None = None) -> Location:
    """Return a roster position; the column is its letter, as Excel shows it."""
    letter = column_letter(col + 1) if col is not None else None
    return Location(file, row, letter, header=header)


def _save_as() -> str:
    """Return the usual way out for a file this module cannot read."""
    return tr("请在 Excel 中另存为 .xlsx 或 .csv", "save it from Excel as .xlsx or .csv")


def _header_hint() -> str:
    """Return which headers a roster needs."""
    return tr("表头行应包含：", "the header row should contain: ") + "、".join(
        c.label for c in REQUIRED) + tr(" 等列", "")


def _xlsx_sheets(path: Path, name: str) -> tuple[list[_Sheet], list[Problem]]:
    """Return the visible, non-empty sheets of a workbook, or the problem that stops reading it."""
    with open(path, "rb") as f:
        if f.read(4) == b"\xd0\xcf\x11\xe0":  # the old binary format, renamed
            return [], [Problem(tr("这是旧版 .xls 文件（扩展名被改成了 .xlsx）",
                                   "this is an old .xls file"),
                                Location(name), _save_as())]
    from openpyxl import load_workbook  # 18 MB of imports: only for workbooks

    try:
        with zipfile.ZipFile(path) as archive:
            check_sizes(archive.infolist(), name=name)
    except ZipBomb as exc:
        return [], [Problem(str(exc), Location(name), _save_as())]
    except (OSError, zipfile.BadZipFile):
        pass  # openpyxl says what is wrong below
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops; none matter
            book = load_workbook(path, read_only=False, data_only=True)
        uncached = _uncached_formulas(path)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        return [], [Problem(tr("不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）",
                               "not a valid .xlsx file"),
                            Location(name), tr("请在 Excel 中打开，另存为 .xlsx 或 .csv",
                                               "re-save it"))]
    tables = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets hold lookup lists, not households
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        missing = uncached.get(ws.title, set())
        for rng in ws.merged_cells.ranges:  # openpyxl gives a merged value only at the top left
            if rng.min_row > len(rows) or rng.min_col > len(rows[rng.min_row - 1]):
                continue
            top = rows[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
                for c in range(rng.min_col - 1, min(rng.max_col, len(rows[r - 1]))):
                    rows[r - 1][c] = top
                    if (rng.min_row, rng.min_col - 1) in missing:
                        missing.add((r, c))
        if not all(is_blank(v) for row in rows for v in row):
            tables.append((ws.title, rows, missing))
    if not tables:
        return [], [Problem(tr("表格是空的，没有任何内容", "the workbook is empty"), Location(name),
                            tr("请确认选对了文件", "check that this is the right file"))]
    many = len(tables) > 1
    return [_Sheet(tr(f"{name}的“{title}”表", f"{name}, sheet '{title}'") if many else name,
                   rows, missing) for title, rows, missing in tables], []


def _uncached_formulas(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Return, per sheet, the formula cells saved without a computed value."""
    # openpyxl shows both a never-computed formula and one that computed "" as None; only the
    # sheet XML tells them apart (Excel marks a text result t="str")
    from openpyxl.utils import coordinate_to_tuple

    out: dict[str, set[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        try:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        except KeyError:
            return out
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        for sheet in book.iter(f"{_NS}sheet"):
            target = targets.get(sheet.get(_REL_ID), "")
            member = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            if member not in z.namelist():
                continue
            cells = out.setdefault(sheet.get("name", ""), set())
            with z.open(member) as f:
                for _, el in ElementTree.iterparse(f):
                    if el.tag != f"{_NS}c":
                        continue
                    cached = el.findtext(f"{_NS}v") or el.get("t") in ("str", "inlineStr")
                    ref = el.get("r")
                    if el.find(f"{_NS}f") is not None and not cached and ref:
                        row, col = coordinate_to_tuple(ref)
                        cells.add((row, col - 1))
                    el.clear()
    return out


def _csv_sheets(path: Path, name: str) -> tuple[list[_Sheet], list[Problem]]:
    """Return the one table of a CSV file as Excel on Chinese Windows saves it."""
    data = path.read_bytes()
    where = Location(name)
    if data.startswith(b"PK\x03\x04"):
        return [], [Problem(tr("这其实是 .xlsx 文件，扩展名却是 .csv",
                               "this is an .xlsx file named .csv"),
                            where, tr("把扩展名改为 .xlsx", "rename it to .xlsx"))]
    text_ = None
    # gb18030 covers GBK, Excel's "CSV (逗号分隔)"; UTF-8 that only fails on a half character
    # (a lone surrogate, as some programs write) is read as UTF-8, so that the cell holding it
    # is reported by row and column
    for encoding, errors in (("utf-8-sig", "strict"), ("utf-8-sig", "surrogatepass"),
                             ("gb18030", "strict")):
        try:
            text_ = data.decode(encoding, errors)
            break
        except UnicodeDecodeError:
            continue
    if text_ is None or "\x00" in text_:
        return [], [Problem(tr(f"读不懂 {name} 的文字编码（不是 UTF-8 也不是 GBK 的 CSV 文件）",
                               f"cannot decode {name}: not a UTF-8 or GBK CSV file"),
                            where, tr("请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
                                      "save it from Excel as CSV UTF-8 or .xlsx"))]
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text_, newline="")))
    except csv.Error as exc:
        return [], [Problem(tr(f"CSV 格式有误：{exc}", f"malformed CSV: {exc}"), where, _save_as())]
    if all(is_blank(v) for row in rows for v in row):
        return [], [Problem(tr("表格是空的，没有任何内容", "the file is empty"), where,
                            tr("请确认选对了文件", "check that this is the right file"))]
    return [_Sheet(name, rows)], []


class _Reader:
    """Gathers households from one roster file's tables, with positions and problems."""

    def __init__(self, problems: list[Problem]):
        self.households: list[dict] = []
        self.positions: dict[tuple, Location] = {}
        self.problems = problems
        self.by_id: dict[str, int] = {}
        self.current: int | None = None  # the household that rows without 户编号 continue
        self.orphan: dict | None = None  # a household whose 户编号 is missing: already reported

    def problem(self, message: str, where: Location, hint: str | None = None, **kw: Any) -> None:
        """Record a problem; reading goes on so that every problem is reported at once."""
        self.problems.append(Problem(message, where, hint, **kw))

    def read_sheet(self, sheet: _Sheet, alone: bool) -> bool:
        """Return whether `sheet` has a header row; read its rows into the households."""
        rows = sheet.rows
        found = find_header(rows)
        if found is None:
            first = next(i for i, row in enumerate(rows) if not all(is_blank(v) for v in row))
            seen = "、".join(text(v) for v in rows[first] if not is_blank(v))[:80]
            self.problem(tr(f"没有找到表头行（第{first + 1}行是：{seen}）", "no header row found"),
                         _loc(sheet.file, first + 1), _header_hint(),
                         severity="error" if alone else "warning")
            return False
        top, header, start = found
        labels = {i: re.sub(r"\s+", "", text(v)) for i, v in enumerate(header) if not is_blank(v)}
        mapping = map_headers(header)
        for i in mapping.unknown:
            if normalise(header[i]) not in IGNORED:
                self.problem(tr(f"不认识的列“{labels[i]}”，已忽略",
                                f"unknown column '{labels[i]}' ignored"),
                             _loc(sheet.file, top + 1, i, labels[i]),
                             tr("若这一列有用，请把表头改为：", "known headers: ") +
                             "、".join(c.label for c in ALL_COLUMNS), severity="warning")
        for i in mapping.repeated:
            self.problem(tr(f"“{labels[i]}”列与前面的列重复，已忽略",
                            f"repeated column '{labels[i]}'"),
                         _loc(sheet.file, top + 1, i, labels[i]), severity="warning")
        columns = set(mapping.columns.values())
        missing = [c for c in REQUIRED if c not in columns]
        for col in missing:
            others = "、".join(n for n, c in SYNONYMS.items() if c == col and n != col.label)
            self.problem(tr(f"缺少必填列“{col.label}”（表头行中有：{'、'.join(labels.values())}）",
                            f"missing column '{col.label}'"),
                         _loc(sheet.file, top + 1),
                         tr(f"请在表头行加上“{col.label}”列", f"add a '{col.label}' column") +
                         (tr(f"（也可写作：{others}）", f" (or: {others})") if others else ""))
        if missing:
            return True
        self.current, self.orphan = None, None
        for r in range(start, len(rows)):
            row = rows[r]
            filled = [v for v in row if not is_blank(v)]
            if not filled or _FOOTER.match(text(filled[0])):
                continue
            cells = {col: _loc(sheet.file, r + 1, i, labels[i])
                     for i, col in mapping.columns.items()}
            values: dict[Column, Any] = {}
            for i, col in mapping.columns.items():
                value = row[i] if i < len(row) else None
                if (r + 1, i) in sheet.uncached:
                    self.problem(tr("公式没有计算结果，请在 Excel 中打开并保存后再试",
                                    "the formula has no computed value; open and save in Excel"),
                                 cells[col])
                elif isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
                    self.problem(tr(f"单元格是 Excel 错误值 {value.strip()}",
                                    f"Excel error {value}"),
                                 cells[col], tr("请改正公式，或直接填写内容", "fix the formula"))
                elif isinstance(value, str) and (bad := control_character(value)):
                    self.problem(control_message(bad, tr("单元格中", "")), cells[col],
                                 tr("删除该字符后保存", "delete it"))
                elif not is_blank(value):
                    try:
                        values[col] = read_cell(col, value)
                    except BadCell as bad:
                        self.problem(bad.message, cells[col], bad.hint)
            if values:
                self.add_row(values, cells)
        return True

    def add_row(self, values: dict[Column, Any], cells: dict[Column, Location]) -> None:
        """Add one table row: start or continue a household, and add its child if any."""
        house = {c.key: v for c, v in values.items() if c.level == "household"}
        child = {c.key: v for c, v in values.items() if c.level == "child"}
        by_key = {c.key: loc for c, loc in cells.items() if c.level == "household"}
        ident = house.pop("id", None)
        if ident is None:
            above = self.households[self.current] if self.current is not None else self.orphan
            head = house.get("head")
            if above is None or (head is not None and head != above.get("head")):
                if head is None:
                    msg = tr("这一行没有户编号，上面也没有可归属的户",
                             "no household id here or above")
                elif above is None:
                    msg = tr(f"户编号为空：户主“{head}”这一户没有户编号",
                             f"household id missing for head '{head}'")
                else:
                    msg = tr(f"户编号为空：户主“{head}”与上一户不同，这一行应是新的一户",
                             f"household id missing: head '{head}' starts a new household")
                self.problem(msg, by_key["id"], tr("请填写户编号；"
                                                   "同一户的各行户编号相同，或合并单元格",
                                                   "fill in the household id"))
                self.current, self.orphan = None, {"head": head}
            if self.current is None:
                return  # rows of a household already reported
            index = self.current
        elif ident in self.by_id:
            index = self.current = self.by_id[ident]
        else:
            index = self.current = self.by_id[ident] = len(self.households)
            self.households.append({"id": ident})
            self.positions[(index,)] = by_key["id"]
            self.positions.update({(index, k): loc for k, loc in by_key.items()})
        self.orphan = None
        household = self.households[index]
        for key, value in house.items():
            if key not in household:
                household[key] = value
                self.positions[(index, key)] = by_key[key]
            elif household[key] != value:
                label = next(c.label for c in cells if c.level == "household" and c.key == key)
                self.problem(tr(f"户编号“{household['id']}”的{label}前后不一致：先是“{household[key]}”，"
                                f"这里是“{value}”",
                                f"household '{household['id']}' has two {key}s"),
                             by_key[key], tr("同一户各行的户信息应相同；若是两户，请用不同的户编号",
                                             "use different ids for different households"),
                             also=self.positions.get((index, key)))
        if child:
            children = household.setdefault("children", [])
            path = (index, "children", len(children))
            children.append(child)
            self.positions[path] = cells[CHILD_NAME]
            self.positions.update({path + (c.key,): loc for c, loc in cells.items()
                                   if c.level == "child"})
