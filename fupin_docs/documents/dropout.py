"""控辍保学台账: every child of compulsory-school age in a registered household, by village.

Word and text list the children village by village with where each studies (本校, a school
named, 送教上门, or 未入学 to be brought back), the groups counties track (孤儿, 留守, 单亲,
残疾, 随迁) and the paired teachers, after a count per village. The workbook has every child
on one line with each flag in a column of its own. All of it reads facts.schoolage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from fupin_docs.cnformat import Keep, keep
from fupin_docs.data.model import Household
from fupin_docs.documents.common import base_context
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import (
    Audience,
    Document,
    Orientation,
    Paper,
    Scope,
    register,
)
from fupin_docs.facts.entitlements import stage_text
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import FLAGS, SchoolAgeChild, Status, teacher_names
from fupin_docs.gongwen.forms import LANDSCAPE
from fupin_docs.gongwen.measures import Column, fit_widths

HEADER = ["序号", "所在地", "户编号", "户主", "学生", "性别", "出生日期", "年龄", "学段年级",
          "就读情况", "关爱类别", "结对教师"]
COUNT_HEADER = ["所在地", "适龄儿童", "本校就读", "外校就读", "送教上门", "未入学"]
#: the counts per village and in all, in COUNT_HEADER's order after the name
COUNTED = (Status.here, Status.elsewhere, Status.home_taught, Status.missing)
COUNT_KEYS = ("total", *(s.name for s in COUNTED))
#: the count table takes part of the page's width (it has six short columns), centred
COUNT_TWIPS = LANDSCAPE.width_twips * 3 // 5
SHEET = [("序号", 6), ("所在村/连队", 12), ("户编号", 10), ("户主", 14), ("学生", 14),
         ("性别", 6), ("出生日期", 12), ("年龄", 6), ("身份证号", 21), ("学段年级", 14),
         ("就读情况", 18), ("就读学校", 18), ("安置方式", 10),
         *((word, 6) for _, word in FLAGS), ("结对教师", 16)]
COUNT_SHEET = [("序号", 6), ("所在村/连队", 14), ("适龄儿童", 10), ("本校就读", 10),
               ("外校就读", 10), ("送教上门", 10), ("未入学", 10)]


class DropoutRow(TypedDict):
    """One child of compulsory-school age on the list."""

    number: int
    unit: Keep
    #: "restart" on a village's first line, "continue" below it (the village cell is merged)
    merge: str
    household_id: Keep
    head: Keep
    name: Keep
    gender: str
    birth: Keep
    age: int
    stage_text: Keep
    status: str
    missing: bool
    flags: str
    teachers: list[Keep]


def _row(number: int, unit: str, first: bool, c: SchoolAgeChild) -> DropoutRow:
    child, household = c.child, c.student.household
    status = c.status_text
    if c.status is Status.elsewhere:
        status += f"（{c.school_text}）"
    return {"number": number, "unit": keep(unit), "merge": "restart" if first else "continue",
            "household_id": keep(household.id), "head": keep(household.head),
            "name": keep(child.name), "gender": child.gender,
            "birth": keep(child.birth_date.isoformat() if child.birth_date else ""),
            "age": c.age, "stage_text": keep(stage_text(child)), "status": status,
            "missing": c.status is Status.missing, "flags": "、".join(c.flags),
            "teachers": [keep(t.name) for t in c.teachers]}


def counts(children: list[SchoolAgeChild]) -> dict[str, int]:
    """Return how many children there are in all and with each status."""
    found = {"total": len(children)}
    for status in COUNTED:
        found[status.name] = sum(1 for c in children if c.status is status)
    return found


def dropout_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the list: the school year, the count per village, one row per child."""
    sa = facts.school_age
    ctx: dict[str, Any] = dict(base_context(facts))
    rows: list[DropoutRow] = []
    villages = []
    for unit, children in sa.by_unit():
        start = len(rows)
        for i, c in enumerate(children):
            rows.append(_row(len(rows) + 1, unit.name, i == 0, c))
        villages.append({"name": keep(unit.name), **counts(children), "rows": rows[start:]})
    cut = sa.cutoff
    ctx["school_age"] = {"year": sa.year_text, "rule": sa.rule_text,
                         "cutoff": f"{cut.year}年{cut.month}月{cut.day}日", **counts(sa.children)}
    # the count per village, and in all on the last line
    count_rows = [*villages, {"name": keep("合计"), **counts(sa.children)}]
    ctx.update({"dropout_rows": rows, "villages": villages, "count_rows": count_rows})
    ctx["widths"] = {
        "dropout": fit_widths([
            Column(("序号", *(str(r["number"]) for r in rows))),
            Column(("所在地", *(r["unit"] for r in rows))),
            Column(("户编号", *(r["household_id"] for r in rows))),
            Column(("户主", *(r["head"] for r in rows))),
            Column(("学生", *(r["name"] for r in rows))),
            Column(("性别",)),
            Column(("出生日期", *(r["birth"] for r in rows))),
            Column(("年龄", *(f"{r['age']}岁" for r in rows))),
            Column(("学段年级", *(r["stage_text"] for r in rows))),
            Column(("就读情况", *(r["status"] for r in rows)), keep=False, min_chars=8),
            Column(("关爱类别", *(r["flags"] for r in rows)), keep=False, min_chars=4),
            Column(("结对教师", *("、".join(r["teachers"]) for r in rows)), keep=False,
                   min_chars=max([4.0, *(len(t) for r in rows for t in r["teachers"])])),
        ], LANDSCAPE.width_twips),
        "counts": fit_widths([Column(("所在地", *(str(v["name"]) for v in count_rows))),
                              *(Column((h, *(str(v[key]) for v in count_rows)))
                                for h, key in zip(COUNT_HEADER[1:], COUNT_KEYS))],
                             COUNT_TWIPS)}
    return ctx


def dropout_xlsx(facts: Facts, ctx: Mapping[str, Any] | None) -> bytes:
    """Return the ledger workbook: every child of compulsory-school age, flags in columns, and
    the count per village. IDs are masked even with --full-ids (only the 资助台账 shows them
    whole) and households' phones are left out, as in the 资助台账."""
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    privacy = privacy_for(Audience.internal)
    sa = facts.school_age
    school = facts.project.school
    footer = f"{school.name}　内部留档　适龄：{sa.rule_text}"
    wb = Workbook()
    title = f"{school.display_name}控辍保学台账（{sa.year_text}）"
    detail = xlsx.new_sheet(wb, "适龄儿童", SHEET, title, footer, first=True)
    summary = xlsx.new_sheet(wb, "按村汇总", COUNT_SHEET, title, footer)
    for n, c in enumerate(sa.children, start=1):
        child, household = c.child, c.student.household
        detail.append([n, sa.stats.units_by_id[household.unit].name, household.id,
                       household.head, child.name, child.gender,
                       child.birth_date, c.age, privacy.id_number(child.id_number),
                       stage_text(child), c.status_text, c.school_text, child.placement or "",
                       *("是" if getattr(child, key) else "" for key, _ in FLAGS),
                       teacher_names(c.teachers)])
        detail.cell(detail.max_row, 7).number_format = "yyyy-mm-dd"
    xlsx.finish_body(detail, len(SHEET), money_col=None)
    for n, (unit, children) in enumerate(sa.by_unit(), start=1):
        found = counts(children)
        summary.append([n, unit.name, found["total"], *(found[s.name] for s in COUNTED)])
    xlsx.finish_body(summary, len(COUNT_SHEET), money_col=None)
    found = counts(sa.children)
    xlsx.add_total(summary, [None, "合计", found["total"], *(found[s.name] for s in COUNTED)], None)
    return xlsx.workbook_bytes(wb)


def word_template() -> Any:
    """Return the Word template: landscape, the count per village, then one row per child."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.tables import fitted_table

    doc = forms.new_form(LANDSCAPE, page_numbers=True)
    layout.add_title(doc, "{{ school.short_name }}控辍保学台账", blank_after=False)
    layout.add_body(doc, "{{ school_age.year }}建档立卡户子女中义务教育阶段适龄儿童"
                         "（{{ school_age.rule }}）共{{ school_age.total }}人：在本校就读"
                         "{{ school_age.here }}人，在外校就读{{ school_age.elsewhere }}人，"
                         "送教上门{{ school_age.home_taught }}人，未入学{{ school_age.missing }}人"
                         "{% if school_age.missing %}（逐一劝返，见劝返情况记录）{% endif %}。"
                         "表中年龄为{{ school_age.cutoff }}的周岁。")
    fitted_table(doc, COUNT_HEADER, "r in count_rows",
                 ["{{ r.name | bare }}", "{{ r.total }}", "{{ r.here }}", "{{ r.elsewhere }}",
                  "{{ r.home_taught }}", "{{ r.missing }}"], "counts", COUNT_TWIPS)
    layout.add_plain(doc, "")
    fitted_table(doc, HEADER, "r in dropout_rows",
                 ["{{ r.number }}", "{{ r.unit | bare if r.merge == \"restart\" else \"\" }}",
                  "{{ r.household_id | bare }}", "{{ r.head | bare }}", "{{ r.name | bare }}",
                  "{{ r.gender }}", "{{ r.birth | bare }}", "{{ r.age }}岁",
                  "{{ r.stage_text | bare }}", "{{ r.status }}", "{{ r.flags or \"—\" }}",
                  "{{ r.teachers | join_cn or \"（未安排）\" }}"],
                 "dropout", LANDSCAPE.width_twips, merge=(1,))
    layout.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


DROPOUT = register(Document(
    key="dropout", label="控辍保学台账", template="dropout", scope=Scope.school,
    audience=Audience.internal, context=dropout_context, formats=("docx", "txt", "xlsx"),
    workbook=dropout_xlsx, word_template=word_template,
    paper=Paper(orientation=Orientation.landscape, unbreakable=("name",), page_numbers=True),
    summary="控辍保学台账：建档立卡户义务教育阶段适龄儿童按村列出就读情况（内部留档）",
    order=75))
