"""What the county needs of one school, made from the school's facts where it was loaded.

A summary is small and plain (tuples of text and numbers), so a worker process can hand it
back: the pupils on the roll with what each receives, the households with what identifies
them across schools, the children the school says study elsewhere, the 控辍保学 counts and
the children enrolled nowhere, the teachers and their pairings, the investments, and the
school's own warnings. Every place is named as the county names it: ``城关小学/households.yaml
第12行``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from fupin_docs.data.model import Child, Household, Stage
from fupin_docs.errors import Location, Problem
from fupin_docs.facts.entitlements import ChildAid
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import Status, teacher_names

#: who a child is across schools: its ID number, else its name and birth date
Person = tuple[str, ...]


class Item(NamedTuple):
    """One item of the school's policy table."""

    id: str
    name: str
    kind: str  # 补助, 减免, 贷款
    source: str


class Entitled(NamedTuple):
    """One item a pupil receives: the item's id, its yearly amount, whether totals count it."""

    item: str
    yearly: Decimal
    counted: bool
    standard: str


class AidKind(NamedTuple):
    """What pupils alike in what the policy table reads receive (facts.entitlements.Aid)."""

    stage_text: str
    entitled: tuple[Entitled, ...]
    #: the yearly sum of the counted items (loans left out): the school ledger's figure
    total: Decimal


class Pupil(NamedTuple):
    """A child on the school's roll (a registered child studying here)."""

    unit: str
    household: str  # 户编号
    head: str
    name: str
    gender: str
    birth: str  # 2010-03-05, or ""
    id_number: str
    aid: int  # index into SchoolSummary.aids
    person: Person | None
    where: Location | None


class Home(NamedTuple):
    """A registered household: what identifies it across schools, its pairing teachers."""

    id: str
    head: str
    unit: str
    #: its head's ID number, else head and village; and each child's Person
    keys: tuple[Person, ...]
    on_roll: bool  # a child of it studies here
    teachers: tuple[str, ...]
    where: Location | None


class Elsewhere(NamedTuple):
    """A child the school's data says studies at another school (or outside the county)."""

    name: str
    head: str
    unit: str
    household: str
    stage_text: str
    school: str
    out_of_county: bool
    #: age on the 控辍保学 cut-off when of compulsory-school age, else None
    age: int | None
    aid: int
    person: Person | None
    where: Location | None


class Missing(NamedTuple):
    """A child of compulsory-school age enrolled nowhere (控辍保学)."""

    name: str
    gender: str
    age: int
    unit: str
    household: str
    head: str
    teachers: str
    person: Person | None
    where: Location | None


class TeacherLine(NamedTuple):
    """A teacher and what they are paired with (教师教育扶贫信息库)."""

    name: str
    role: str
    phone: str
    mode: str  # 一师一村 …, or "" when not paired
    targets: str  # 联挂上扯、下扯乐 / 结对上扯黄德明户、…
    households: int
    students: int
    student_names: str


@dataclass
class SchoolSummary:
    """One school as the county sees it."""

    key: str
    name: str
    short_name: str
    town: str
    report_date: dt.date
    #: the school year its report date falls in: its first year, and as written
    school_year_start: int
    school_year: str
    school_year_where: Location | None
    policy_name: str
    items: tuple[Item, ...]
    aids: tuple[AidKind, ...]
    pupils: list[Pupil]
    homes: list[Home]
    elsewhere: list[Elsewhere]
    #: the school ledger's 其中本校学生: what its own pupils receive in a year
    own_total: Decimal
    registered_households: int
    teachers: list[TeacherLine]
    paired_teachers: int
    paired_households: int
    #: 控辍保学: children of compulsory-school age in all and by status (Status names)
    school_age: dict[str, int]
    missing: list[Missing]
    #: every child of compulsory-school age: who it is and its status here (Status names)
    ages: list[tuple[Person | None, str]]
    investments: list[tuple[str, Decimal, str, int | None]]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def pairing_mode(self) -> str:
        """Return how the school pairs teachers: 一师一村, 一师一户, 一师N生 or ""."""
        modes = [t.mode for t in self.teachers if t.mode]
        return max(set(modes), key=modes.count) if modes else ""


MODES = {"unit": "一师一村", "household": "一师一户", "student": "一师N生"}


def person_of(child: Child) -> Person | None:
    """Return who a child is across schools: ("id", ID number) when written, else
    ("nb", name, birth date) when the birth date is; None when neither tells."""
    if child.id_number and child.id_number.strip():
        return ("id", child.id_number.strip().upper())
    if child.birth_date is not None:
        return ("nb", child.name.strip(), child.birth_date.isoformat())
    return None


def relocate(problem: Problem, key: str) -> Problem:
    """Return `problem` with its places named from the county's folder (城关小学/school.yaml);
    a problem without a place names the school in its message."""
    def moved(where: Location | None) -> Location | None:
        return None if where is None else replace(where, file=f"{key}/{where.file}")

    if problem.where is None:
        return replace(problem, message=f"{key}：{problem.message}", also=moved(problem.also))
    return replace(problem, where=moved(problem.where), also=moved(problem.also))


def summarize(facts: Facts, key: str, warnings: list[Problem]) -> SchoolSummary:
    """Return what the county needs of the school `key` (its facts still know every line)."""
    loaded, stats, project = facts.loaded, facts.stats, facts.project

    def where(*path: object) -> Location | None:
        found = loaded.where(*path)
        return None if found is None else replace(found, file=f"{key}/{found.file}")

    units = {u.id: u.name for u in project.units}
    aids: list[AidKind] = []
    index: dict[int, int] = {}

    def aid_of(child: Child) -> int:
        found: ChildAid = facts.aid.of_child(child)
        n = index.get(id(found))
        if n is None:
            n = index[id(found)] = len(aids)
            aids.append(AidKind(found.stage_text, tuple(
                Entitled(e.item.id, e.yearly, e.counted, e.standard)
                for e in found.entitlements), found.yearly_total))
        return n

    pupils = []
    for s in stats.registered_students:
        c, h = s.child, s.household
        hi, ci = s.index
        pupils.append(Pupil(units[h.unit], h.id, h.head, c.name, c.gender,
                            c.birth_date.isoformat() if c.birth_date else "",
                            (c.id_number or "").strip(), aid_of(c), person_of(c),
                            where("households", hi, "children", ci)))
    sa = facts.school_age
    ages = {id(c.child): c.age for c in sa.children}
    teachers = stats.household_teachers
    on_roll = {s.household.id for s in stats.registered_students}
    homes, elsewhere = [], []
    for hi, h in enumerate(project.households):
        homes.append(Home(h.id, h.head, units[h.unit], _keys(h, units[h.unit]), h.id in on_roll,
                          tuple(t.name for t in teachers.get(h.id, ())),
                          where("households", hi)))
        for ci, c in enumerate(h.children):
            if c.school and c.stage not in (Stage.none, Stage.college):
                elsewhere.append(Elsewhere(c.name, h.head, units[h.unit], h.id,
                                           facts.aid.of_child(c).stage_text, c.school or "",
                                           c.out_of_county, ages.get(id(c)), aid_of(c),
                                           person_of(c),
                                           where("households", hi, "children", ci)))
    missing = [Missing(c.child.name, c.child.gender, c.age, units[c.student.household.unit],
                       c.student.household.id, c.student.household.head,
                       teacher_names(c.teachers), person_of(c.child),
                       where("households", *_at(c.student.index)))
               for c in sa.missing]
    school = project.school
    return SchoolSummary(
        key=key, name=school.name, short_name=school.display_name, town=school.town or "",
        report_date=school.report_date, school_year_start=sa.year,
        school_year=sa.year_text,
        school_year_where=where("school", "report_date"), policy_name=facts.policy.name,
        items=tuple(Item(i.id, i.name, i.kind, i.source or "") for i in facts.policy.items),
        aids=tuple(aids), pupils=pupils, homes=homes, elsewhere=elsewhere,
        own_total=sum((aids[p.aid].total for p in pupils), Decimal(0)),
        registered_households=len(stats.registered_households),
        teachers=_teachers(facts), paired_teachers=len(stats.pairings),
        paired_households=len({h.id for tp in stats.pairings for h in tp.households}),
        school_age={"total": len(sa.children),
                    **{s.name: len(sa.of(s)) for s in Status}},
        missing=missing, ages=[(person_of(c.child), c.status.name) for c in sa.children],
        investments=[(i.purpose, i.amount, i.funder or "", i.year)
                     for i in project.figures.investments],
        warnings=[relocate(w, key) for w in warnings])


def _at(index: tuple[int, int]) -> tuple[int, str, int]:
    """Return the path under households of a child at (household, child) `index`."""
    return index[0], "children", index[1]


def _keys(household: Household, unit: str) -> tuple[Person, ...]:
    """Return what identifies a household across schools: its head's ID number, else its head
    and village; and each child's Person (a family with children in two schools is one)."""
    own: Person = (("hid", household.id_number.strip().upper()) if household.id_number
                   and household.id_number.strip() else ("hn", household.head.strip(), unit))
    children = tuple(p for p in (person_of(c) for c in household.children) if p is not None)
    return (own, *children)


def _teachers(facts: Facts) -> list[TeacherLine]:
    """Return every teacher of the school with what they are paired with."""
    stats = facts.stats
    paired = {tp.teacher.id: tp for tp in stats.pairings}
    lines = []
    for t in facts.project.teachers:
        tp = paired.get(t.id)
        if tp is None:
            lines.append(TeacherLine(t.name, t.role or "", t.phone or "", "", "", 0, 0, ""))
            continue
        if tp.units:
            mode, targets = MODES["unit"], "联挂" + "、".join(u.name for u in tp.units)
        elif any(p.households for p in facts.project.pairings if p.teacher == t.id):
            mode = MODES["household"]
            targets = "结对" + "、".join(f"{stats.units_by_id[h.unit].name}{h.head}户"
                                       for h in tp.households)
        else:
            mode, targets = MODES["student"], f"结对学生{len(tp.students)}人"
        lines.append(TeacherLine(t.name, t.role or "", t.phone or "", mode, targets,
                                 len(tp.households), len(tp.students),
                                 "、".join(s.child.name for s in tp.students)))
    return lines
