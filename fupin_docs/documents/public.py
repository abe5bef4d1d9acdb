"""公示名单: the public list of this school's aided pupils (三公开), IDs masked.

Word (landscape, header repeated, 第X页 共Y页), text and Excel. It lists the pupils who study
here; its total is the ledger's 本校学生 subtotal. The 公示期 and 监督电话 come from the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from fupin_docs.cnformat import Keep, keep, ymd
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
from fupin_docs.facts.facts import Facts
from fupin_docs.gongwen.forms import LANDSCAPE
from fupin_docs.gongwen.measures import Column, fit_widths

PRIVACY = privacy_for(Audience.public)
HEADER = ["序号", "所在地", "户主", "学生", "学段年级", "身份证号", "资助项目", "每学年"]
COLUMNS = [("序号", 6), ("所在村/连队", 12), ("户主", 10), ("学生", 10), ("学段年级", 14),
           ("身份证号", 21), ("资助项目", 48), ("每学年金额（元）", 16)]


class PublicRow(TypedDict):
    """One pupil on the public list."""

    number: int
    unit: Keep
    head: Keep
    name: Keep
    stage_text: Keep
    id_masked: Keep
    items: str
    item_names: list[Keep]
    amount: Decimal


def publicity(facts: Facts) -> dict[str, Any]:
    """Return the 公示期 (from, to, days) and the 监督电话 of the list."""
    notice = facts.project.public_notice
    school = facts.project.school
    start = notice.start or school.report_date
    end = start + dt.timedelta(days=notice.days - 1)
    return {"start": ymd(start), "end": ymd(end), "days": notice.days,
            "phone": keep(notice.phone or school.phone or ""),
            "bureau_phone": keep(notice.bureau_phone or "")}


def public_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the public list: one row per pupil of this school, in the order written."""
    ctx: dict[str, Any] = dict(base_context(facts))
    ctx["policy"] = {"name": facts.policy.name, "year": facts.policy.year}
    units = {u.id: u.name for u in facts.project.units}
    rows: list[PublicRow] = []
    total = Decimal(0)
    for student in facts.stats.registered_students:
        household, child = student.household, student.child
        aid = facts.aid.of_child(child)
        names = [keep(e.item.name) for e in aid.entitlements if not e.is_loan]
        rows.append({"number": len(rows) + 1, "unit": keep(PRIVACY.text(units[household.unit])),
                     "head": keep(PRIVACY.text(household.head)),
                     "name": keep(PRIVACY.text(child.name)),
                     "stage_text": keep(aid.stage_text),
                     "id_masked": keep(PRIVACY.id_number(child.id_number)),
                     "items": "、".join(names), "item_names": names,
                     "amount": aid.yearly_total})
        total += aid.yearly_total
    ctx.update({"public_rows": rows, "public_total": total, "publicity": publicity(facts)})
    ctx["widths"] = {"public": list_widths(rows)}
    return ctx


def list_widths(rows: Sequence[Any]) -> list[int]:
    """Return the public list's column widths, sized to what its rows hold."""
    return fit_widths([
        Column(("序号", *(str(r["number"]) for r in rows))),
        Column(("所在地", *(r["unit"] for r in rows))),
        Column(("户主", *(r["head"] for r in rows))),
        Column(("学生", *(r["name"] for r in rows))),
        Column(("学段年级", *(r["stage_text"] for r in rows))),
        Column(("身份证号", *(r["id_masked"] or "—" for r in rows))),
        Column(("资助项目", *(r["items"] for r in rows)), keep=False, min_chars=16),
        Column(("每学年", *(f"{r['amount']:.0f}元" for r in rows))),
    ], LANDSCAPE.width_twips)


def public_xlsx(facts: Facts, ctx: Mapping[str, Any] | None) -> bytes:
    """Return the public list as a workbook: masked IDs, amounts, one row per pupil."""
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    assert ctx is not None
    school = ctx["school"]
    p = ctx["publicity"]
    wb = Workbook()
    sheet = xlsx.new_sheet(wb, "公示名单", COLUMNS,
                           f"{school['short_name']}建档立卡贫困家庭学生资助公示名单",
                           f"公示期：{p['start']}至{p['end']}　监督电话：{p['phone']}",
                           first=True)
    for r in ctx["public_rows"]:
        sheet.append([r["number"], r["unit"], r["head"], r["name"], r["stage_text"],
                      r["id_masked"], r["items"], r["amount"]])
    xlsx.finish_body(sheet, len(COLUMNS), money_col=8)
    xlsx.add_total(sheet, [None] * 6 + ["合计", ctx["public_total"]], 8, bold=False)
    return xlsx.workbook_bytes(wb)


def word_template() -> Any:
    """Return the Word template: landscape, one row per pupil, ID numbers masked."""
    return list_form("根据资助政策公开、金额公开、资助对象公开的要求，现将本校建档立卡贫困家庭"
                     "学生享受资助情况公示如下。公示期：{{ publicity.start }}至"
                     "{{ publicity.end }}（{{ publicity.days }}天）。如有异议，请在公示期内"
                     "向学校反映，监督电话：{{ publicity.phone or \"（未填写）\" }}"
                     "{% if publicity.bureau_phone %}；上级教育部门监督电话："
                     "{{ publicity.bureau_phone }}{% endif %}。",
                     "{{ school.signing_unit }}　{{ school.date_text }}")


def list_form(intro: str, signature: str) -> Any:
    """Return a public list's Word template: its title, `intro`, one row per pupil (ID
    numbers masked), the total and `signature` (a school's list and a county's alike)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.tables import fitted_table

    doc = forms.new_form(LANDSCAPE, page_numbers=True)
    layout.add_title(doc, "{{ school.short_name }}建档立卡贫困家庭学生资助公示名单",
                     blank_after=False)
    layout.add_body(doc, intro)
    fitted_table(doc, HEADER, "r in public_rows",
                 ["{{ r.number }}", "{{ r.unit | bare }}", "{{ r.head | bare }}",
                  "{{ r.name | bare }}", "{{ r.stage_text | bare }}",
                  "{{ r.id_masked | bare or \"—\" }}",
                  "{{ r.items or \"—\" }}", "{{ r.amount | yuan }}"],
                 "public", LANDSCAPE.width_twips)
    layout.add_body(doc, "合计：{{ public_rows | length }}人，每学年{{ public_total | yuan }}。")
    layout.add_plain(doc, signature).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


PUBLIC = register(Document(
    key="public", label="公示名单", template="public", scope=Scope.school,
    audience=Audience.public, context=public_context, formats=("docx", "txt", "xlsx"),
    workbook=public_xlsx, word_template=word_template,
    paper=Paper(orientation=Orientation.landscape, unbreakable=("name", "id", "amount"),
                page_numbers=True),
    summary="建档立卡贫困家庭学生资助公示名单（三公开），身份证号打码", order=60))
