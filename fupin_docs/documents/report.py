"""汇报材料: the school's summary report for the education bureau (a 公文, one per school)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from fupin_docs.data.model import Household
from fupin_docs.data.photos import PHOTO_BOX_MM, PhotoError, photo_entries, photo_file, print_copy
from fupin_docs.data.roots import Roots
from fupin_docs.documents.common import base_context, teacher_data
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.errors import DataError, Problem
from fupin_docs.facts.facts import Facts
from fupin_docs.i18n import tr

DEFAULT_HEADINGS = {
    "organisation": "机构健全，责任到人，关爱细致入微",
    "promotion": "攻坚克难，群策群力，确保教育扶贫工作进展顺利",
    "conditions": "大力改善办学条件，推进教育均衡发展",
    "closing": "领导有方，艰苦奋斗，吃苦耐劳，团结务实",
}
NARRATIVE_SECTIONS = ("opening", "organisation", "promotion", "dropout", "left_behind",
                      "conditions", "closing")


def report_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the context of the summary report (汇报材料)."""
    from fupin_docs.render.env import make_env

    loaded, stats = facts.loaded, facts.stats
    p = loaded.project
    ctx: dict[str, Any] = dict(base_context(facts))
    ctx["teachers"] = [teacher_data(t) for t in p.teachers]
    ctx["leadership"] = _leadership(facts)
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
    ctx["photos"] = report_photos(facts)
    # narrative and care texts may cite figures ({{ numbers.registered_students }}): render them
    # with everything else already in place, and point errors at their YAML line
    env = make_env(autoescape=False, **({"limits": facts.limits} if facts.limits else {}))
    problems: list[Problem] = []
    ctx["care_measures"] = [{
        "name": m.name, "action": m.action,
        "text": _render_snippet(env, m.description, ctx, facts,
                                ("care_measures", i, "description"), problems),
    } for i, m in enumerate(p.care_measures)]
    ctx["narrative"] = {
        key: [_render_snippet(env, text, ctx, facts, ("narrative", key, i), problems)
              for i, text in enumerate(getattr(p.narrative, key))]
        for key in NARRATIVE_SECTIONS
    }
    if problems:
        raise DataError(problems)
    return ctx


def report_photos(facts: Facts) -> dict[str, list[dict[str, Any]]]:
    """Return the photos of each place in the report (activities, investments, each narrative
    section): caption and picture, scaled to print and sized to a cell of the photo table."""
    from fupin_docs.render.images import InlineImage

    loaded = facts.loaded
    roots = loaded.roots or Roots.of_project(loaded.root)
    problems: list[Problem] = []
    photos: dict[str, list[dict[str, Any]]] = {
        key: [] for key in ("activities", "investments", *NARRATIVE_SECTIONS)}
    for place, path, photo in photo_entries(facts.project):
        try:
            copy = print_copy(photo_file(loaded.root, photo.path, roots), PHOTO_BOX_MM)
        except PhotoError as exc:  # changed since the project was read
            problems.append(Problem(exc.message, loaded.where(*path, "path"), exc.hint))
            continue
        image = InlineImage(copy.data, width=round(copy.width_mm * 36000),
                            height=round(copy.height_mm * 36000), description=photo.caption)
        photos.setdefault(place, []).append({"caption": photo.caption, "image": image})
    if problems:
        raise DataError(problems)
    return photos


def _leadership(facts: Facts) -> dict[str, Any] | None:
    """Return the leadership group with teachers in place of ids."""
    lead = facts.project.leadership
    if lead is None:
        return None
    by_id = {t.id: teacher_data(t) for t in facts.project.teachers}
    return {
        "leader": by_id[lead.leader],
        "deputies": [by_id[t] for t in lead.deputies],
        "office_director": by_id[lead.office_director] if lead.office_director else None,
        "members": [by_id[t] for t in lead.members],
        "members_text": lead.members_text or "",
    }


def _render_snippet(env: jinja2.Environment, text: str, ctx: Mapping[str, Any], facts: Facts,
                    path: tuple[Any, ...], problems: list[Problem]) -> str:
    """Return a narrative paragraph with its {{ … }} references filled in."""
    if "{" not in text:
        return text
    from fupin_docs.render.limits import (
        DEFAULT,
        LimitExceeded,
        deadline,
        generate,
        limit_message,
    )

    limits = facts.limits or DEFAULT
    try:
        with deadline(limits):
            return generate(env.from_string(text).generate(ctx), limits)
    except (LimitExceeded, RecursionError, MemoryError) as exc:
        what, hint = limit_message(exc)
        problems.append(Problem(tr(f"段落中的引用有误：{what}", f"bad reference in text: {what}"),
                                facts.loaded.where(*path), hint))
    except Exception as exc:  # noqa: BLE001 — text from the YAML: whatever fails is its fault
        problems.append(Problem(tr(f"段落中的引用有误：{exc}", f"bad reference in text: {exc}"),
                                facts.loaded.where(*path),
                                tr("可用的数字如 {{ numbers.registered_students }}、"
                                   "{{ numbers.teachers }}", "e.g. {{ numbers.teachers }}")))
    return text


REPORT = register(Document(
    key="report", label="汇报材料", template="report", scope=Scope.school,
    audience=Audience.official, context=report_context, gongwen=True,
    paper=Paper(unbreakable=("amount", "docno")),
    summary="学校教育扶贫工作汇报材料（公文格式）", order=10))
