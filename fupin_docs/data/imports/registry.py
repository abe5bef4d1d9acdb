"""Read a 建档立卡 export: one row per person, the household's fields repeated on each row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fupin_docs.data.imports.cells import CODE, DATE, ID, PHONE, BadCell, id_text
from fupin_docs.data.imports.headers import (
    Field,
    Header,
    Layout,
    cell_at,
    column_notes,
    find_header,
    missing_columns,
)
from fupin_docs.data.imports.rows import Row, RowReader
from fupin_docs.data.imports.tables import Table, read_tables
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

F = Field
LAYOUT = Layout(
    ("建档立卡导出表", "建档立卡 export"),
    [
        (F("county", "县(市、区、旗)"), ("县(市、区)", "县(市)", "县(区)", "县区", "县", "旗区",
                                         "所属县", "县(市、区、旗、团场)")),
        (F("town", "乡(镇)"), ("乡镇", "乡(镇、街道)", "乡镇(街道)", "苏木乡", "乡(镇、苏木)",
                               "苏木(乡镇)", "乡(镇、团场)", "所属乡镇")),
        (F("village", "行政村"), ("村", "行政村(社区)", "村(社区)", "噶查村", "嘎查村", "嘎查",
                                  "所属村", "村(连队)", "连队")),
        (F("hamlet", "自然村"), ("村民小组", "组", "自然村(组)", "村民小组(自然村)", "社",
                                 "所属自然村")),
        (F("household", "户编号", CODE), ("家庭编号", "户码", "户号", "户ID", "贫困户编号")),
        (F("head", "户主姓名"), ("户主名", "户主名称")),
        (F("head_id", "户主证件号码", ID), ("户主身份证号", "户主身份证号码", "户主证件号",
                                             "户主身份证件号码")),
        (F("members", "人数"), ("家庭人口数", "当前家庭人口数", "家庭人数", "家庭人口", "户人数",
                                "家庭成员数", "户人口数")),
        (F("phone", "户联系电话", PHONE), ("家庭联系电话", "户主联系电话", "户主电话")),
        (F("cause", "致贫原因"), ("主要致贫原因", "致贫原因1", "返贫致贫原因")),
        (F("address", "家庭住址"), ("住址", "家庭地址", "现住址", "详细地址")),
        (F("name", "姓名"), ("成员姓名", "人员姓名", "家庭成员姓名", "人口姓名")),
        (F("id_number", "证件号码", ID), ("身份证号", "身份证号码", "证件号", "公民身份号码",
                                          "身份证件号码", "成员证件号码")),
        (F("gender", "性别"), ()),
        (F("birth_date", "出生日期", DATE), ("出生年月日",)),
        (F("relation", "与户主关系"), ("与户主的关系", "家庭关系")),
        (F("status", "在校生状况"), ("在校生情况", "在校情况", "就学状况", "在校状况",
                                     "在校生状态")),
        (F("person_phone", "联系电话", PHONE), ("人联系电话", "个人联系电话", "手机号码",
                                                "手机号", "本人联系电话")),
    ],
    ("household", "name", "relation", "status"),
    frozenset({"序号", "人编号", "人口编号", "证件类型", "民族", "政治面貌", "文化程度",
               "健康状况", "劳动技能", "务工状况", "务工时间", "务工区域", "户类型", "脱贫属性",
               "贫困户属性", "监测对象类别", "是否危房户", "义务教育阶段未上学原因",
               "失学或辍学原因", "识别标准", "脱贫年度", "识别时间", "是否现役军人",
               "是否参加大病保险", "是否参加城乡居民基本养老保险", "是否参加城乡居民基本医疗保险",
               "是否享受低保", "是否特困供养", "帮扶责任人", "开户银行", "银行卡号", "省",
               "市", "市(州)", "省(区、市)", "地(市、州、盟)", "备注", "人口状态", "户状态",
               "是否在校生", "在校生年级", "年收入", "人均纯收入", "耕地面积", "是否军烈属"}),
)


@dataclass
class Member:
    """One person of a 建档立卡 household, as the export has them."""

    row: Row
    table: Table

    def get(self, key: str) -> str | None:
        value = self.row.values.get(key)
        return None if value is None else str(value)

    def at(self, key: str) -> Location:
        """Return the cell of `key` in this person's row (the row when the column is absent)."""
        return self.row.cells.get(key, self.row.where)

    @property
    def id_number(self) -> str | None:
        raw = self.get("id_number")
        return id_text(raw) if raw else None


@dataclass
class Home:
    """A household of the export: its id and its members' rows, in the export's order."""

    id: str
    members: list[Member] = field(default_factory=list)

    def first(self, key: str) -> tuple[str | None, Location | None]:
        """Return the first value of a household field among the rows, and where it is."""
        for m in self.members:
            value = m.get(key)
            if value is not None:
                return value, m.at(key)
        return None, None


@dataclass
class RegistryFile:
    """What a 建档立卡 export holds: its households, and what was wrong with it."""

    name: str
    homes: list[Home]
    problems: list[Problem]
    has: set[str] = field(default_factory=set)  # the field keys its header has


def read_registry(path: Path, name: str) -> RegistryFile:
    """Return the households of a 建档立卡 export, and every problem found reading it."""
    tables, problems = read_tables(path, name)
    out = RegistryFile(name, [], problems)
    by_id: dict[str, Home] = {}
    for table, header in headed_tables(tables, LAYOUT, problems):
        out.has |= {f.key for f in header.columns.values()}
        for row in RowReader(table, header, problems).rows():
            member = Member(row, table)
            ident = member.get("household")
            if ident is None:
                if "household" in row.bad:
                    continue  # reported as it is
                problems.append(Problem(tr("户编号为空：不知道这个人属于哪一户",
                                           "the household id is empty"),
                                        row.cells.get("household", row.where),
                                        tr("请从原系统重新导出，或补上户编号",
                                           "fill in the household id")))
                continue
            if member.get("name") is None:
                continue  # a household line without a person: its fields are on other rows
            home = by_id.get(ident)
            if home is None:
                home = by_id[ident] = Home(ident)
                out.homes.append(home)
            home.members.append(member)
    return out


def headed_tables(tables: list[Table], layout: Layout, problems: list[Problem]
                  ) -> Iterator[tuple[Table, Header]]:
    """Yield each table that has `layout`'s header, with the header; add to `problems` what
    its columns tell, skip one that lacks a column it needs, and say so when no table of the
    file has the header at all."""
    headed = 0
    for table in tables:
        header = find_header(table.rows, layout)
        if header is None:
            continue
        headed += 1
        problems += list(column_notes(table, header, layout))
        missing = missing_columns(table, header, layout)
        if missing:
            problems += missing
            continue
        yield table, header
    if tables and not headed:
        problems.append(not_this_kind(tables[0], layout))


def not_this_kind(table: Table, layout: Layout) -> Problem:
    """Return the error for a file whose header this kind of export does not have."""
    first = next((i for i, row in enumerate(table.rows)
                  if any(v is not None and str(v).strip() for v in row)), 0)
    seen = "、".join(str(v).strip() for v in table.rows[first] if v is not None
                     and str(v).strip())[:80]
    return Problem(tr(f"不像是{layout.name}：没有找到表头行（第{first + 1}行是：{seen}）",
                      f"not a {layout.name}: no header row found"),
                   cell_at(table, first),
                   tr(f"{layout.name}的表头应包含：{layout.expected()} 等列",
                      f"its header should contain: {layout.expected()}"))


def relation_kind(relation: str | None) -> str:
    """Return "head", "spouse", "child" (之子、之女、之孙子 …) or "other" for 与户主关系."""
    text = (relation or "").strip().removeprefix("之")
    if text in ("户主", "本人"):
        return "head"
    if text in ("配偶", "妻", "夫", "妻子", "丈夫"):
        return "spouse"
    base = text.removeprefix("养").removeprefix("继").removeprefix("外").removeprefix("曾")
    base = base.removeprefix("外").removeprefix("养").removeprefix("继")
    if base in ("子", "女", "儿子", "女儿", "孙子", "孙女", "孙", "子女", "长子", "次子",
                "长女", "次女", "三子", "三女", "四子", "四女"):
        return "child"
    return "other"


__all__ = ["LAYOUT", "BadCell", "Home", "Member", "RegistryFile", "not_this_kind",
           "read_registry", "relation_kind"]
