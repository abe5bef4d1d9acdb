"""Header rows of exports: aliases per field, a title row above, two-row merged headers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fupin_docs.data.imports.cells import TEXT
from fupin_docs.data.imports.tables import Table
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

#: a header row has at least this many known headers, so that a title row is never taken for it
MIN_KNOWN = 3
#: rows searched for the header (titles, export dates and notes come first)
HEAD_ROWS = 30


@dataclass(frozen=True)
class Field:
    """A column an export may have: the field it fills, how its cells read, its header."""

    key: str
    label: str  # the header messages name
    kind: str = TEXT


@dataclass
class Layout:
    """The columns of one kind of file (the 建档立卡 export, the 学籍 export)."""

    names: tuple[str, str]  # as messages name the kind of file, in Chinese and English
    fields: list[tuple[Field, tuple[str, ...]]]
    required: tuple[str, ...]
    #: headers of columns the export has and nothing here needs: not warned about
    unused: frozenset[str] = frozenset()
    by_alias: dict[str, Field] = field(init=False)

    def __post_init__(self) -> None:
        self.by_alias = {normalise(a): f for f, aliases in self.fields
                         for a in (f.label, *aliases)}
        self.unused = frozenset(normalise(u) for u in self.unused)

    @property
    def name(self) -> str:
        return tr(*self.names)

    def lookup(self, cell: Any) -> Field | None:
        """Return the field a header names, or None."""
        key = normalise(cell)
        if not key:
            return None
        found = self.by_alias.get(key)
        if found is None:  # 人数(人), 出生日期(yyyymmdd): a unit or format in brackets
            found = self.by_alias.get(re.sub(r"\([^()]*\)$", "", key))
        return found

    def known(self, cell: Any) -> bool:
        """Return whether a header is one of this kind's, used or not."""
        key = normalise(cell)
        return self.lookup(cell) is not None or key in self.unused or \
            re.sub(r"\([^()]*\)$", "", key) in self.unused

    def spec(self, key: str) -> Field:
        return next(f for f, _ in self.fields if f.key == key)

    def expected(self) -> str:
        """Return the headers a file of this kind must have, as a message lists them."""
        return "、".join(self.spec(k).label for k in self.required)


def normalise(cell: Any) -> str:
    """Return a header as a lookup key: half-width, no spaces, line breaks or * and 必填 marks."""
    if cell is None:
        return ""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(cell))).strip("*")
    return re.sub(r"\((必填|选填|可选)\)$", "", key).strip("*")


@dataclass
class Header:
    """Where a table's header is and what each of its columns means."""

    row: int  # 0-based index of the (last) header row
    start: int  # 0-based index of the first data row
    labels: dict[int, str]  # 0-based column -> header as written (both rows joined)
    columns: dict[int, Field]  # 0-based column -> field
    unknown: list[int]
    repeated: list[int]

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.columns.values())


def _text(cell: Any) -> str:
    return "" if cell is None else re.sub(r"\s+", "", str(cell))


def find_header(rows: list[list[Any]], layout: Layout) -> Header | None:
    """Return the header of `rows` in `layout`'s terms, or None.

    The header row is the first with MIN_KNOWN known headers, so title rows may sit above it.
    When the row below names columns under group titles (家庭成员信息 → 姓名、性别 …, cells
    merged across), the two rows together are the header: each column is named by its lower
    cell when that is a known header, else by the upper one; under a group title holding 户主,
    姓名 and 证件号码 are the head's."""
    top = next((i for i, row in enumerate(rows[:HEAD_ROWS])
                if sum(1 for c in row if layout.lookup(c) is not None) >= MIN_KNOWN), None)
    if top is None:
        return None
    upper = list(rows[top])
    lower = list(rows[top + 1]) if top + 1 < len(rows) else []
    width = max(len(upper), len(lower))
    upper += [None] * (width - len(upper))
    lower += [None] * (width - len(lower))
    grouped = [i for i in range(width) if layout.lookup(lower[i]) is not None
               and layout.lookup(upper[i]) is None]
    two_rows = len(grouped) >= 2
    names: list[Any] = []
    labels: dict[int, str] = {}
    group = ""  # a group title spans the blank cells right of it (merged, or a CSV's blanks)
    for i in range(width):
        up, low = _text(upper[i]), _text(lower[i]) if two_rows else ""
        if two_rows:
            if up and not layout.known(up):
                group = up
            elif up:
                group = ""
            elif low:
                up = group
        name: Any = up
        if two_rows and low:
            head_group = "户主" in up and layout.lookup(up) is None
            if head_group and layout.lookup("户主" + low) is not None:
                name = "户主" + low
            elif layout.known(low) or not up:
                name = low
        names.append(name)
        shown = up if not two_rows or not low or up == low else f"{up}/{low}"
        if shown:
            labels[i] = shown
    columns: dict[int, Field] = {}
    unknown: list[int] = []
    repeated: list[int] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not normalise(name):
            continue
        found = layout.lookup(name)
        if found is None:
            if not layout.known(name):
                unknown.append(i)
        elif found.key in seen:
            repeated.append(i)
        else:
            seen.add(found.key)
            columns[i] = found
    return Header(top + 1 if two_rows else top, top + (2 if two_rows else 1), labels, columns,
                  unknown, repeated)


def column_letter(index: int) -> str:
    """Return Excel's name of the 0-based column `index`: 0 → A, 26 → AA."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_at(table: Table, row: int, col: int | None = None, header: str | None = None
            ) -> Location:
    """Return the Location of a cell (0-based row and column) as a user finds it in Excel."""
    return Location(table.file, row + 1, column_letter(col) if col is not None else None,
                    header=header)


def column_notes(table: Table, header: Header, layout: Layout) -> Iterable[Problem]:
    """Yield one warning listing the columns not understood (and those repeated), if any."""
    parts = [f"{header.labels[i]}（{column_letter(i)}）" for i in header.unknown]
    again = [f"{header.labels[i]}（{column_letter(i)}）" for i in header.repeated]
    if parts:
        yield Problem(tr(f"不认识这些列，已忽略：{'、'.join(parts)}",
                         f"columns not understood, ignored: {', '.join(parts)}"),
                      cell_at(table, header.row),
                      tr(f"这些列用不到时不必理会；若有用，请把表头改为{layout.name}中的列名，如："
                         + "、".join(f.label for f, _ in layout.fields),
                         "rename them if they matter: " +
                         ", ".join(f.label for f, _ in layout.fields)),
                      severity="warning")
    if again:
        yield Problem(tr(f"这些列与前面的列重复，已忽略：{'、'.join(again)}",
                         f"repeated columns ignored: {', '.join(again)}"),
                      cell_at(table, header.row), severity="warning")


def missing_columns(table: Table, header: Header, layout: Layout) -> list[Problem]:
    """Return an error per required column the header lacks."""
    out = []
    written = "、".join(header.labels.values())
    for key in layout.required:
        if header.has(key):
            continue
        f = layout.spec(key)
        others = [a for ff, aliases in layout.fields if ff.key == key for a in aliases]
        out.append(Problem(
            tr(f"{layout.name}缺少“{f.label}”列（表头中有：{written}）",
               f"the {layout.name} lacks a '{f.label}' column"),
            cell_at(table, header.row),
            tr(f"请在表头加上“{f.label}”列", f"add a '{f.label}' column") +
            (tr(f"（也可写作：{'、'.join(others)}）", f" (or: {', '.join(others)})")
             if others else "")))
    return out
