"""公示名单: the public list of aided pupils (三公开), IDs masked, as Word, text and Excel."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from fupin_docs.data.model import Household
from fupin_docs.documents.common import base_context
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.facts.facts import Facts

PRIVACY = privacy_for(Audience.public)
COLUMNS = [("序号", 6), ("所在村/连队", 12), ("户主", 10), ("学生", 10), ("学段年级", 14),
           ("身份证号", 21), ("资助项目", 40), ("每学年金额（元）", 16)]


class PublicRow(TypedDict):
    """One child on the public list."""

    unit: str
    head: str
    name: str
    stage_text: str
    id_masked: str
    items: str
    amount: Decimal


def public_context(facts: Facts, household: Household | None = None) -> dict[str, Any]:
    """Return the public list: one row per child, ID masked, in the order households are written."""
    ctx: dict[str, Any] = dict(base_context(facts))
    ctx["policy"] = {"name": facts.policy.name, "year": facts.policy.year}
    units = {u.id: u.name for u in facts.project.units}
    rows: list[PublicRow] = []
    total = Decimal(0)
    for household in facts.project.households:
        aid = facts.household_aid(household)
        for child, child_aid in zip(household.children, aid.children):
            items = [e.item.name for e in child_aid.entitlements if not e.is_loan]
            rows.append({"unit": units[household.unit], "head": household.head,
                         "name": child.name, "stage_text": child_aid.stage_text,
                         "id_masked": PRIVACY.id_number(child.id_number),
                         "items": "、".join(items), "amount": child_aid.yearly_total})
            total += child_aid.yearly_total
    ctx.update({"public_rows": rows, "public_total": total})
    return ctx


def public_xlsx(facts: Facts, ctx: Mapping[str, Any] | None) -> bytes:
    """Return the public list as a workbook: masked IDs, amounts, one row per child."""
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    assert ctx is not None
    wb = Workbook()
    sheet = xlsx.new_sheet(wb, "公示名单", COLUMNS, first=True)
    for i, r in enumerate(ctx["public_rows"], start=1):
        sheet.append([i, r["unit"], r["head"], r["name"], r["stage_text"], r["id_masked"],
                      r["items"], r["amount"]])
    xlsx.finish_body(sheet, len(COLUMNS), money_col=8)
    xlsx.add_total(sheet, [None] * 6 + ["合计", ctx["public_total"]], 8, bold=False)
    return xlsx.workbook_bytes(wb)


def word_template() -> Any:
    """Return the Word template: one row per child, ID numbers masked."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import layout
    from fupin_docs.gongwen.tables import loop_table

    doc = layout.new_document(page_numbers=False)
    layout.add_title(doc, "{{ school.short_name }}建档立卡贫困家庭学生资助公示名单",
                     blank_after=False)
    layout.add_body(doc, "根据资助政策公开、金额公开、资助对象公开的要求，"
                         "现将本校建档立卡贫困家庭学生享受资助情况公示如下。公示期七天，如有异议，"
                         "请向学校反映（电话：{{ school.phone or \"（未填写）\" }}）。")
    loop_table(doc,
               ["序号", "所在地", "户主", "学生", "学段年级", "身份证号", "资助项目", "每学年"],
               "r in public_rows",
               ["{{ loop.index }}", "{{ r.unit }}", "{{ r.head }}", "{{ r.name }}",
                "{{ r.stage_text }}",
                "{{ r.id_masked or \"—\" }}", "{{ r.items or \"—\" }}", "{{ r.amount | yuan }}"],
               [10, 16, 16, 16, 20, 30, 30, 18])
    layout.add_body(doc, "合计：{{ public_rows | length }}人，每学年{{ public_total | yuan }}。")
    layout.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


PUBLIC = register(Document(
    key="public", label="公示名单", template="public", scope=Scope.school,
    audience=Audience.public, context=public_context, formats=("docx", "txt", "xlsx"),
    workbook=public_xlsx, word_template=word_template,
    paper=Paper(unbreakable=("name", "id", "amount"), page_numbers=True),
    summary="建档立卡贫困家庭学生资助公示名单（三公开），身份证号打码"))
