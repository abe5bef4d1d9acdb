"""Template data every document of a school shares: the school, its pack's wording, its figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

from fupin_docs.cnformat import keep, ym, ymd
from fupin_docs.data.model import Teacher
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import Status


class TeacherData(TypedDict):
    """A teacher as templates see it (a teacher's phone is printed in full, for families)."""

    id: str
    name: str
    phone: str
    role: str


class SchoolData(TypedDict):
    """The school as templates see it."""

    name: str
    short_name: str
    county: str
    town: str
    area: str
    superior: str
    address: str
    phone: str
    report_date: dt.date
    author: str
    unit_word: str
    signing_unit: str
    report_title: str
    date_text: str


class BaseContext(TypedDict):
    """What every document's template data starts with."""

    school: SchoolData
    numbers: dict[str, Any]
    pack: dict[str, Any]


def teacher_data(t: Teacher) -> TeacherData:
    """Return a teacher as template data."""
    return {"id": t.id, "name": keep(t.name), "phone": keep(t.phone or ""), "role": t.role or ""}


def base_context(facts: Facts) -> BaseContext:
    """Return a fresh copy of what every document of the school shares (made once per build)."""
    base = facts.shared.get("base")
    if base is None:
        base = facts.shared["base"] = _base(facts)
    return {"school": base["school"], "numbers": base["numbers"], "pack": base["pack"]}


def _base(facts: Facts) -> BaseContext:
    """Return the school, its pack's wording and the figures."""
    s = facts.project.school
    pack = dict(facts.boilerplate or {})
    pack.setdefault("documents", {})
    unit_word = s.unit_word or pack.get("unit_word") or "自然村"  # the school's wording wins
    for key in ("bureau", "bureau_short", "letterhead", "town_word", "county_word", "seal"):
        pack[key] = pack.get(key) or ""
    pack["bureau"] = pack["bureau"] or s.superior or ""
    pack["logo"] = pack_logo(pack.get("logo"))
    pack["name"] = pack.get("name") or ""
    school: SchoolData = {
        "name": s.name, "short_name": s.display_name, "county": s.county, "town": s.town or "",
        "area": s.area or "", "superior": s.superior or "", "address": s.address or "",
        "phone": s.phone or "", "report_date": s.report_date, "author": s.author or "",
        "unit_word": unit_word,
        "signing_unit": s.signing_unit or pack.get("signing_unit") or s.name,
        "report_title": s.report_title or f"{s.display_name}教育扶贫工作汇报材料",
        # 成文日期 as written: with the day when one was given (GB/T 9704 wants it), else 年月
        "date_text": (ymd if getattr(s.report_date, "has_day", True) else ym)(s.report_date),
    }
    return {"school": school, "numbers": numbers(facts), "pack": pack}


#: the pack's logo: this far from the top of the page (EMU), in the 18 mm top margin of a form
LOGO_TOP = 6 * 36000


def pack_logo(path: str | None) -> Any:
    """Return the pack's logo for a page header ({{ pack.logo }}): scaled to print, 10 mm
    high, floating at the left margin in the top margin; "" when the pack has none."""
    if not path:
        return ""
    from fupin_docs.data.photos import LOGO_BOX_MM, LOGO_DPI, PhotoError, print_copy
    from fupin_docs.errors import DataError, Problem
    from fupin_docs.render.floating import FloatingImage

    try:
        copy = print_copy(Path(path), LOGO_BOX_MM, LOGO_DPI)
    except PhotoError as exc:  # changed since the pack was read
        raise DataError([Problem(exc.message, None, exc.hint)]) from None
    return FloatingImage(copy.data, round(copy.width_mm * 36000), round(copy.height_mm * 36000),
                         "标志", top=LOGO_TOP)


def numbers(facts: Facts) -> dict[str, Any]:
    """Return each figure as stated in the YAML, or computed from the data when not stated."""
    project, stats = facts.project, facts.stats
    f = project.figures
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
        "teachers": pick(f.teachers, len(project.teachers)),
        "registered_students": pick(f.registered_students, len(stats.registered_students)),
        "registered_households": pick(f.registered_households, len(stats.registered_households)),
        "by_grade": [{"grade": g, "count": n} for g, n in sorted(by_grade.items())],
        "units": len(project.units),
        "unit_households": pick(f.unit_households, stats.unit_households),
        "unit_people": pick(f.unit_people, stats.unit_people),
        "paired_teachers": len(stats.pairings),
        # the households the teachers are paired with, children here or not (责任一览表 too)
        "paired_households": len({h.id for tp in stats.pairings for h in tp.households}),
        "paired_students": len({s.id for tp in stats.pairings for s in tp.students}),
        "students_per_teacher_min": per_teacher[0] if per_teacher else 0,
        "students_per_teacher_max": per_teacher[-1] if per_teacher else 0,
        "left_behind": len(stats.left_behind),
        "single_parent": len(stats.single_parent),
        "disabled": len(stats.disabled),
        # 控辍保学: the children of compulsory-school age and where they are (facts.schoolage)
        "compulsory_age": len(facts.school_age.children),
        "compulsory_here": len(facts.school_age.of(Status.here)),
        "compulsory_elsewhere": len(facts.school_age.of(Status.elsewhere)),
        "compulsory_home_taught": len(facts.school_age.of(Status.home_taught)),
        "out_of_school": len(facts.school_age.missing),
        "investment_total": sum((i.amount for i in f.investments), Decimal(0)),
        "subsidy_total": sum((x.amount for x in f.subsidies), Decimal(0)),
    }
