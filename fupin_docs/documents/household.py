"""Template data of one household: its children, what they receive, its paired teacher.

The letter, the notice and the contact card share it; it shows what a family may see in its
own home (phones and ID numbers masked, phone numbers written into an address or a name too).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from fupin_docs.cnformat import keep
from fupin_docs.data.model import Household
from fupin_docs.documents.common import BaseContext, TeacherData, base_context, teacher_data
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import Audience
from fupin_docs.facts.entitlements import Entitlement, conditions_text
from fupin_docs.facts.facts import Facts

#: what the letter, notice and card show: they are handed to the family
PRIVACY = privacy_for(Audience.home)


class EntitlementData(TypedDict):
    """One item a child receives, as templates see it."""

    id: str
    name: str
    kind: str
    per: str
    amount: Decimal
    yearly: Decimal
    counted: bool
    waives: str
    source: str
    standard: str
    conditions: str


class ChildData(TypedDict):
    """A child as the household's documents see it."""

    id: str
    name: str
    gender: str
    stage: str
    grade: int | None
    stage_text: str
    class_name: str
    school: str
    boarding: bool
    id_masked: str
    entitlements: list[EntitlementData]
    yearly_total: Decimal


class HouseholdData(TypedDict):
    """The household itself, masked for its own home."""

    id: str
    head: str
    unit: str
    address: str
    members: int | None
    cause: str
    phone_masked: str
    id_masked: str


class FutureData(TypedDict):
    """A later stage and the names of what it offers."""

    stage: str
    names: list[str]


class HouseholdContext(BaseContext):
    """Everything the letter, notice and card of one household need."""

    policy: dict[str, Any]
    household: HouseholdData
    children: list[ChildData]
    has_loans: bool
    yearly_total: Decimal
    in_kind: list[str]
    future: list[FutureData]
    teacher: TeacherData | None


def entitlement_data(e: Entitlement) -> EntitlementData:
    """Return an entitlement as template data."""
    item = e.item
    return {"id": item.id, "name": item.name, "kind": item.kind, "per": item.per,
            "amount": item.amount, "yearly": e.yearly, "counted": e.counted,
            "waives": e.waived, "source": keep(item.source or ""), "standard": keep(e.standard),
            "conditions": conditions_text(item)}


def _entitlements(facts: Facts, aid_key: int, ents: tuple[Entitlement, ...]
                  ) -> list[EntitlementData]:
    """Return the entitlements of a kind of child as data, made once per kind (`aid_key` is
    the id of its ChildAid, which lives as long as the facts)."""
    cache: dict[int, list[EntitlementData]] = facts.shared.setdefault("entitlement_data", {})
    found = cache.get(aid_key)
    if found is None:
        found = cache[aid_key] = [entitlement_data(e) for e in ents]
    return found


def household_context(facts: Facts, household: Household | None) -> HouseholdContext:
    """Return everything the letter, notice and card of `household` need.

    The last one made is kept: kinds that build on it (the notice, the card) reuse it for
    the household just rendered.
    """
    assert household is not None
    last = facts.shared.get("last_household")
    if last is not None and last[0] is household:
        return last[1]
    ctx = _household_context(facts, household)
    facts.shared["last_household"] = (household, ctx)
    return ctx


def _household_context(facts: Facts, household: Household) -> HouseholdContext:
    """Return the household's template data (household_context, made afresh)."""
    aid = facts.household_aid(household)
    units: dict[str, str] = facts.shared.get("unit_names") or facts.shared.setdefault(
        "unit_names", {u.id: u.name for u in facts.project.units})
    # what the data's own text says is shown as written, but for a phone number written into
    # it (an address with the family's mobile): the family's phone field is masked, so is this
    shown = PRIVACY.text
    children: list[ChildData] = []
    for i, (child, child_aid) in enumerate(zip(household.children, aid.children)):
        children.append({
            "id": household.child_id(i), "name": keep(shown(child.name)), "gender": child.gender,
            "stage": child.stage.value, "grade": child.grade,
            "stage_text": keep(child_aid.stage_text),
            "class_name": shown(child.class_name), "school": keep(shown(child.school)),
            "boarding": child.boarding, "id_masked": PRIVACY.id_number(child.id_number),
            "entitlements": _entitlements(facts, id(child_aid), child_aid.entitlements),
            "yearly_total": child_aid.yearly_total,
        })
    teacher = facts.stats.household_teacher.get(household.id)
    base = base_context(facts)
    return {
        "school": base["school"], "numbers": base["numbers"], "pack": base["pack"],
        "policy": {"name": facts.policy.name, "year": facts.policy.year},
        "household": {
            "id": household.id, "head": keep(shown(household.head)),
            "unit": keep(shown(units[household.unit])),
            "address": shown(household.address), "members": household.members,
            "cause": shown(household.cause),
            "phone_masked": PRIVACY.phone(household.phone),
            "id_masked": PRIVACY.id_number(household.id_number),
        },
        "children": children,
        "has_loans": aid.has_loans,
        "yearly_total": aid.yearly_total,
        "in_kind": list(aid.in_kind),
        "future": [{"stage": stage, "names": list(names)} for stage, names in aid.future],
        "teacher": teacher_data(teacher) if teacher else None,
    }
