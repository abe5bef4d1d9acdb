"""控辍保学: every child of compulsory-school age in a registered household, and where it is.

The ages and the cut-off come from the policy table (`compulsory`: 6 to 15 on 8月31日 by
default); the school year is the one the report date falls in. Each child of those ages is
enrolled here, enrolled elsewhere (a school named), taught at home (送教上门), or unaccounted
for: stage 未入学 with no placement. 随班就读 is a disabled child's placement in an ordinary
class: it is enrolled here or elsewhere and counted there. `check`, the report, the 控辍保学台账
and the 劝返情况记录 all read this one classification.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from fupin_docs.data.model import Child, Project, Stage, Teacher, Unit
from fupin_docs.data.policy_table import CompulsoryAge
from fupin_docs.data.project import LoadedProject
from fupin_docs.errors import Location, Problem
from fupin_docs.facts.stats import Stats, Student
from fupin_docs.i18n import tr


class Status(str, Enum):
    """Where a child of compulsory-school age is."""

    here = "本校就读"
    elsewhere = "外校就读"
    home_taught = "送教上门"
    missing = "未入学"


#: the flags a 控辍保学 ledger shows, in its column order: (Child field, 台账 wording)
FLAGS = (("orphan", "孤儿"), ("left_behind", "留守"), ("single_parent", "单亲"),
         ("disability", "残疾"), ("migrant", "随迁"))
#: a sentence claiming that nobody is out of school (无一人失学, 没有一名适龄儿童未入校 …)
NONE_MISSING = re.compile(r"(?:无一人|无一名|没有一名|没有一个|没有一人)[^。！；!;]*?"
                          r"(?:失学|辍学|未入学|未入校)")


def age_on(born: dt.date, on: dt.date) -> int:
    """Return the age in whole years (周岁) on `on` of a child born on `born`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class SchoolAgeChild:
    """One child of compulsory-school age: where it is and who is paired with its household."""

    student: Student
    #: age in whole years on the school year's cut-off date
    age: int
    status: Status
    #: the teachers paired with the child or its household, in the order teachers are listed
    teachers: tuple[Teacher, ...]

    @property
    def child(self) -> Child:
        return self.student.child

    @property
    def school_text(self) -> str:
        """Return where the child studies: 本校, the school named, 送教上门, or 未入学."""
        if self.status is Status.here:
            return "本校"
        if self.status is Status.elsewhere:
            return self.child.school or ""
        return self.status.value

    @property
    def status_text(self) -> str:
        """Return the status with a disabled child's placement: 本校就读（随班就读）…"""
        placement = self.child.placement
        if placement == "随班就读" and self.status in (Status.here, Status.elsewhere):
            return f"{self.status.value}（随班就读）"
        return "未入学（待劝返）" if self.status is Status.missing else self.status.value

    @property
    def flags(self) -> list[str]:
        """Return the groups the child is in: 孤儿, 留守, 单亲, 残疾, 随迁."""
        return [word for key, word in FLAGS if getattr(self.child, key)]


def status_of(child: Child) -> Status:
    """Return where a child of compulsory-school age is, from its stage, school and placement."""
    if child.placement == "送教上门":
        return Status.home_taught
    if child.stage is Stage.none:
        return Status.missing
    return Status.elsewhere if child.school else Status.here


class SchoolAge:
    """The school year, its cut-off date and every child of compulsory-school age."""

    def __init__(self, project: Project, rule: CompulsoryAge, stats: Stats) -> None:
        self.project, self.rule, self.stats = project, rule, stats
        report = project.school.report_date
        month, day = rule.cutoff
        # the school year the report date falls in starts the day after its cut-off
        start = report.year if (report.month, report.day) > (month, day) else report.year - 1
        #: the first calendar year of the school year (2017 for 2017—2018学年)
        self.year = start
        #: the date ages are counted on
        self.cutoff = dt.date(start, month, day)  # never 2月29日: refused

    @property
    def year_text(self) -> str:
        """Return the school year as written: 2017—2018学年."""
        return f"{self.year}—{self.year + 1}学年"

    @property
    def rule_text(self) -> str:
        """Return who counts, in words: 2017年8月31日已满6周岁、未满16周岁."""
        c = self.cutoff
        return (f"{c.year}年{c.month}月{c.day}日已满{self.rule.min_age}周岁、"
                f"未满{self.rule.max_age + 1}周岁")

    def age(self, child: Child) -> int | None:
        """Return the child's age on the cut-off date, if its birth date is known."""
        return age_on(child.birth_date, self.cutoff) if child.birth_date else None

    @cached_property
    def children(self) -> list[SchoolAgeChild]:
        """Return every child of compulsory-school age, households in the order written."""
        teachers = self.stats.household_teachers
        found = []
        for s in self.stats.students:
            age = self.age(s.child)
            if age is not None and self.rule.min_age <= age <= self.rule.max_age:
                found.append(SchoolAgeChild(s, age, status_of(s.child),
                                            tuple(teachers.get(s.household.id, ()))))
        return found

    def of(self, status: Status) -> list[SchoolAgeChild]:
        """Return the children of compulsory-school age with `status`."""
        return [c for c in self.children if c.status is status]

    @property
    def missing(self) -> list[SchoolAgeChild]:
        """Return the children of compulsory-school age enrolled nowhere (to bring back)."""
        return self.of(Status.missing)

    def by_unit(self) -> Iterator[tuple[Unit, list[SchoolAgeChild]]]:
        """Yield each unit that has children of compulsory-school age, as the units are listed."""
        grouped: dict[str, list[SchoolAgeChild]] = {}
        for c in self.children:
            grouped.setdefault(c.student.household.unit, []).append(c)
        for unit in self.project.units:
            if unit.id in grouped:
                yield unit, grouped[unit.id]


def teacher_names(teachers: tuple[Teacher, ...]) -> str:
    """Return 张老师、王老师, or "" for none."""
    return "、".join(t.name for t in teachers)


def school_age_problems(loaded: LoadedProject, school_age: SchoolAge) -> Iterator[Problem]:
    """Yield a located warning per child of compulsory-school age enrolled nowhere, per child
    whose age cannot be told, per placement without a disability, and per 控辍保学 paragraph
    saying nobody is out of school when somebody is."""
    def where(student: Student, *key: str) -> Location | None:
        hi, ci = student.index
        return loaded.where("households", hi, "children", ci, *key)

    for c in school_age.missing:
        h = c.student.household
        names = teacher_names(c.teachers)
        paired = tr(f"结对教师：{names}", f"paired teacher(s): {names}") if names else \
            tr("尚无结对教师", "no paired teacher")
        yield Problem(
            tr(f"控辍保学：{c.child.name}（{c.age}岁）处于义务教育年龄但未入学；"
               f"户编号 {h.id}，户主 {h.head}；{paired}",
               f"{c.child.name} ({c.age}) is of compulsory-school age but enrolled nowhere; "
               f"household {h.id}, head {h.head}; {paired}"),
            where(c.student), tr("落实劝返（build 生成每人一份劝返情况记录）；入学后把学段改为"
                                 "实际就读学段，残疾儿童送教上门的写 placement: 送教上门",
                                 "bring the child back (build writes a 劝返 record for each); "
                                 "then set the stage, or placement: 送教上门"), "warning")
    for s in school_age.stats.students:
        child = s.child
        if child.stage is Stage.none and child.birth_date is None:
            yield Problem(tr(f"控辍保学：{child.name}（{s.household.head}户）未入学，"
                             "没有出生日期，无法判断是否处于义务教育年龄",
                             f"{child.name} is enrolled nowhere and has no birth date: "
                             "cannot tell whether of compulsory-school age"),
                          where(s), tr("补上出生日期，如 birth_date: 2010-03-05",
                                       "add the birth date"), "warning")
        if child.placement and not child.disability:
            yield Problem(tr(f"{child.name}（{s.household.head}户）写了安置方式"
                             f"“{child.placement}”，但未标为残疾",
                             f"{child.name} has a placement but is not marked disabled"),
                          where(s, "placement"),
                          tr("送教上门、随班就读是残疾儿童的安置方式：核对后写 disability: 是",
                             "placements are for disabled children: set disability: 是"),
                          "warning")
    missing = len(school_age.missing)
    if missing:
        for i, text in enumerate(school_age.project.narrative.dropout):
            if NONE_MISSING.search(text):
                yield Problem(tr(f"控辍保学一段说没有孩子失学辍学，但名单中有 {missing} 名适龄儿童"
                                 "未入学", f"the dropout paragraph says no child is out of "
                                 f"school, but {missing} of compulsory-school age are"),
                              loaded.where("narrative", "dropout", i),
                              tr("改写这一段；汇报材料已写明未入学人数和劝返情况",
                                 "rewrite it; the report states the number being followed up"),
                              "warning")
