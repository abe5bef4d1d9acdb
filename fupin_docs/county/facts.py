"""The county's facts: its schools' summaries rolled up once, read by every county document.

Money and 人次 are sums over the schools' rolls, so that each county figure is the sum of the
schools' own ledgers (其中本校学生). People are counted once: a pupil on two rolls is one pupil
(checks.py tells of it), a family with children in two schools is one household.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from fupin_docs.county.model import County
from fupin_docs.county.summary import Item, Person, SchoolSummary
from fupin_docs.data.policy_table import PolicyTable


@dataclass(frozen=True)
class Skipped:
    """A school left out of the county's figures (--skip-invalid): its data has errors."""

    key: str
    errors: int


@dataclass
class Category:
    """One item of aid over the county: what it comes to in a year, for how many."""

    item: Item
    #: 人次: one per pupil on a roll receiving it
    times: int = 0
    #: pupils receiving it, each counted once
    pupils: int = 0
    amount: Decimal = Decimal(0)
    #: per school key: (人次, amount)
    by_school: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    @property
    def is_loan(self) -> bool:
        return self.item.kind == "贷款"


#: the order of the county's 控辍保学 statuses, best first: a child on a county school's roll
#: is in school, whatever another school's data says
STATUS_ORDER = ("here", "home_taught", "elsewhere", "missing")


@dataclass
class CountyFacts:
    """A county's schools with what they add up to."""

    county: County
    policy: PolicyTable
    boilerplate: dict[str, Any]
    schools: list[SchoolSummary]
    skipped: list[Skipped] = field(default_factory=list)
    #: the ledger shows whole ID numbers (--full-ids, or ledger_full_ids in county.yaml)
    full_ids: bool = False
    #: the bounds on templates: a render.limits.Limits
    limits: Any = None
    #: template data the county's kinds share, made once per build
    shared: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def school_year(self) -> tuple[int, str]:
        """Return the school year: its first calendar year and how it is written."""
        return self.county.school_year(self.policy.compulsory.cutoff)

    @cached_property
    def categories(self) -> list[Category]:
        """Return every item of aid some pupil receives: the county's policy table first, in
        its order, then the other items the schools' own tables have, as they come."""
        items: dict[str, Item] = {i.id: Item(i.id, i.name, i.kind, i.source or "")
                                  for i in self.policy.items}
        for school in self.schools:
            for item in school.items:
                items.setdefault(item.id, item)
        found = {key: Category(item) for key, item in items.items()}
        people: dict[str, set[Person | tuple[str, ...]]] = {key: set() for key in items}
        for school in self.schools:
            lines: dict[str, list[Any]] = {}
            for n, pupil in enumerate(school.pupils):
                who = pupil.person or ("row", school.key, str(n))
                for e in school.aids[pupil.aid].entitled:
                    slot = lines.setdefault(e.item, [0, Decimal(0)])
                    slot[0] += 1
                    slot[1] += e.yearly
                    people[e.item].add(who)
            for key, (times, amount) in lines.items():
                cat = found[key]
                cat.times += times
                cat.amount += amount
                cat.by_school[school.key] = (times, amount)
        for key, cat in found.items():
            cat.pupils = len(people[key])
        return [c for c in found.values() if c.times]

    @cached_property
    def aid(self) -> dict[str, Any]:
        """Return the aid in all, loans left out: amount, 人次 and pupils (each once)."""
        counted = [c for c in self.categories if not c.is_loan]
        aided: set[Person | tuple[str, ...]] = set()
        for school in self.schools:
            for n, pupil in enumerate(school.pupils):
                if any(e.counted for e in school.aids[pupil.aid].entitled):
                    aided.add(pupil.person or ("row", school.key, str(n)))
        return {"amount": sum((c.amount for c in counted), Decimal(0)),
                "times": sum(c.times for c in counted), "pupils": len(aided),
                "own_totals": sum((s.own_total for s in self.schools), Decimal(0))}

    @cached_property
    def pupils(self) -> int:
        """Return the pupils on the schools' rolls, school by school (the per-school table)."""
        return sum(len(s.pupils) for s in self.schools)

    @cached_property
    def households(self) -> list[list[tuple[int, int]]]:
        """Return the registered households of the county, each a group of (school, home)
        indices: homes sharing their head's ID number (or head and village) or a child."""
        parent: dict[tuple[int, int], tuple[int, int]] = {}

        def find(x: tuple[int, int]) -> tuple[int, int]:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        owner: dict[Person, tuple[int, int]] = {}
        for si, school in enumerate(self.schools):
            for hi, home in enumerate(school.homes):
                node = (si, hi)
                parent[node] = node
                for key in home.keys:
                    other = owner.setdefault(key, node)
                    if other != node:
                        parent[find(node)] = find(other)
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for node in parent:
            groups.setdefault(find(node), []).append(node)
        return list(groups.values())

    @cached_property
    def registered_households(self) -> int:
        """Return the households with a child on some roll, each counted once."""
        return sum(1 for group in self.households
                   if any(self.schools[si].homes[hi].on_roll for si, hi in group))

    @cached_property
    def outside(self) -> dict[str, Any]:
        """Return the pupils studying outside the county (each once) and their yearly aid."""
        seen: set[Person | tuple[str, ...]] = set()
        amount = Decimal(0)
        for school in self.schools:
            for n, child in enumerate(school.elsewhere):
                who = child.person or ("row", school.key, str(n))
                if child.out_of_county and who not in seen:
                    seen.add(who)
                    amount += school.aids[child.aid].total
        return {"pupils": len(seen), "amount": amount}

    @cached_property
    def school_age(self) -> dict[str, int]:
        """Return the children of compulsory-school age over the county, each once, by where
        they are: on a county school's roll, taught at home, elsewhere, or enrolled nowhere."""
        best: dict[Person | tuple[str, ...], str] = {}
        on_roll = {p.person for s in self.schools for p in s.pupils if p.person is not None}
        for school in self.schools:
            for n, (person, status) in enumerate(school.ages):
                who = person or ("row", school.key, str(n))
                if person is not None and person in on_roll:
                    status = "here"
                before = best.get(who)
                if before is None or STATUS_ORDER.index(status) < STATUS_ORDER.index(before):
                    best[who] = status
        counts = {"total": len(best), **{s: 0 for s in STATUS_ORDER}}
        for status in best.values():
            counts[status] += 1
        return counts

    @cached_property
    def roll_index(self) -> dict[Person, list[tuple[int, int]]]:
        """Return each pupil known by ID or name and birth date with its (school, pupil)
        places on the rolls."""
        found: dict[Person, list[tuple[int, int]]] = {}
        for si, school in enumerate(self.schools):
            for pi, pupil in enumerate(school.pupils):
                if pupil.person is not None:
                    found.setdefault(pupil.person, []).append((si, pi))
        return found

    @cached_property
    def investments(self) -> list[dict[str, Any]]:
        """Return the investments the county states, else those its schools state."""
        own = self.county.config.investments
        if own:
            return [{"purpose": i.purpose, "amount": i.amount, "funder": i.funder or "",
                     "year": i.year, "school": ""} for i in own]
        return [{"purpose": purpose, "amount": amount, "funder": funder, "year": year,
                 "school": s.short_name}
                for s in self.schools for purpose, amount, funder, year in s.investments]

    @property
    def teachers(self) -> int:
        return sum(len(s.teachers) for s in self.schools)

    @property
    def paired_teachers(self) -> int:
        return sum(s.paired_teachers for s in self.schools)

    @property
    def paired_households(self) -> int:
        """Return the households some teacher is paired with, each counted once."""
        return sum(1 for group in self.households
                   if any(self.schools[si].homes[hi].teachers for si, hi in group))
