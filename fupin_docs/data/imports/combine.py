"""Derive households and their children from 建档立卡 rows, completed by 学籍 records."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fupin_docs.data import values
from fupin_docs.data.imports.cells import (
    BadCell,
    age_on,
    birth_date_in_id,
    gender_in_id,
    gender_of,
)
from fupin_docs.data.imports.enrolment import EnrolmentFile, Pupil
from fupin_docs.data.imports.registry import Home, Member, RegistryFile, relation_kind
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

#: ages of 义务教育 (as facts.stats counts them): a child this age in no school is 未入学
COMPULSORY_AGES = range(6, 16)
#: ages at which a 学龄前儿童 is of kindergarten age
PRESCHOOL_AGES = range(3, 6)
#: what stands for another school when a pupil is in none of the 学籍 exports given
ELSEWHERE = "其他学校"
#: 在校生状况 of someone not in school
_NOT_IN_SCHOOL = {"非在校生", "不在校", "未在校", "否", "无", "", "不是在校生", "已毕业",
                  "毕业", "其他"}
_PRE_SCHOOL_AGE = {"学龄前儿童", "学龄前"}
_SCHOOL_WORDS = (("学前", "学前"), ("幼儿园", "学前"), ("小学", "小学"), ("初中", "初中"),
                 ("高职", "高校"), ("高专", "高校"), ("大专", "高校"), ("本科", "高校"),
                 ("研究生", "高校"), ("大学", "高校"), ("中职", "中职"), ("中专", "中职"),
                 ("职高", "中职"), ("技工", "中职"), ("高中", "高中"))


@dataclass
class Summary:
    """What an import found, as the import command prints it."""

    homes: int = 0  # households in the 建档立卡 exports
    households: int = 0  # of them, with a child taken
    children: Counter[str] = field(default_factory=Counter)  # by stage
    units: list[str] = field(default_factory=list)
    county: str | None = None
    town: str | None = None
    pupils_here: int = 0  # pupils of this school in the 学籍 exports
    matched_here: int = 0  # of them, children of registered households
    #: registered children in school whom no 学籍 export lists ("name（户主 X户）")
    not_enrolled: list[str] = field(default_factory=list)
    schools: Counter[str] = field(default_factory=Counter)  # 学籍's 就读学校 values


@dataclass
class Imported:
    """Households in the YAML shape, where each value was read, the units named, problems."""

    households: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[tuple[Any, ...], Location] = field(default_factory=dict)
    units: dict[str, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)


def school_key(name: str) -> str:
    """Return a school's name as compared: half-width, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def status_stage(raw: str | None) -> tuple[str | None, bool]:
    """Return (stage, in school) for a 在校生状况: 小学 → (小学, True), 学龄前儿童 → (学前,
    False), 非在校生 → (None, False); raise BadCell for words not understood."""
    key = re.sub(r"\s+", "", values.half_width(raw or ""))
    if key in _NOT_IN_SCHOOL:
        return None, False
    if key in _PRE_SCHOOL_AGE:
        return "学前", False
    named = values.stage_name(key)
    if named == "未入学":
        return None, False
    if named in values.STAGES:
        return str(named), True
    for word, stage in _SCHOOL_WORDS:
        if word in key and not key.startswith(("非", "未", "不")):
            return stage, True
    raise BadCell(tr(f"在校生状况“{raw}”不认识", f"unknown 在校生状况 '{raw}'"),
                  tr("应是 学龄前儿童、学前教育、小学、初中、高中、中职、高职高专、本科及以上、"
                     "非在校生 之一", "use one of the export's words"), "status")


def combine(registries: list[RegistryFile], enrolments: list[EnrolmentFile], on: dt.date,
            this_school: set[str], units_from: str | None = None,
            child_fields: set[str] | None = None) -> Imported:
    """Return the households with children of the exports, as the model reads them."""
    out = Imported()
    for f in registries:
        out.problems += f.problems
    for e in enrolments:
        out.problems += e.problems
    here = {school_key(n) for n in this_school if n}
    pupils = _pupils_by_id(enrolments, out.problems)
    for e in enrolments:
        for p in e.pupils:
            if p.school:
                out.summary.schools[p.school] += 1
            if p.school is None or school_key(p.school) in here:
                out.summary.pupils_here += 1
    found_here = any(school_key(s) in here for s in out.summary.schools)
    if out.summary.schools and not found_here:
        out.problems.append(Problem(
            tr(f"学籍导出表中没有本校（{'、'.join(sorted(this_school))}）的学生；“就读学校”一列有："
               + "、".join(n for n, _ in out.summary.schools.most_common(8)),
               "no pupil of this school in the 学籍 exports"),
            Location(enrolments[0].name),
            tr("若本校在学籍中另有写法，请在 imports 中写 school_names: [学籍中的校名]",
               "name this school as the 学籍 export does: imports: {school_names: [...]}"),
            "warning"))
    wanted = child_fields
    matched: set[str] = set()
    for f in registries:
        for home in f.homes:
            out.summary.homes += 1
            _household(home, out, pupils, on, here, units_from, wanted, matched,
                       bool(enrolments))
    out.summary.matched_here = sum(1 for i in matched if _here(pupils[i].school, here))
    out.summary.households = len(out.households)
    out.summary.units = list(out.units)
    for f in registries:
        for home in f.homes:
            county, _ = home.first("county")
            town, _ = home.first("town")
            out.summary.county = out.summary.county or county
            out.summary.town = out.summary.town or town
    return out


def _here(school: str | None, here: set[str]) -> bool:
    """Return whether a 学籍 school names this school (no school column: the file is ours)."""
    return school is None or school_key(school) in here


def _pupils_by_id(enrolments: list[EnrolmentFile], problems: list[Problem]) -> dict[str, Pupil]:
    """Return the pupils of the 学籍 exports by ID number; an ID twice is a warning."""
    found: dict[str, Pupil] = {}
    for e in enrolments:
        for p in e.pupils:
            if not p.id_number:
                continue
            if p.id_number in found:
                first = found[p.id_number]
                problems.append(Problem(
                    tr(f"身份证件号 {p.id_number} 在学籍中出现了两次（{first.name}、{p.name}），"
                       "以前一条为准", f"ID {p.id_number} appears twice in the 学籍 exports"),
                    p.row.cells.get("id_number"), tr("核对是否重复导出", "check the exports"),
                    "warning", first.row.cells.get("id_number")))
                continue
            found[p.id_number] = p
    return found


def _household(home: Home, out: Imported, pupils: dict[str, Pupil], on: dt.date,
               here: set[str], units_from: str | None, wanted: set[str] | None,
               matched: set[str], enrolled_known: bool) -> None:
    """Add `home` to `out` when it has a child to take, with positions and problems."""
    problems = out.problems
    head_row = next((m for m in home.members if relation_kind(m.get("relation")) == "head"),
                    None)
    _same_everywhere(home, problems)
    head, head_at = home.first("head")
    if head is None and head_row is not None:
        head, head_at = head_row.get("name"), head_row.at("name")
    first = home.members[0]
    if head is None:
        problems.append(Problem(
            tr(f"户编号“{home.id}”的户没有户主：与户主关系中没有“户主”，也没有“户主姓名”列",
               f"household '{home.id}' has no head"),
            first.at("relation"), tr("请从原系统重新导出整户", "export the whole household")))
        return
    unit, unit_at = _unit(home, units_from)
    if unit is None:
        problems.append(Problem(
            tr(f"户编号“{home.id}”的户不知在哪个村：行政村、自然村都是空的",
               f"household '{home.id}' names no village"),
            first.at("village"), tr("请补上所在村", "fill in the village")))
        return
    children: list[tuple[dict[str, Any], dict[tuple[Any, ...], Location]]] = []
    for member in home.members:
        if member is head_row or relation_kind(member.get("relation")) in ("head", "spouse"):
            continue
        taken = _child(member, home, head, out, pupils, on, here, wanted, enrolled_known)
        if taken is not None:
            children.append(taken)
            if member.id_number and member.id_number in pupils:
                matched.add(member.id_number)
    if not children:
        return
    index = len(out.households)
    house: dict[str, Any] = {"id": home.id, "head": head, "unit": unit}
    pos = out.positions
    pos[(index,)] = first.at("household")
    pos[(index, "id")] = first.at("household")
    pos[(index, "head")] = head_at or first.row.where
    pos[(index, "unit")] = unit_at or first.row.where
    if unit not in out.units:
        out.units[unit] = unit_at or first.row.where

    def put(key: str, value: Any, where: Location | None) -> None:
        if value is not None:
            house[key] = value
            pos[(index, key)] = where or first.row.where

    head_id, at = home.first("head_id")
    if head_id is None and head_row is not None and head_row.id_number:
        head_id, at = head_row.id_number, head_row.at("id_number")
    put("id_number", head_id, at)
    phone, at = home.first("phone")
    if phone is None and head_row is not None:
        phone, at = head_row.get("person_phone"), head_row.at("person_phone")
    put("phone", phone, at)
    members, at = home.first("members")
    if members is None:
        put("members", len(home.members), first.row.where)
    else:
        digits = re.fullmatch(r"(\d+)\s*人?", values.half_width(members))
        put("members", int(digits[1]) if digits else members, at)
    cause, at = home.first("cause")
    put("cause", cause, at)
    address, at = home.first("address")
    if address is None:
        parts = [home.first(k)[0] for k in ("town", "village", "hamlet")]
        address = "".join(p for p in parts if p) or None
        at = first.row.where
    put("address", address, at)
    house["children"] = [child for child, _ in children]
    for j, (_, where) in enumerate(children):
        for key, loc in where.items():
            pos[(index, "children", j) + key] = loc
    out.households.append(house)


def _unit(home: Home, units_from: str | None) -> tuple[str | None, Location | None]:
    """Return the household's village as units name it: its 自然村, else its 行政村."""
    order = ("village",) if units_from == "行政村" else ("hamlet", "village")
    for key in order:
        value, where = home.first(key)
        if value is not None:
            return value, where
    return None, None


_HOUSEHOLD_FIELDS = ("head", "head_id", "phone", "members", "cause", "village", "hamlet")


def _same_everywhere(home: Home, problems: list[Problem]) -> None:
    """Warn when a household field differs between the rows of one household."""
    for key in _HOUSEHOLD_FIELDS:
        first: Member | None = None
        for m in home.members:
            value = m.get(key)
            if value is None:
                continue
            if first is None:
                first = m
            elif value != first.get(key):
                label = m.at(key).header or key
                problems.append(Problem(
                    tr(f"户编号“{home.id}”的{label}前后不一致：先是“{first.get(key)}”，这里是"
                       f"“{value}”，以前者为准",
                       f"household '{home.id}' has two values for {label}"),
                    m.at(key), tr("核对原系统中的这一户", "check the household at its source"),
                    "warning", first.at(key)))
                break


def _child(member: Member, home: Home, head: str, out: Imported, pupils: dict[str, Pupil],
           on: dt.date, here: set[str], wanted: set[str] | None, enrolled_known: bool
           ) -> tuple[dict[str, Any], dict[tuple[Any, ...], Location]] | None:
    """Return the member as a child (and where each field was read) when of school age or in
    school, else None."""
    problems = out.problems
    ident = member.id_number
    pupil = pupils.get(ident) if ident else None
    try:
        stage, in_school = status_stage(member.get("status"))
    except BadCell as bad:
        problems.append(Problem(bad.message, member.at("status"), bad.hint))
        return None
    born = member.row.values.get("birth_date")
    born_at = member.at("birth_date")
    if born is None and ident:
        born, born_at = birth_date_in_id(ident), member.at("id_number")
    age = age_on(born, on) if isinstance(born, dt.date) else None
    kind = relation_kind(member.get("relation"))
    if pupil is None:
        if in_school:
            pass
        elif stage == "学前" and age is not None and age in PRESCHOOL_AGES:
            pass
        elif age is not None and age in COMPULSORY_AGES and kind in ("child", "other"):
            stage = "未入学"
        else:
            return None
    stage_at = member.at("status")
    child: dict[str, Any] = {"name": member.get("name")}
    where: dict[tuple[Any, ...], Location] = {(): member.at("name"),
                                              ("name",): member.at("name")}
    gender, gender_at = member.get("gender"), member.at("gender")
    try:
        gender = gender_of(gender) if gender is not None else None
    except BadCell as bad:
        problems.append(Problem(bad.message, gender_at, bad.hint))
        return None  # told once: the child is not taken until the gender is one
    if gender is None and member.get("gender") is None and ident:
        gender, gender_at = gender_in_id(ident), member.at("id_number")
    if gender is not None:
        child["gender"], where[("gender",)] = gender, gender_at
    elif member.get("gender") is None:
        problems.append(Problem(tr(f"{child['name']}的性别为空", "gender is empty"), gender_at,
                                tr("请填 男 或 女（也可写代码：1 男、2 女）", "write 男 or 女")))
    if isinstance(born, dt.date):
        child["birth_date"], where[("birth_date",)] = born, born_at
    if ident:
        child["id_number"], where[("id_number",)] = ident, member.at("id_number")
    if pupil is not None:
        wanted_fields = {k: v for k, v in pupil.fields.items()
                         if wanted is None or k in wanted or k == "class"}
        told = pupil.fields.get("stage")
        if told is not None and stage is not None and stage != told and stage != "未入学":
            problems.append(Problem(
                tr(f"{child['name']}：建档立卡中在校生状况是“{member.get('status')}”，学籍中是"
                   f"{told}，以学籍为准", f"{child['name']}: stage differs from the 学籍"),
                member.at("status"), tr("核对后在建档立卡系统中更正", "correct it at its source"),
                "warning", pupil.cells.get("stage")))
        for key, value in wanted_fields.items():
            child[key] = value
            where[(key,)] = pupil.cells[key]
        if "stage" in pupil.fields:
            stage, stage_at = pupil.fields["stage"], pupil.cells["stage"]
        elif stage is None or stage == "未入学":
            stage, stage_at = "小学", pupil.row.where
        if pupil.school is not None and school_key(pupil.school) not in here:
            child["school"], where[("school",)] = pupil.school, pupil.row.cells["school"]
    elif enrolled_known and stage not in (None, "未入学", "高校", "学前") and in_school:
        child["school"], where[("school",)] = ELSEWHERE, member.at("status")
        out.summary.not_enrolled.append(tr(f"{child['name']}（{head}户，{stage}）",
                                           f"{child['name']} ({head}, {stage})"))
    child["stage"], where[("stage",)] = stage, stage_at
    out.summary.children[stage or ""] += 1
    return child, where
