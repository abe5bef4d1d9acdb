"""责任一览表: each paired teacher with the households and pupils in their care."""

from __future__ import annotations

from typing import Any, TypedDict

from fupin_docs.data.model import Household
from fupin_docs.documents.common import TeacherData, base_context, teacher_data
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.facts.facts import Facts


class DutyRow(TypedDict):
    """One paired teacher: whom they are paired with, the households and pupils by name."""

    teacher: TeacherData
    target: str
    households: list[str]
    students: list[str]


def duty_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the context of the responsibility table (责任一览表): one row per paired teacher."""
    stats = facts.stats
    ctx: dict[str, Any] = dict(base_context(facts))
    rows: list[DutyRow] = []
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


def word_template() -> Any:
    """Return the Word template: one row per paired teacher."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import layout
    from fupin_docs.gongwen.tables import loop_table

    doc = layout.new_document(page_numbers=False)
    layout.add_title(doc, "{{ school.short_name }}教育扶贫工作责任一览表", blank_after=False)
    loop_table(doc, ["序号", "教师", "电话", "结对对象", "结对学生"], "row in duty_rows",
               ["{{ loop.index }}", "{{ row.teacher.name }}", "{{ row.teacher.phone }}",
                "{{ row.target }}", "{{ row.students | join_cn }}"], [12, 20, 30, 50, 44])
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
    summary="教育扶贫工作责任一览表：每位教师结对的户和学生"))
