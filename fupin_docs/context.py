"""Turn a loaded project into the plain data a report template sees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jinja2

from fupin_docs.cnformat import ym, ymd
from fupin_docs.errors import DataError, Problem
from fupin_docs.i18n import tr
from fupin_docs.model import Household, Teacher
from fupin_docs.project import LoadedProject
from fupin_docs.stats import Stats

DEFAULT_HEADINGS = {
    "organisation": "机构健全，责任到人，关爱细致入微",
    "promotion": "攻坚克难，群策群力，确保教育扶贫工作进展顺利",
    "conditions": "大力改善办学条件，推进教育均衡发展",
    "closing": "领导有方，艰苦奋斗，吃苦耐劳，团结务实",
}


def teacher_data(t: Teacher) -> dict[str, Any]:
    """Return a teacher as template data."""
    return {"id": t.id, "name": t.name, "phone": t.phone or "", "role": t.role or ""}


def household_data(h: Household, stats: Stats) -> dict[str, Any]:
    """Return a household as template data (children included)."""
    unit = stats.units_by_id.get(h.unit)
    return {
        "id": h.id, "head": h.head, "id_number": h.id_number or "", "phone": h.phone or "",
        "address": h.address or "", "members": h.members, "cause": h.cause or "",
        "unit": unit.name if unit else h.unit,
        "children": [{
            "id": h.child_id(i), "name": c.name, "gender": c.gender, "stage": c.stage.value,
            "grade": c.grade, "class_name": c.class_name or "", "boarding": c.boarding,
            "school": c.school or "", "birth_date": c.birth_date, "id_number": c.id_number or "",
            "left_behind": c.left_behind, "single_parent": c.single_parent,
            "disability": c.disability, "out_of_county": c.out_of_county,
        } for i, c in enumerate(h.children)],
    }


def base_context(loaded: LoadedProject, stats: Stats,
                 boilerplate: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what every document of a school shares: the school, its pack's wording, numbers."""
    p = loaded.project
    s = p.school
    pack = dict(boilerplate or {})
    pack.setdefault("documents", {})
    school = {
        "name": s.name, "short_name": s.display_name, "county": s.county, "town": s.town or "",
        "area": s.area or "", "superior": s.superior or "", "address": s.address or "",
        "phone": s.phone or "",
        "report_date": s.report_date, "author": s.author or "",
        # the school's own wording wins over its pack's
        "unit_word": s.unit_word or pack.get("unit_word") or "自然村",
    }
    school["signing_unit"] = s.signing_unit or pack.get("signing_unit") or s.name
    for key in ("bureau", "bureau_short", "letterhead", "town_word", "county_word", "seal"):
        pack[key] = pack.get(key) or ""
    pack["bureau"] = pack["bureau"] or s.superior or ""
    pack["name"] = pack.get("name") or ""
    school["report_title"] = s.report_title or f"{s.display_name}教育扶贫工作汇报材料"
    # 成文日期 as written: with the day when one was given (GB/T 9704 wants it), else 年月
    school["date_text"] = (ymd if getattr(s.report_date, "has_day", True) else ym)(s.report_date)
    return {"school": school, "numbers": numbers(loaded, stats), "pack": pack}


def numbers(loaded: LoadedProject, stats: Stats) -> dict[str, Any]:
    """Return each figure as stated in the YAML, or computed from the data when not stated."""
    f = loaded.project.figures
    per_teacher = sorted({len(tp.students) for tp in stats.pairings})

    def pick(stated: Any, computed: Any) -> Any:
        return stated if stated is not None else computed

    by_grade = f.registered_by_grade or stats.by_grade
    return {
        "period": f.period or "",
        "enrolment": f.enrolment,
        "boarders": f.boarders,
        "all_boarding": f.enrolment is not None and f.boarders == f.enrolment,
        "classes": f.classes,
        "teachers": pick(f.teachers, len(loaded.project.teachers)),
        "registered_students": pick(f.registered_students, len(stats.registered_students)),
        "registered_households": pick(f.registered_households, len(stats.registered_households)),
        "by_grade": [{"grade": g, "count": n} for g, n in sorted(by_grade.items())],
        "units": len(loaded.project.units),
        "unit_households": pick(f.unit_households, stats.unit_households),
        "unit_people": pick(f.unit_people, stats.unit_people),
        "paired_teachers": len(stats.pairings),
        "students_per_teacher_min": per_teacher[0] if per_teacher else 0,
        "students_per_teacher_max": per_teacher[-1] if per_teacher else 0,
        "left_behind": len(stats.left_behind),
        "single_parent": len(stats.single_parent),
        "disabled": len(stats.disabled),
        "compulsory_age": len(stats.compulsory_age),
        "out_of_school": len(stats.out_of_school),
        "investment_total": sum((i.amount for i in f.investments), Decimal(0)),
        "subsidy_total": sum((x.amount for x in f.subsidies), Decimal(0)),
    }


def report_context(loaded: LoadedProject, stats: Stats, env: jinja2.Environment,
                   boilerplate: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the context of the summary report (汇报材料)."""
    p = loaded.project
    ctx = base_context(loaded, stats, boilerplate)
    ctx["teachers"] = [teacher_data(t) for t in p.teachers]
    ctx["leadership"] = _leadership(loaded)
    ctx["pairing"] = {"mode": stats.pairing_mode, "lines": [{
        "teacher": teacher_data(tp.teacher),
        "units": [{"name": u.name, "households": u.households, "people": u.people}
                  for u in tp.units],
        "households": [{"head": h.head, "unit": stats.units_by_id[h.unit].name,
                        "members": h.members} for h in tp.households],
        "students": len(tp.students),
    } for tp in stats.pairings]}
    ctx["unit_names"] = [u.name for u in p.units]
    ctx["activities"] = [{"kind": a.kind.value, "title": a.title or "", "date": a.date,
                          "grades": a.grades, "description": a.description}
                         for a in p.activities]
    ctx["subsidies"] = [x.model_dump() for x in p.figures.subsidies]
    ctx["investments"] = [x.model_dump() for x in p.figures.investments]
    ctx["headings"] = {**DEFAULT_HEADINGS, **p.narrative.headings}
    # narrative and care texts may cite figures ({{ numbers.registered_students }}): render them
    # with everything else already in place, and point errors at their YAML line
    problems: list[Problem] = []
    ctx["care_measures"] = [{
        "name": m.name, "action": m.action,
        "text": _render_snippet(env, m.description, ctx, loaded, ("care_measures", i,
                                                                  "description"), problems),
    } for i, m in enumerate(p.care_measures)]
    ctx["narrative"] = {
        key: [_render_snippet(env, text, ctx, loaded, ("narrative", key, i), problems)
              for i, text in enumerate(getattr(p.narrative, key))]
        for key in ("opening", "organisation", "promotion", "dropout", "left_behind",
                    "conditions", "closing")
    }
    if problems:
        raise DataError(problems)
    return ctx


def _leadership(loaded: LoadedProject) -> dict[str, Any] | None:
    """Return the leadership group with teachers in place of ids."""
    lead = loaded.project.leadership
    if lead is None:
        return None
    by_id = {t.id: teacher_data(t) for t in loaded.project.teachers}
    return {
        "leader": by_id[lead.leader],
        "deputies": [by_id[t] for t in lead.deputies],
        "office_director": by_id[lead.office_director] if lead.office_director else None,
        "members": [by_id[t] for t in lead.members],
        "members_text": lead.members_text or "",
    }


def _render_snippet(env: jinja2.Environment, text: str, ctx: dict[str, Any], loaded: LoadedProject,
                    path: tuple, problems: list[Problem]) -> str:
    """Return a narrative paragraph with its {{ … }} references filled in."""
    if "{" not in text:
        return text
    try:
        return env.from_string(text).render(ctx)
    except jinja2.TemplateError as exc:
        problems.append(Problem(tr(f"段落中的引用有误：{exc}", f"bad reference in text: {exc}"),
                                loaded.where(*path),
                                tr("可用的数字如 {{ numbers.registered_students }}、"
                                   "{{ numbers.teachers }}", "e.g. {{ numbers.teachers }}")))
        return text


def duty_context(loaded: LoadedProject, stats: Stats,
                 boilerplate: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the context of the responsibility table (责任一览表): one row per paired teacher."""
    ctx = base_context(loaded, stats, boilerplate)
    rows = []
    for tp in stats.pairings:
        if tp.units:
            target = "联挂" + "、".join(u.name for u in tp.units)
        else:
            target = "结对" + "、".join(f"{stats.units_by_id[h.unit].name}{h.head}户"
                                      for h in tp.households)
        rows.append({"teacher": teacher_data(tp.teacher), "target": target,
                     "households": [h.head for h in tp.households],
                     "students": [s.child.name for s in tp.students]})
    ctx["duty_rows"] = rows
    ctx["duty_totals"] = {"households": len({h.id for tp in stats.pairings for h in tp.households}),
                          "students": len({s.id for tp in stats.pairings for s in tp.students})}
    return ctx
