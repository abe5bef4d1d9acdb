"""劝返情况记录: one form per child of compulsory-school age enrolled nowhere (控辍保学).

Prefilled from the data: the child (ID masked), the parent or guardian and how to reach them,
the paired teachers and the help the household already has; the reasons, the month the child
left and each attempt to bring it back are left to be written in by hand. The attempts table
names the paired teacher on every line. A build with no such child writes none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fupin_docs.cnformat import cn_number, grade_name, keep, ymd, yuan
from fupin_docs.data.model import Household, Stage
from fupin_docs.documents.common import base_context
from fupin_docs.documents.privacy import Privacy
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.facts.entitlements import conditions_text
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import SchoolAgeChild
from fupin_docs.gongwen.forms import PORTRAIT

#: kept by the school and handed to the bureau: the ID masked always (the form is copied and
#: passed on), the family's phone in full (the teacher has to call it)
PRIVACY = Privacy(Audience.internal, full_ids=False)
#: lines for attempts on the form
ATTEMPTS = 4
ATTEMPT_HEADER = ["劝返次数", "劝返人员姓名", "劝返人员电话", "劝返时间", "情况记录"]
INFO_MM = [40.0, 50.0, 24.0, 56.0]
ATTEMPT_MM = [19.0, 27.0, 29.0, 29.0, 66.0]


def persuasion_context(facts: Facts, child: SchoolAgeChild | None) -> dict[str, Any]:
    """Return one form's data; without a child, a blank form (`templates check` uses it)."""
    ctx: dict[str, Any] = dict(base_context(facts))
    sa = facts.school_age
    ctx["record"] = {"year": sa.year_text, "unit": "", "household_id": ""}
    ctx["student"] = {"name": "", "gender": "", "id_masked": "", "birth": "",
                      "school_grade": ""}
    ctx["guardian"] = {"name": "", "phone": "", "address": ""}
    ctx["teachers_text"] = ""
    ctx["measures"] = ""
    ctx["attempts"] = [{"number": f"第{cn_number(n)}次", "name": "", "phone": ""}
                       for n in range(1, ATTEMPTS + 1)]
    if child is None:
        return ctx
    c, h = child.child, child.student.household
    unit = sa.stats.units_by_id[h.unit].name
    ctx["record"].update({"unit": keep(unit), "household_id": keep(h.id)})
    grade = grade_name(c.grade) if c.grade else ""
    ctx["student"] = {
        "name": keep(c.name), "gender": c.gender, "id_masked": keep(PRIVACY.id_number(
            c.id_number)), "birth": keep(f"{ymd(c.birth_date)}（{child.age}周岁）"
                                         if c.birth_date else ""),
        # a child enrolled nowhere may still have the school and grade it left
        "school_grade": "　".join(x for x in (c.school or "", grade) if x) or "未入学"}
    ctx["guardian"] = {"name": keep(h.head), "phone": keep(PRIVACY.phone(h.phone) or "—"),
                       "address": h.address or f"{unit}{ctx['school']['unit_word']}"}
    ctx["teachers_text"] = "；".join(f"{t.name}（{t.phone}）" if t.phone else t.name
                                    for t in child.teachers) or "（未安排）"
    ctx["measures"] = "；".join(f"（{n}）{m}" for n, m in enumerate(measures(facts, child),
                                                                     start=1))
    ctx["attempts"] = [{**a, "name": keep("、".join(t.name for t in child.teachers)),
                        "phone": keep("、".join(t.phone or "" for t in child.teachers
                                               if t.phone))} for a in ctx["attempts"]]
    return ctx


def measures(facts: Facts, child: SchoolAgeChild) -> list[str]:
    """Return the help the data shows the household has, and what school would bring."""
    found = []
    if child.teachers:
        found.append("教师结对帮扶：" + "、".join(t.name for t in child.teachers)
                     + "负责联系本户、劝返该生")
    household = child.student.household
    aid = facts.household_aid(household)
    if aid.yearly_total:
        others = [c.name for c in household.children if c is not child.child]
        found.append(f"教育资助：本户{'、'.join(others) if others else '子女'}每学年享受资助"
                     f"{yuan(aid.yearly_total)}")
    offered = [item for item in facts.policy.items
               if {Stage.primary, Stage.junior} & set(item.stage) and item.kind != "贷款"]
    names: list[str] = []
    for item in offered:
        note = conditions_text(item)
        name = item.name
        if note:  # 寄宿生生活补助（小学，寄宿的学生）: one pair of brackets
            name = f"{name[:-1]}，{note}）" if name.endswith("）") else f"{name}（{note}）"
        if name not in names:
            names.append(name)
    if names:
        found.append("返校后可享受义务教育阶段资助：" + "、".join(names))
    return found


def persuasion_records(facts: Facts) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Yield each child to bring back: its file's name parts and its form's data."""
    units = facts.stats.units_by_id
    for child in facts.school_age.missing:
        h = child.student.household
        yield (units[h.unit].name, h.id, child.child.name), persuasion_context(facts, child)


def sample_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the first form's data, or a blank form when no child needs one."""
    missing = facts.school_age.missing
    return persuasion_context(facts, missing[0] if missing else None)


def word_template() -> Any:
    """Return the Word template: the child and family, blank lines for the reasons, the help
    given, and a table of attempts; one A4 page."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.measures import TWIPS_PER_MM
    from fupin_docs.gongwen.oxml import PPR_ORDER, set_child
    from fupin_docs.gongwen.tables import fixed_widths, loop_table

    def height(row: Any, mm: float) -> None:
        row._tr.get_or_add_trPr().append(parse_xml(
            f'<w:trHeight {nsdecls("w")} w:val="{round(mm * TWIPS_PER_MM)}" w:hRule="atLeast"/>'))

    doc = forms.new_form(PORTRAIT)
    width = PORTRAIT.width_twips
    layout.add_title(doc, "{{ school.short_name }}控辍保学劝返情况记录", blank_after=False)
    line = layout.add_plain(doc, "{{ record.year }}　所在{{ school.unit_word }}："
                                 "{{ record.unit or \"＿＿＿＿\" }}　户编号："
                                 "{{ record.household_id or \"＿＿＿＿\" }}")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_child(line._p.get_or_add_pPr(), "w:spacing", PPR_ORDER, after=120)
    rows = [["身份证号码", "{{ student.id_masked or \"—\" }}", "出生日期",
             "{{ student.birth }}"],
            ["就读学校及年级", "{{ student.school_grade }}", "辍学年月", "　　　　年　　月"],
            ["家长（监护人）姓名", "{{ guardian.name }}", "联系电话", "{{ guardian.phone }}"],
            ["家庭住址", "{{ guardian.address }}", "", ""],
            ["结对教师", "{{ teachers_text }}", "", ""],
            ["辍学原因", "", "", ""],
            ["已采取的帮扶措施", "{{ measures }}", "", ""]]
    info = layout.add_table(doc, ["学生姓名", "{{ student.name }}", "性　　别",
                                  "{{ student.gender }}"], rows, INFO_MM)
    fixed_widths(info, INFO_MM, width)
    tr_pr = info.rows[0]._tr.get_or_add_trPr()
    for flag in tr_pr.findall(qn("w:tblHeader")):
        tr_pr.remove(flag)  # a form, not a list: no header row to repeat
    for r, row in enumerate(info.rows):
        for i, cell in enumerate(row.cells):
            cell.paragraphs[0].style = doc.styles["表头文字" if i % 2 == 0 else "表格文字"]
        height(row, 24 if r >= 6 else 10)  # 辍学原因 and the help given: room to write
        if r >= 4:  # the long values take the whole width
            merged = row.cells[1].merge(row.cells[3])
            for extra in merged.paragraphs[1:]:  # the merged cells' empty paragraphs
                merged._tc.remove(extra._p)
            merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    layout.add_heading(doc, "劝返情况", 1)
    attempts = loop_table(doc, ATTEMPT_HEADER, "a in attempts",
                          ["{{ a.number }}", "{{ a.name }}", "{{ a.phone }}", "", ""],
                          [10.0] * len(ATTEMPT_HEADER))
    fixed_widths(attempts, ATTEMPT_MM, width)
    height(attempts.rows[2], 18)
    attempts.rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    sign = layout.add_plain(doc, "劝返人员签字：＿＿＿＿＿＿　　家长（监护人）签字：＿＿＿＿＿＿")
    set_child(sign._p.get_or_add_pPr(), "w:spacing", PPR_ORDER, before=240)
    date = layout.add_plain(doc, "{{ school.signing_unit }}（盖章）　"
                                 "填表日期：＿＿＿＿年＿＿月＿＿日")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_child(date._p.get_or_add_pPr(), "w:spacing", PPR_ORDER, before=240)
    return doc


PERSUASION = register(Document(
    key="persuasion", label="劝返情况记录", template="persuasion", scope=Scope.child,
    audience=Audience.internal, context=sample_context, formats=("docx",),
    records=persuasion_records, word_template=word_template,
    paper=Paper(max_pages=1, unbreakable=("name", "phone")),
    summary="控辍保学劝返情况记录：每个未入学的适龄儿童一份（身份证号打码）", order=80))
