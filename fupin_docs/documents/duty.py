"""责任一览表: each paired teacher with the households and pupils in their care."""

from __future__ import annotations

from typing import Any, TypedDict

from fupin_docs.cnformat import Keep, keep, text_width
from fupin_docs.data.model import Household
from fupin_docs.documents.common import TeacherData, base_context, teacher_data
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.facts.facts import Facts
from fupin_docs.gongwen.forms import PORTRAIT
from fupin_docs.gongwen.measures import Column, fit_widths

HEADER = ["序号", "教师", "电话", "结对对象", "结对学生"]


class DutyRow(TypedDict):
    """One paired teacher: whom they are paired with, the households and pupils by name."""

    number: int
    teacher: TeacherData
    #: 联挂上扯 or 结对上扯黄德明户、…: `lead` then the `targets`
    target: str
    lead: str
    targets: list[Keep]
    households: list[Keep]
    students: list[Keep]


def duty_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the context of the responsibility table (责任一览表): one row per paired teacher."""
    stats = facts.stats
    ctx: dict[str, Any] = dict(base_context(facts))
    rows: list[DutyRow] = []
    for tp in stats.pairings:
        if tp.units:
            lead, targets = "联挂", [keep(u.name) for u in tp.units]
        else:
            lead, targets = "结对", [keep(f"{stats.units_by_id[h.unit].name}{h.head}户")
                                   for h in tp.households]
        rows.append({"number": len(rows) + 1, "teacher": teacher_data(tp.teacher),
                     "target": lead + "、".join(targets), "lead": lead, "targets": targets,
                     "households": [keep(h.head) for h in tp.households],
                     "students": [keep(s.child.name) for s in tp.students]})
    ctx["duty_rows"] = rows
    ctx["widths"] = {"duty": fit_widths([
        Column(("序号", *(str(r["number"]) for r in rows))),
        Column(("教师", *(r["teacher"]["name"] for r in rows))),
        Column(("电话", *(r["teacher"]["phone"] for r in rows))),
        Column(("结对对象", *(r["target"] for r in rows)), keep=False,
               min_chars=max([6.0, *(text_width(t) for r in rows for t in r["targets"])])),
        Column(("结对学生", *("、".join(r["students"]) for r in rows)), keep=False,
               min_chars=10),
    ], PORTRAIT.width_twips)}
    numbers = ctx["numbers"]  # one source for the figures the report states as well
    ctx["duty_totals"] = {"households": numbers["paired_households"],
                          "students": numbers["paired_students"]}
    return ctx


def word_template() -> Any:
    """Return the Word template: one row per paired teacher, 第X页 共Y页 at the foot."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.tables import fitted_table

    doc = forms.new_form(forms.PORTRAIT, page_numbers=True)
    layout.add_title(doc, "{{ school.short_name }}教育扶贫工作责任一览表", blank_after=False)
    fitted_table(doc, HEADER, "row in duty_rows",
                 ["{{ row.number }}", "{{ row.teacher.name | bare }}",
                  "{{ row.teacher.phone | bare }}",
                  "{{ row.lead }}{{ row.targets | join_cn }}", "{{ row.students | join_cn }}"],
                 "duty", forms.PORTRAIT.width_twips)
    layout.add_body(doc, "合计：教师{{ duty_rows | length }}人，"
                         "结对建档立卡户{{ duty_totals.households }}户，"
                         "学生{{ duty_totals.students }}人。")
    layout.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


DUTY = register(Document(
    key="duty", label="责任一览表", template="duty", scope=Scope.school,
    audience=Audience.official, context=duty_context, word_template=word_template,
    paper=Paper(unbreakable=("name", "phone"), page_numbers=True),
    summary="教育扶贫工作责任一览表：每位教师结对的户和学生", order=50))
