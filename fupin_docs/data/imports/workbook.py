"""The 资料.xlsx workbook (fupin-docs init --excel): its sheets, and reading it into the data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_docs.data.imports.cells import DATE, ID, PHONE, TEXT, BadCell, cell_text, trim
from fupin_docs.data.imports.headers import cell_at, column_letter, normalise
from fupin_docs.data.imports.tables import Table, read_tables
from fupin_docs.data.positions import KeyPath, Positions
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

GUIDE, SCHOOL, TEACHERS, UNITS, HOMES, PAIRS = ("填写说明", "学校", "教师", "村（连队）",
                                                "户和子女", "结对")
#: the first column of every list sheet; the example row says 示例 there and is not read
NUMBER, EXAMPLE = "序号", "示例"
#: a list of several ids in one cell: 户编号 H01、H02
_SEPARATORS = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class Item:
    """A row of the 学校 sheet: its label, where its value goes, how it reads, an example."""

    label: str
    path: KeyPath
    example: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()


SCHOOL_ITEMS = (
    Item("学校全称", ("school", "name"), "某某县某某镇某某完全小学", required=True),
    Item("简称", ("school", "short_name"), "某某完小"),
    Item("所在县（师）", ("school", "county"), "某某县", required=True),
    Item("所在镇（团）", ("school", "town"), "某某镇"),
    Item("服务片区", ("school", "area"), "某某村委会"),
    Item("上级主管单位", ("school", "superior"), "某某镇中心学校"),
    Item("学校地址", ("school", "address"), "某某镇某某村"),
    Item("学校电话", ("school", "phone"), "0874-1234567", PHONE),
    Item("落款单位", ("school", "signing_unit"), "不填则用学校全称"),
    Item("成文日期", ("school", "report_date"), "2018-07-10（只写年月也可以：2018-07）", DATE,
         required=True),
    Item("执笔人", ("school", "author"), "可不填"),
    Item("汇报材料标题", ("school", "report_title"), "不填则为“某某完小教育扶贫工作汇报材料”"),
    Item("村的叫法", ("school", "unit_word"), "自然村、村 或 连队",
         choices=("自然村", "村", "连队")),
    Item("领导小组组员的说法", ("leadership", "members_text"), "其他老师"),
    Item("模板包", ("pack",), "县里统一的模板包名称，如 师宗县；没有就不填"),
    Item("公示开始日期", ("public_notice", "start"), "不填则从成文日期起", DATE),
    Item("公示天数", ("public_notice", "days"), "不填为 7 天"),
    Item("监督电话", ("public_notice", "phone"), "不填则用学校电话", PHONE),
)


@dataclass(frozen=True)
class Column:
    """A column of a list sheet: its header, the key it fills, how it reads, an example."""

    header: str
    key: str
    example: str
    kind: str = TEXT
    required: bool = False
    #: a dropdown: values, or a reference to another sheet's column ("教师", "村（连队）")
    choices: tuple[str, ...] | str = ()
    width: int = 12


YES_NO = ("是", "否")
ROLES = ("组长", "副组长", "办公室主任", "组员")
TEACHER_COLUMNS = (
    Column("编号", "id", "T01", width=8),
    Column("姓名", "name", "张老师", required=True),
    Column("职务", "role", "校长"),
    Column("联系电话", "phone", "13800000001", PHONE, width=16),
    Column("领导小组", "group", "组长", choices=ROLES),
)
UNIT_COLUMNS = (
    Column("名称", "name", "上村", required=True, width=14),
    Column("总户数", "households", "20"),
    Column("总人口", "people", "80"),
)
PAIR_COLUMNS = (
    Column("教师", "teacher", "张老师", required=True, choices=TEACHERS),
    Column("结对的村（连队）", "unit", "上村", choices=UNITS, width=16),
    Column("结对的户编号", "households", "", width=18),
    Column("结对的学生编号", "students", "", width=18),
)


def home_columns() -> tuple[Column, ...]:
    """Return the columns of the 户和子女 sheet: those of a roster (data/roster_columns)."""
    from fupin_docs.data.model import Child
    from fupin_docs.data.values import STAGES

    columns = [
        Column("户编号", "id", "H01", required=True, width=8),
        Column("户主姓名", "head", "李某某", required=True, width=10),
        Column("户主身份证号", "id_number", "", ID, width=21),
        Column("所在村/连队", "unit", "上村", required=True, choices=UNITS),
        Column("联系电话", "phone", "13900000001", PHONE, width=14),
        Column("家庭人口", "members", "4", width=8),
        Column("致贫原因", "cause", "因病"),
        Column("家庭住址", "address", "某某镇上村", width=16),
        Column("子女姓名", "name", "李小某", required=True, width=10),
        Column("性别", "gender", "男", required=True, choices=("男", "女"), width=6),
        Column("出生日期", "birth_date", "2010-03-05", DATE, width=12),
        Column("学生身份证号", "child_id_number", "", ID, width=21),
        Column("学段", "stage", "小学", required=True, choices=STAGES, width=8),
        Column("年级", "grade", "3", width=6),
        Column("班级", "class", "1", width=6),
        Column("是否寄宿", "boarding", "是", choices=YES_NO, width=8),
        Column("就读学校", "school", "", width=14),
        Column("是否留守", "left_behind", "否", choices=YES_NO, width=8),
        Column("是否单亲", "single_parent", "否", choices=YES_NO, width=8),
        Column("是否残疾", "disability", "否", choices=YES_NO, width=8),
    ]
    if "orphan" in Child.model_fields:
        columns.append(Column("是否孤儿", "orphan", "否", choices=YES_NO, width=8))
    return tuple(columns)


def sheet_label(file: str, title: str) -> str:
    return tr(f"{file}的“{title}”表", f"{file}, sheet '{title}'")


def merge_workbook(path: Path, name: str, data: dict[str, Any], positions: Positions
                   ) -> list[Problem]:
    """Read the workbook's sheets into `data` (lists appended, the school's fields set)."""
    tables, problems = read_tables(path, name)
    if problems:
        return problems
    by_title = {t.title.strip(): t for t in tables}
    for t in tables:  # a single sheet is labelled with the file alone: name the sheet too
        t.file = sheet_label(name, t.title.strip())
    known = {GUIDE, SCHOOL, TEACHERS, UNITS, HOMES, PAIRS}
    others = [t for t in by_title if t not in known and t not in ("村", "连队")]
    if others:
        problems.append(Problem(
            tr(f"不认识这些工作表，已忽略：{'、'.join(others)}", f"sheets ignored: {others}"),
            Location(name), tr("资料表的工作表应是：" + "、".join(sorted(known - {GUIDE})),
                               "use the sheets fupin-docs init --excel writes"), "warning"))
    units = by_title.get(UNITS) or by_title.get("村") or by_title.get("连队")
    if SCHOOL not in by_title:
        problems.append(Problem(tr("资料表中没有“学校”工作表", "the workbook has no 学校 sheet"),
                                Location(name),
                                tr("用 fupin-docs init --excel 生成的资料表填写",
                                   "start from the workbook init --excel writes")))
        return problems
    reader = _Book(name, data, positions, problems)
    reader.school(by_title[SCHOOL])
    if TEACHERS in by_title:
        reader.teachers(by_title[TEACHERS])
    if units is not None:
        reader.units(units)
    if HOMES in by_title:
        reader.homes(by_title[HOMES])
    if PAIRS in by_title:
        reader.pairs(by_title[PAIRS])
    return problems


def _is_example(row: list[Any]) -> bool:
    """Return whether a row is the template's example (序号 示例): it is not read."""
    return bool(row) and isinstance(row[0], str) and row[0].strip() == EXAMPLE


class _Book:
    """Reads the sheets of one workbook into the data, remembering every cell."""

    def __init__(self, name: str, data: dict[str, Any], positions: Positions,
                 problems: list[Problem]) -> None:
        self.name, self.data, self.positions, self.problems = name, data, positions, problems
        self.teacher_ids: dict[str, str] = {}  # name -> id, for 结对

    def _set(self, path: KeyPath, value: Any, where: Location) -> None:
        """Set the value at `path` in the data; an item already written in YAML is an error."""
        node: Any = self.data
        for i, part in enumerate(path[:-1]):
            if not isinstance(node.get(part), dict):
                if part in node:
                    self._twice(path[: i + 1], where)
                    return
                node[part] = {}
                self.positions.set_value(path[: i + 1], where)
            node = node[part]
        if path[-1] in node:
            self._twice(path, where)
            return
        node[path[-1]] = value
        self.positions.set_value(path, where)

    def _twice(self, path: KeyPath, where: Location) -> None:
        key = ".".join(str(p) for p in path)
        self.problems.append(Problem(tr(f"“{key}” 在 YAML 和资料表中都写了",
                                        f"'{key}' is written both in YAML and in the workbook"),
                                     where, tr("只保留一处", "keep only one"),
                                     also=self.positions.of_key(path)))

    def _read(self, value: Any, kind: str, label: str, where: Location) -> str | None:
        """Return a cell as text, or None (with the problem recorded) when it cannot be."""
        if value is None or (isinstance(value, str) and not trim(value)):
            return None
        try:
            if kind == DATE and not isinstance(value, str) and hasattr(value, "year"):
                return cell_text(value)
            return cell_text(value, kind, label)
        except BadCell as bad:
            self.problems.append(Problem(bad.message, where, bad.hint))
            return None

    def school(self, table: Table) -> None:
        """Read the 学校 sheet: a label in column A, its value in column B."""
        items = {normalise(i.label): i for i in SCHOOL_ITEMS}
        seen: set[str] = set()
        for r, row in enumerate(table.rows):
            label = normalise(row[0] if row else None).rstrip("*")
            item = items.get(label)
            if item is None:
                continue
            seen.add(item.label)
            where = cell_at(table, r, 1, item.label)
            text = self._read(row[1] if len(row) > 1 else None, item.kind, item.label, where)
            if text is not None:
                self._set(item.path, text, where)
        for item in SCHOOL_ITEMS:
            if item.required and item.label not in seen:
                self.problems.append(Problem(
                    tr(f"“学校”表中没有“{item.label}”这一行", f"no '{item.label}' row"),
                    Location(table.file), tr(f"在 A 列加上“{item.label}”，B 列填写",
                                             f"add '{item.label}' in column A")))

    def _rows(self, table: Table, columns: tuple[Column, ...]
              ) -> list[tuple[int, dict[str, str], dict[str, Location]]]:
        """Return the filled rows of a list sheet below its header: (row, values, cells)."""
        top = next((i for i, row in enumerate(table.rows)
                    if any(normalise(v).rstrip("*") == columns[0].header
                           or normalise(v).rstrip("*") == columns[1].header for v in row)), None)
        if top is None:
            self.problems.append(Problem(
                tr("没有找到表头行", "no header row"), Location(table.file),
                tr("表头应是：" + "、".join(c.header for c in columns),
                   "headers: " + ", ".join(c.header for c in columns))))
            return []
        by_header = {c.header: c for c in columns}
        where_of: dict[int, Column] = {}
        for i, v in enumerate(table.rows[top]):
            col = by_header.get(normalise(v).rstrip("*"))
            if col is not None:
                where_of[i] = col
        out = []
        for r in range(top + 1, len(table.rows)):
            row = table.rows[r]
            if _is_example(row):
                self._example(table, r, row, columns)
                continue
            values: dict[str, str] = {}
            cells: dict[str, Location] = {}
            for i, col in where_of.items():
                where = cell_at(table, r, i, col.header)
                cells[col.key] = where
                text = self._read(row[i] if i < len(row) else None, col.kind, col.header, where)
                if text is not None:
                    values[col.key] = text
            if values:
                for col in columns:
                    if col.required and col.key not in values:
                        self.problems.append(Problem(
                            tr(f"“{col.header}”为空", f"'{col.header}' is empty"),
                            cells.get(col.key, cell_at(table, r)),
                            tr(f"请填写{col.header}，或删除这一行",
                               "fill it in or delete the row")))
                out.append((r, values, cells))
        return out

    def _example(self, table: Table, r: int, row: list[Any], columns: tuple[Column, ...]
                 ) -> None:
        """Warn when the example row (not read) has been written over with real data."""
        examples = {c.example for c in columns} | {EXAMPLE, ""}
        if any(cell_text(v) not in examples for v in row if v is not None):
            self.problems.append(Problem(
                tr(f"这一行的序号是“{EXAMPLE}”，不会读入，但内容已不是示例",
                   f"this row is marked {EXAMPLE} and is not read, yet it holds data"),
                cell_at(table, r, 0, NUMBER),
                tr(f"若这是你的资料，请把“{EXAMPLE}”改为序号；否则删除这一行",
                   f"replace {EXAMPLE} with a number if the row is yours"), "warning"))

    def _append(self, section: str, item: dict[str, Any], cells: dict[str, Location],
                row: Location) -> None:
        items = self.data.setdefault(section, [])
        if not isinstance(items, list):
            return  # the model reports a wrong type
        path = (section, len(items))
        self.positions.set_value(path, row)
        for key in item:
            if key in cells:
                self.positions.set_value(path + (key,), cells[key])
        items.append(item)

    def teachers(self, table: Table) -> None:
        """Read the 教师 sheet, and the 领导小组 from its last column."""
        group: dict[str, list[tuple[str, Location]]] = {}
        for r, values, cells in self._rows(table, TEACHER_COLUMNS):
            if "name" not in values:
                continue
            ident = values.get("id") or values["name"]
            self.teacher_ids[values["name"]] = ident
            teacher = {"id": ident, "name": values["name"]}
            cells = {**cells, "id": cells["id"] if values.get("id") else cells["name"]}
            for key in ("role", "phone"):
                if key in values:
                    teacher[key] = values[key]
            self._append("teachers", teacher, cells, cell_at(table, r))
            if "group" in values:
                role = values["group"]
                if role not in ROLES:
                    self.problems.append(Problem(
                        tr(f"领导小组中的职务“{role}”不认识", f"unknown role '{role}'"),
                        cells["group"], tr("请从下拉列表中选：" + "、".join(ROLES),
                                           "pick from the list")))
                    continue
                group.setdefault(role, []).append((ident, cells["group"]))
        if group:
            self._leadership(group, table)

    def _leadership(self, group: dict[str, list[tuple[str, Location]]], table: Table) -> None:
        leaders = group.get("组长", [])
        if len(leaders) != 1:
            where = leaders[1][1] if leaders else Location(table.file)
            self.problems.append(Problem(
                tr("领导小组应有一名组长" + (f"，这里有 {len(leaders)} 名" if leaders else ""),
                   "the leading group needs exactly one 组长"), where,
                tr("在“领导小组”一列为一位老师选“组长”", "mark one teacher 组长")))
            return
        self._set(("leadership", "leader"), leaders[0][0], leaders[0][1])
        for role, key in (("副组长", "deputies"), ("组员", "members")):
            if group.get(role):
                self._set(("leadership", key), [i for i, _ in group[role]], group[role][0][1])
                for j, (_, where) in enumerate(group[role]):
                    self.positions.set_value(("leadership", key, j), where)
        directors = group.get("办公室主任", [])
        if directors:
            self._set(("leadership", "office_director"), directors[0][0], directors[0][1])

    def units(self, table: Table) -> None:
        """Read the 村（连队） sheet: each village's name is its id."""
        for r, values, cells in self._rows(table, UNIT_COLUMNS):
            if "name" not in values:
                continue
            unit: dict[str, Any] = {"id": values["name"], "name": values["name"]}
            cells = {**cells, "id": cells["name"]}
            for key in ("households", "people"):
                if key in values:
                    unit[key] = values[key]
            self._append("units", unit, cells, cell_at(table, r))

    def homes(self, table: Table) -> None:
        """Read the 户和子女 sheet as a roster is read (data/roster.py)."""
        from fupin_docs.data.roster import _Reader, _Sheet
        from fupin_docs.data.roster_columns import find_header as roster_header
        from fupin_docs.data.roster_columns import map_headers

        rows = [list(r) for r in table.rows]
        found = roster_header(rows)
        if found is not None:  # numbers where text belongs: told here, as in the exports
            top, header, start = found
            kinds = {"id_number": ID, "phone": PHONE, "birth_date": DATE}
            for i, col in map_headers(header).columns.items():
                kind = kinds.get(col.key)
                if kind is None:
                    continue
                for r in range(start, len(rows)):
                    value = rows[r][i] if i < len(rows[r]) else None
                    if value is None or (kind == DATE and hasattr(value, "year")):
                        continue
                    try:
                        cell_text(value, kind, col.label)
                    except BadCell as bad:
                        self.problems.append(Problem(bad.message, cell_at(
                            table, r, i, trim(header[i])), bad.hint))
                        rows[r][i] = None
            for r, row in enumerate(rows):
                if _is_example(row):
                    self._example(table, r, row, home_columns())
                    rows[r] = [None] * len(row)
        reader = _Reader(self.problems)
        reader.read_sheet(_Sheet(table.file, rows, table.uncached), alone=True)
        households = self.data.setdefault("households", [])
        if not isinstance(households, list):
            return
        offset = len(households)
        households.extend(reader.households)
        for key, loc in reader.positions.items():
            self.positions.set_value(("households", offset + key[0]) + tuple(key[1:]), loc)

    def pairs(self, table: Table) -> None:
        """Read the 结对 sheet: a teacher (name or 编号) and a village, households or pupils."""
        for r, values, cells in self._rows(table, PAIR_COLUMNS):
            if "teacher" not in values:
                continue
            pairing: dict[str, Any] = {"teacher": self.teacher_ids.get(values["teacher"],
                                                                       values["teacher"])}
            if "unit" in values:
                pairing["unit"] = values["unit"]
            for key in ("households", "students"):
                if key in values:
                    pairing[key] = [v for v in _SEPARATORS.split(values[key]) if v]
            self._append("pairings", pairing, cells, cell_at(table, r))
            for key in ("households", "students"):
                for j in range(len(pairing.get(key, []))):
                    self.positions.set_value(("pairings", len(self.data["pairings"]) - 1, key, j),
                                             cells[key])


__all__ = ["EXAMPLE", "GUIDE", "HOMES", "NUMBER", "PAIRS", "PAIR_COLUMNS", "SCHOOL",
           "SCHOOL_ITEMS", "TEACHERS", "TEACHER_COLUMNS", "UNITS", "UNIT_COLUMNS", "YES_NO",
           "column_letter", "home_columns", "merge_workbook"]
