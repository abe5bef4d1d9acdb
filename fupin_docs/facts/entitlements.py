"""What each child and household receives under the policy table: the one place totals are made.

Templates, the ledger, the public list, `check` and the tests all read these figures; nothing
else adds up an amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fupin_docs.cnformat import grade_name, yuan
from fupin_docs.data.model import Child, Household, Project, Stage
from fupin_docs.data.policy_table import PolicyItem, PolicyTable

# 学前 → 小学 → 初中 → 高中 or 中职 → 高校; stages in one step are alternatives.
_PATH: tuple[tuple[Stage, ...], ...] = (
    (Stage.preschool,), (Stage.primary,), (Stage.junior,), (Stage.senior, Stage.vocational),
    (Stage.college,))
DEFAULT_MONTHS = 10  # a school year pays ten months of living allowance
#: condition key → (wording when true, wording when false)
CONDITIONS = {"boarding": ("寄宿", "走读"), "disability": ("残疾", "非残疾"),
              "out_of_county": ("在县外就读", "在县内就读"), "left_behind": ("留守", "非留守"),
              "single_parent": ("单亲家庭", "非单亲家庭")}


@dataclass(frozen=True)
class Entitlement:
    """One item a child receives: its yearly amount and whether totals count it."""

    item: PolicyItem
    yearly: Decimal
    counted: bool  # loans are shown to the family but are not money given
    waived: str  # e.g. "学费、教科书费"; "" when nothing is waived

    @property
    def standard(self) -> str:
        """Return the item's rate in words: 1000元/学年, 一次性500元, or 免学费 for a waiver."""
        item = self.item
        if item.kind == "减免" and not item.amount:
            return f"免{self.waived}"  # not "0元/学年": a waiver is worth the fees it waives
        if item.per == "一次性":
            return f"一次性{yuan(item.amount)}"
        return f"{yuan(item.amount)}/{item.per}"

    @property
    def is_loan(self) -> bool:
        """Return True for a loan, which is offered but not given."""
        return self.item.kind == "贷款"


def yearly_amount(item: PolicyItem) -> Decimal:
    """Return what `item` gives in one school year (a one-off counts once)."""
    if item.per == "学期":
        return item.amount * 2
    if item.per == "月":
        return item.amount * (item.months or DEFAULT_MONTHS)
    return item.amount


def conditions_text(item: PolicyItem) -> str:
    """Return the item's conditions in words: its note, else e.g. "寄宿、残疾"."""
    if item.note:
        return item.note
    words = [CONDITIONS[key][0 if want else 1]
             for key, want in item.when.model_dump().items() if want is not None]
    return "、".join(words)


def _offers(item: PolicyItem, stage: Stage, grade: int | None) -> bool:
    """Return True if `item` exists for `stage` and `grade`, whatever its conditions."""
    # A child without a recorded grade cannot be promised a grade-limited item.
    return stage in item.stage and (not item.grades or grade in item.grades)


def _conditions_met(item: PolicyItem, child: Child) -> bool:
    """Return True if every condition of `item` holds for `child`."""
    return all(getattr(child, key) == want
               for key, want in item.when.model_dump().items() if want is not None)


def child_entitlements(table: PolicyTable, child: Child) -> list[Entitlement]:
    """Return what `child` receives now, in table order; nothing when not at school."""
    if child.stage is Stage.none:
        return []
    return [Entitlement(item, yearly_amount(item), item.kind != "贷款", "、".join(item.waives))
            for item in table.items
            if _offers(item, child.stage, child.grade) and _conditions_met(item, child)]


def future_stages(table: PolicyTable, child: Child) -> list[tuple[str, list[PolicyItem]]]:
    """Return each later stage with every item it offers (conditions are in each `note`).

    高中 and 中职 both follow 初中 as alternatives. A child not at school gets the whole path:
    the notice then shows what enrolling would bring. Stages offering nothing have empty lists.
    """
    if child.stage is Stage.none:
        later = [s for step in _PATH for s in step]
    else:
        index = next(i for i, step in enumerate(_PATH) if child.stage in step)
        later = [s for step in _PATH[index + 1:] for s in step]
    return [(stage.value, [item for item in table.items if stage in item.stage])
            for stage in later]


def unmatched(table: PolicyTable, project: Project) -> list[tuple[int, int]]:
    """Return (household index, child index) of children at school no item exists for."""
    return [(h, c) for h, household in enumerate(project.households)
            for c, child in enumerate(household.children)
            if child.stage is not Stage.none
            and not any(_offers(item, child.stage, child.grade) for item in table.items)]


def stage_text(child: Child) -> str:
    """Return e.g. 小学三年级, 初中八年级, 学前 or 未入学."""
    if child.grade and child.stage not in (Stage.preschool, Stage.none):
        grade = child.grade
        if child.stage in (Stage.senior, Stage.vocational, Stage.college) and grade > 9:
            grade -= 9  # 高中一年级, not 十年级: grades run 1–12 in the data
        return f"{child.stage.value}{grade_name(grade)}"
    return child.stage.value


@dataclass(frozen=True)
class ChildAid:
    """What one child receives now and what its later stages offer."""

    entitlements: tuple[Entitlement, ...]
    #: the yearly sum of the counted entitlements (loans left out)
    yearly_total: Decimal
    future: tuple[tuple[str, tuple[PolicyItem, ...]], ...]
    stage_text: str


@dataclass(frozen=True)
class HouseholdAid:
    """What a household's children receive, child by child, and in all."""

    household: Household
    children: tuple[ChildAid, ...]
    yearly_total: Decimal
    #: each later stage with the names of what it offers, over all the children
    future: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def in_kind(self) -> tuple[str, ...]:
        """Return the names of what the children receive without money (fees waived, books),
        each once."""
        names: list[str] = []
        for child in self.children:
            names += [e.item.name for e in child.entitlements
                      if e.counted and not e.yearly and e.item.name not in names]
        return tuple(names)

    @property
    def has_loans(self) -> bool:
        """Return True when a loan is among what the children may apply for."""
        return any(e.is_loan for c in self.children for e in c.entitlements)


@dataclass
class Aid:
    """The entitlements of every child, worked out once per kind of child."""

    table: PolicyTable
    _by_kind: dict[tuple[object, ...], ChildAid] = field(default_factory=dict, repr=False)

    def of_child(self, child: Child) -> ChildAid:
        """Return what `child` receives; children alike in what the table reads share it."""
        key = (child.stage, child.grade, child.boarding, child.disability, child.out_of_county,
               child.left_behind, child.single_parent)
        found = self._by_kind.get(key)
        if found is None:
            ents = tuple(child_entitlements(self.table, child))
            found = ChildAid(ents, sum((e.yearly for e in ents if e.counted), Decimal(0)),
                             tuple((stage, tuple(items))
                                   for stage, items in future_stages(self.table, child)),
                             stage_text(child))
            self._by_kind[key] = found
        return found

    def of(self, household: Household) -> HouseholdAid:
        """Return what `household` receives."""
        children = tuple(self.of_child(c) for c in household.children)
        future: dict[str, list[str]] = {}
        for aid in children:
            for stage, items in aid.future:
                names = future.setdefault(stage, [])
                names += [it.name for it in items if it.name not in names]
        order = [s.value for step in _PATH for s in step]  # school order, whoever asked first
        return HouseholdAid(household, children,
                            sum((c.yearly_total for c in children), Decimal(0)),
                            tuple((stage, tuple(future[stage])) for stage in order
                                  if stage in future))


def household_total(table: PolicyTable, household: Household) -> Decimal:
    """Return the yearly amount all children of `household` receive, loans left out."""
    return Aid(table).of(household).yearly_total
