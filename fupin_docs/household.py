"""Per-household template data: children, entitlements and totals, paired teacher, file names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from fupin_docs import policy
from fupin_docs.cnformat import grade_name, mask_id, mask_phone, yuan
from fupin_docs.context import base_context, teacher_data
from fupin_docs.model import Child, Household, Stage
from fupin_docs.policy import PolicyTable
from fupin_docs.project import LoadedProject
from fupin_docs.stats import Stats
from fupin_docs.writer import safe_name

def stage_text(child: Child) -> str:
    """Return e.g. 小学三年级, 初中八年级, 学前 or 未入学."""
    if child.grade and child.stage not in (Stage.preschool, Stage.none):
        grade = child.grade
        if child.stage in (Stage.senior, Stage.vocational, Stage.college) and grade > 9:
            grade -= 9  # 高中一年级, not 十年级: grades run 1–12 in the data
        return f"{child.stage.value}{grade_name(grade)}"
    return child.stage.value


def _entitlement_data(e: policy.Entitlement) -> dict[str, Any]:
    item = e.item
    standard = f"{yuan(item.amount)}/{item.per}" if item.per != "一次性" else f"一次性{yuan(item.amount)}"
    if item.kind == "减免" and not item.amount:
        standard = f"免{e.waived}"  # not "0元/学年": a waiver is worth the fees it waives
    return {"id": item.id, "name": item.name, "kind": item.kind, "per": item.per,
            "amount": item.amount, "yearly": e.yearly, "counted": e.counted,
            "waives": e.waived, "source": item.source or "", "standard": standard,
            "conditions": policy.conditions_text(item)}


class HouseholdContexts:
    """Build the context of each household's documents; school-wide parts are made once."""

    def __init__(self, loaded: LoadedProject, stats: Stats, table: PolicyTable,
                 boilerplate: dict[str, Any] | None = None):
        self.loaded, self.stats, self.table = loaded, stats, table
        self.base = base_context(loaded, stats, boilerplate)
        self.base["policy"] = {"name": table.name, "year": table.year}
        self.units = {u.id: u.name for u in loaded.project.units}
        # children alike in what the policy table looks at receive alike: work it out once
        self._by_kind: dict[tuple, tuple[list[dict[str, Any]], Decimal, list, str]] = {}

    def _entitled(self, child: Child) -> tuple[list[dict[str, Any]], Decimal, list, str]:
        """Return (entitlements, yearly subtotal, future stages, stage text) for `child`."""
        key = (child.stage, child.grade, child.boarding, child.disability, child.out_of_county,
               child.left_behind, child.single_parent)
        found = self._by_kind.get(key)
        if found is None:
            ents = policy.child_entitlements(self.table, child)
            found = ([_entitlement_data(e) for e in ents],
                     sum((e.yearly for e in ents if e.counted), Decimal(0)),
                     policy.future_stages(self.table, child), stage_text(child))
            self._by_kind[key] = found
        return found

    def context(self, household: Household) -> dict[str, Any]:
        """Return everything the letter, notice and card of `household` need."""
        children = []
        total = Decimal(0)
        future: dict[str, list[str]] = {}
        for i, child in enumerate(household.children):
            ents, sub, later, text = self._entitled(child)
            total += sub
            for stage, items in later:
                names = future.setdefault(stage, [])
                names += [it.name for it in items if it.name not in names]
            children.append({
                "id": household.child_id(i), "name": child.name, "gender": child.gender,
                "stage": child.stage.value, "grade": child.grade, "stage_text": text,
                "class_name": child.class_name or "", "school": child.school or "",
                "boarding": child.boarding, "id_masked": mask_id(child.id_number or ""),
                "entitlements": ents, "yearly_total": sub,
            })
        rows = [{"child": c["name"], "stage_text": c["stage_text"], "name": e["name"],
                 "standard": e["standard"], "source": e["source"],
                 "yearly_text": (yuan(e["yearly"]) if e["counted"] and e["yearly"] else
                                 "可申请" if e["kind"] == "贷款" else "免" + e["waives"])}
                for c in children for e in c["entitlements"]]
        rows += [{"child": c["name"], "stage_text": c["stage_text"], "name": "暂无适用项目",
                  "standard": "", "source": "", "yearly_text": ""}
                 for c in children if not c["entitlements"]]
        teacher = self.stats.household_teacher.get(household.id)
        ctx = dict(self.base)
        ctx.update({
            "household": {
                "id": household.id, "head": household.head, "unit": self.units[household.unit],
                "address": household.address or "", "members": household.members,
                "cause": household.cause or "",
                "phone_masked": mask_phone(household.phone or ""),
                "id_masked": mask_id(household.id_number or ""),
            },
            "children": children,
            "rows": rows,
            "has_loans": any(r["yearly_text"] == "可申请" for r in rows),
            "yearly_total": total,
            "future": [{"stage": stage, "names": names} for stage, names in future.items()],
            "teacher": teacher_data(teacher) if teacher else None,
        })
        return ctx

    def context_at(self, index: int) -> dict[str, Any]:
        """Return the context of the household at `index` in the project."""
        return self.context(self.loaded.project.households[index])

    def __iter__(self) -> Iterator[tuple[Household, dict[str, Any]]]:
        for household in self.loaded.project.households:
            yield household, self.context(household)


def file_stem(household: Household, unit_name: str) -> str:
    """Return the per-household file name: unit, household id and head, safe on Windows.

    The household id is unique in a project, so two heads with the same name never collide.
    """
    return "_".join([safe_name(unit_name, 30), safe_name(household.id, 30),
                     safe_name(household.head, 30)])


def public_context(contexts: HouseholdContexts) -> dict[str, Any]:
    """Return the public list (公示名单): one row per child, ID masked, grouped by unit."""
    ctx = dict(contexts.base)
    rows = []
    total = Decimal(0)
    for household, hctx in contexts:
        for child in hctx["children"]:
            items = [e["name"] for e in child["entitlements"] if e["kind"] != "贷款"]
            rows.append({"unit": hctx["household"]["unit"], "head": household.head,
                         "name": child["name"], "stage_text": child["stage_text"],
                         "id_masked": child["id_masked"], "items": "、".join(items),
                         "amount": child["yearly_total"]})
            total += child["yearly_total"]
    ctx.update({"public_rows": rows, "public_total": total})
    return ctx
