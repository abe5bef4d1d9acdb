"""Figures computed from the data: counts per grade and unit, pairings resolved per teacher."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from fupin_docs.data.model import Child, Household, Project, Stage, Teacher, Unit


@dataclass(frozen=True)
class Student:
    """A child of a registered household, with its household and id."""

    id: str
    child: Child
    household: Household
    #: (household index, child index) in the project, for locating messages
    index: tuple[int, int] = (0, 0)

    @property
    def at_school(self) -> bool:
        """Return True when the child studies at this school (no other school named)."""
        return self.child.school is None and self.child.stage not in (Stage.none, Stage.college)


@dataclass(frozen=True)
class TeacherPairing:
    """What one teacher is paired with, resolved to households and students."""

    teacher: Teacher
    units: tuple[Unit, ...] = ()
    households: tuple[Household, ...] = ()
    students: tuple[Student, ...] = ()


@dataclass
class Stats:
    """Everything the documents count, computed once from a project."""

    project: Project

    @cached_property
    def units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.project.units}

    @cached_property
    def students(self) -> list[Student]:
        """Return every child of every registered household."""
        return [Student(h.child_id(i), c, h, (hi, i))
                for hi, h in enumerate(self.project.households) for i, c in enumerate(h.children)]

    @cached_property
    def registered_students(self) -> list[Student]:
        """Return the registered children who study at this school."""
        return [s for s in self.students if s.at_school]

    @cached_property
    def registered_households(self) -> list[Household]:
        """Return the households with at least one child at this school."""
        ids = {s.household.id for s in self.registered_students}
        return [h for h in self.project.households if h.id in ids]

    @cached_property
    def by_grade(self) -> dict[int, int]:
        """Return registered students at this school per grade, in grade order."""
        counts = Counter(s.child.grade for s in self.registered_students if s.child.grade)
        return dict(sorted(counts.items()))

    @cached_property
    def boarders(self) -> int:
        return sum(1 for s in self.registered_students if s.child.boarding)

    @cached_property
    def left_behind(self) -> list[Student]:
        return [s for s in self.students if s.child.left_behind]

    @cached_property
    def single_parent(self) -> list[Student]:
        return [s for s in self.students if s.child.single_parent]

    @cached_property
    def disabled(self) -> list[Student]:
        return [s for s in self.students if s.child.disability]

    def age(self, child: Child) -> int | None:
        """Return the child's age in whole years on the report date, if the birth date is known."""
        if child.birth_date is None:
            return None
        on = self.project.school.report_date
        born = child.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @cached_property
    def unit_households(self) -> int | None:
        """Return the sum of households over the units, when every unit states it."""
        values = [u.households for u in self.project.units]
        return sum(values) if values and None not in values else None  # type: ignore[arg-type]

    @cached_property
    def unit_people(self) -> int | None:
        values = [u.people for u in self.project.units]
        return sum(values) if values and None not in values else None  # type: ignore[arg-type]

    @cached_property
    def pairings(self) -> list[TeacherPairing]:
        """Return one entry per paired teacher, in the order teachers are listed."""
        # index once: comparing households one by one made 10,000 households take minutes
        teachers = {t.id: t for t in self.project.teachers}
        by_student = {s.id: s for s in self.students}
        homes_of_unit: dict[str, list[Household]] = {}
        home_by_id: dict[str, Household] = {}
        for h in self.project.households:
            homes_of_unit.setdefault(h.unit, []).append(h)
            home_by_id[h.id] = h
        students_of: dict[str, list[Student]] = {}
        for s in self.registered_students:
            students_of.setdefault(s.household.id, []).append(s)
        found: dict[str, dict[str, list]] = {}
        for p in self.project.pairings:
            slot = found.setdefault(p.teacher, {"units": [], "households": [], "students": []})
            homes = homes_of_unit.get(p.unit, []) if p.unit else \
                [home_by_id[h] for h in p.households]
            if p.unit:
                slot["units"].append(self.units_by_id[p.unit])
            for home in homes:
                slot["households"].append(home)
                slot["students"] += students_of.get(home.id, [])
            seen = {h.id for h in slot["households"]}
            for sid in p.students:
                student = by_student[sid]
                slot["students"].append(student)
                if student.household.id not in seen:
                    seen.add(student.household.id)
                    slot["households"].append(student.household)
        return [TeacherPairing(teachers[t.id], tuple(found[t.id]["units"]),
                               tuple(found[t.id]["households"]), tuple(found[t.id]["students"]))
                for t in self.project.teachers if t.id in found]

    @cached_property
    def teacher_of(self) -> dict[str, Teacher]:
        """Return the paired teacher per student id (the first pairing wins)."""
        out: dict[str, Teacher] = {}
        for tp in self.pairings:
            for s in tp.students:
                out.setdefault(s.id, tp.teacher)
        return out

    @cached_property
    def household_teacher(self) -> dict[str, Teacher]:
        """Return the paired teacher per household id."""
        out: dict[str, Teacher] = {}
        for tp in self.pairings:
            for h in tp.households:
                out.setdefault(h.id, tp.teacher)
        return out

    @cached_property
    def household_teachers(self) -> dict[str, list[Teacher]]:
        """Return every teacher paired with each household id (or with a child of it), in the
        order teachers are listed."""
        out: dict[str, list[Teacher]] = {}
        for tp in self.pairings:
            for h in tp.households:
                found = out.setdefault(h.id, [])
                if tp.teacher not in found:
                    found.append(tp.teacher)
        return out

    @cached_property
    def unpaired_students(self) -> list[Student]:
        return [s for s in self.registered_students if s.id not in self.teacher_of]

    @cached_property
    def pairing_mode(self) -> str:
        """Return "unit", "household", "student" or "none": the pattern the pairings use."""
        modes = Counter("unit" if p.unit else "household" if p.households else "student"
                        for p in self.project.pairings)
        return modes.most_common(1)[0][0] if modes else "none"
