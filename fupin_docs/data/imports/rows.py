"""Reading the data rows under a header: every cell as text, each mistake told once per cell."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fupin_docs.data.imports.cells import DATE, BadCell, cell_text, date_of, trim
from fupin_docs.data.imports.headers import Header, cell_at, column_letter
from fupin_docs.data.imports.tables import Table
from fupin_docs.data.values import control_character, control_message
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

_EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}
# 填表人、合计 … lines under the table are not people
_FOOTER = re.compile(r"(填表|制表|审核|负责人|合计|总计|说明|注\s*[:：])")
#: cells of one column with one kind of mistake told one by one; the rest in one message
SHOWN_PER_COLUMN = 5


@dataclass
class Row:
    """One data row: its text (dates as dates) by field key, and where each cell is."""

    index: int  # 0-based row in the table
    values: dict[str, Any]
    cells: dict[str, Location]
    where: Location  # the row itself
    #: fields whose cell was reported as wrong (not to be reported again as empty)
    bad: set[str] = field(default_factory=set)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and trim(value) == "")


class RowReader:
    """Reads the rows of one table; problems of many cells of a column come as one."""

    def __init__(self, table: Table, header: Header, problems: list[Problem]) -> None:
        self.table, self.header, self.problems = table, header, problems
        self._counts: dict[tuple[int, str], list[int]] = {}
        self._sample: dict[tuple[int, str], BadCell] = {}

    def rows(self) -> Iterator[Row]:
        """Yield every row holding data, then add the summaries of repeated mistakes."""
        table, header = self.table, self.header
        for r in range(header.start, len(table.rows)):
            row = table.rows[r]
            filled = [v for v in row if not blank(v)]
            if not filled or (isinstance(filled[0], str) and _FOOTER.match(trim(filled[0]))):
                continue
            values: dict[str, Any] = {}
            cells: dict[str, Location] = {}
            bad_keys: set[str] = set()
            for c, spec in header.columns.items():
                where = cell_at(table, r, c, header.labels.get(c))
                cells[spec.key] = where
                value = row[c] if c < len(row) else None
                if (r + 1, c) in table.uncached:
                    self._bad(r, c, BadCell(
                        tr("公式没有计算结果", "the formula has no computed value"),
                        tr("请在 Excel 中打开并保存后再试", "open and save it in Excel")), where)
                    bad_keys.add(spec.key)
                    continue
                if blank(value):
                    continue
                if isinstance(value, str) and trim(value) in _EXCEL_ERRORS:
                    self._bad(r, c, BadCell(tr(f"单元格是 Excel 错误值 {trim(value)}",
                                               f"Excel error {trim(value)}"),
                                            tr("请改正公式，或直接填写内容", "fix the formula")),
                              where)
                    bad_keys.add(spec.key)
                    continue
                if isinstance(value, str) and (char := control_character(value)):
                    self._bad(r, c, BadCell(control_message(char, tr("单元格中", "")),
                                            tr("删除该字符后保存", "delete it")), where)
                    bad_keys.add(spec.key)
                    continue
                try:
                    values[spec.key] = (date_of(value, spec.label) if spec.kind == DATE
                                        else cell_text(value, spec.kind, spec.label))
                except BadCell as bad:
                    self._bad(r, c, bad, where)
                    bad_keys.add(spec.key)
            if values:
                yield Row(r, values, cells, cell_at(table, r), bad_keys)
        self._summaries()

    def _bad(self, r: int, c: int, bad: BadCell, where: Location) -> None:
        rows = self._counts.setdefault((c, bad.trap), [])
        rows.append(r + 1)
        if len(rows) <= SHOWN_PER_COLUMN:
            self.problems.append(Problem(bad.message, where, bad.hint))
        else:
            self._sample[(c, bad.trap)] = bad

    def _summaries(self) -> None:
        for (c, trap), rows in self._counts.items():
            if len(rows) <= SHOWN_PER_COLUMN:
                continue
            more = rows[SHOWN_PER_COLUMN:]
            listed = "、".join(str(r) for r in more[:30]) + ("…" if len(more) > 30 else "")
            label = self.header.labels.get(c, column_letter(c))
            self.problems.append(Problem(
                tr(f"这一列另有 {len(more)} 个单元格同样有误（第{listed}行）",
                   f"{len(more)} more cells of this column have the same mistake "
                   f"(rows {listed})"),
                cell_at(self.table, self.header.row, c, label), self._sample[(c, trap)].hint))


def is_date(value: Any) -> bool:
    return isinstance(value, dt.date)
