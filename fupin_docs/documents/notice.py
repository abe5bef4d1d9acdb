"""政策告知单: what each household's children receive at every stage, with a receipt.

One A4 side for a household of up to four children: the table's columns are sized to what
they hold, and the contact details, the cut line and the 回执 stay together.
"""

from __future__ import annotations

from typing import Any, TypedDict

from fupin_docs.cnformat import Keep, keep, text_width, yuan
from fupin_docs.data.model import Household
from fupin_docs.documents.household import EntitlementData, HouseholdContext, household_context
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.facts.facts import Facts
from fupin_docs.gongwen.forms import PORTRAIT
from fupin_docs.gongwen.measures import Column, fit_widths

HEADER = ["子女", "学段年级", "资助项目", "标准", "每学年", "依据"]
FUTURE_HEADER = ["将来就读", "可享受的资助"]


class RowData(TypedDict):
    """One line of the notice's table: a child and one item (or none)."""

    child: str
    stage_text: str
    school: str
    name: str
    standard: Keep
    source: Keep
    yearly_text: Keep
    #: "restart" on a child's first line, "continue" below it (the child's cells are merged)
    merge: str


def notice_rows(ctx: HouseholdContext) -> list[RowData]:
    """Return the table lines: each child's items in table order, or one "暂无适用项目" line."""
    rows: list[RowData] = []
    for c in ctx["children"]:
        items: list[EntitlementData | None] = list(c["entitlements"]) or [None]
        for n, e in enumerate(items):
            if e is None:
                name, standard, yearly, source = "暂无适用项目", "", "", ""
            else:
                name, standard, source = e["name"], e["standard"], e["source"]
                # a waiver's worth is in its 标准 (免学杂费): nothing to repeat per year
                yearly = (yuan(e["yearly"]) if e["counted"] and e["yearly"] else
                          "可申请" if e["kind"] == "贷款" else "—")
            rows.append({"child": c["name"], "stage_text": c["stage_text"], "school": c["school"],
                         "name": name, "standard": keep(standard), "source": keep(source),
                         "yearly_text": keep(yearly), "merge": "continue" if n else "restart"})
    return rows


def notice_context(facts: Facts, household: Household | None) -> dict[str, Any]:
    """Return the notice's data: the household's, its table lines and the columns' widths."""
    ctx: dict[str, Any] = dict(household_context(facts, household))
    rows = notice_rows(ctx)  # type: ignore[arg-type]
    columns = [
        Column(("子女", *(r["child"] for r in rows))),
        # the school a child attends elsewhere follows its grade and may go onto a line of its
        # own; the grade itself never breaks
        Column(("学段年级", *(f"{r['stage_text']}（{r['school']}）" if r["school"]
                          else r["stage_text"] for r in rows)), keep=False,
               min_chars=max((text_width(r["stage_text"]) for r in rows), default=2)),
        Column(("资助项目", *(r["name"] for r in rows)), keep=False, min_chars=6),
        Column(("标准", *(r["standard"] for r in rows))),
        Column(("每学年", *(r["yearly_text"] for r in rows)), keep=False, min_chars=3),
        Column(("依据", *(r["source"] for r in rows))),
    ]
    ctx["rows"] = rows
    ctx["widths"] = {"rows": fit_widths(columns, PORTRAIT.width_twips)}
    ctx["has_money"] = bool(ctx["yearly_total"])
    return ctx


def word_template() -> Any:
    """Return the Word template: header table, entitlements, totals, future stages, receipt."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.oxml import PPR_ORDER, set_child
    from fupin_docs.gongwen.tables import fitted_table, fixed_widths, loop_table

    doc = forms.new_form(PORTRAIT)
    width = PORTRAIT.width_twips
    # the pack's logo (boilerplate logo:) floats in the top margin; it takes no room, so the
    # notice fits its page with or without one. (公文 have no header: not the report or letter.)
    doc.sections[0].header.paragraphs[0].add_run("{% if pack.logo %}{{ pack.logo }}{% endif %}")
    layout.add_title(doc, "{{ school.short_name }}教育扶贫政策告知单", blank_after=False)
    info = layout.add_table(doc, ["户　主", "{{ household.head | bare }}", "户编号",
                                  "{{ household.id }}"],
                            [["所在{{ school.unit_word }}", "{{ household.unit | bare }}",
                              "联系电话", "{{ household.phone_masked | bare or \"—\" }}"],
                             ["家庭人口", "{{ household.members ~ \"人\" if household.members "
                              "else \"—\" }}", "家庭住址", "{{ household.address or \"—\" }}"]],
                            [24, 46, 22, 78])
    fixed_widths(info, [24, 46, 22, 78], width)
    for row in info.rows:  # label cells in 黑体, the values as the data has them
        for i, cell in enumerate(row.cells):
            cell.paragraphs[0].style = doc.styles["表头文字" if i % 2 == 0 else "表格文字"]
    layout.add_heading(doc, "一、子女在校享受的资助", 1)
    fitted_table(doc, HEADER, "r in rows",
                 ["{{ r.child | bare if r.merge == \"restart\" else \"\" }}",
                  "{% if r.merge == \"restart\" %}{{ r.stage_text | bare }}{% if r.school %}"
                  "（{{ r.school }}）{% endif %}{% endif %}",
                  "{{ r.name }}", "{{ r.standard | bare }}", "{{ r.yearly_text }}",
                  "{{ r.source | bare }}"],
                 "rows", width, merge=(0, 1))
    layout.add_body(doc, "{% if has_money %}本户每学年合计：{{ yearly_total | yuan }}"
                         "（大写：{{ yearly_total | rmb_upper }}）。{% else %}本户子女享受"
                         "{{ in_kind | join_cn }}，不需缴纳这些费用，无现金补助。{% endif %}"
                         "{% if has_loans %}贷款项目可按需申请，不计入合计。{% endif %}")
    layout.add_heading(doc, "二、将来各学段的资助和保障", 1)
    future = loop_table(doc, FUTURE_HEADER, "f in future",
                        ["{{ f.stage }}", "{{ f.names | join_cn }}"], [10, 10])
    fixed_widths(future, [22, 148], width)
    contact = layout.add_heading(doc, "三、联系方式", 1)
    lines = [contact]
    lines.append(layout.add_body(
        doc, "结对教师：{% if teacher %}{{ teacher.name }}（{{ teacher.phone }}）"
             "{% else %}（未安排）{% endif %}；学校电话：{{ school.phone or \"（未填写）\" }}。"))
    sign = layout.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dashes = " ".join("-" * 13)
    cut = layout.add_plain(doc, f"{dashes}（沿此线剪下，交回学校）{dashes}")
    cut.alignment = WD_ALIGN_PARAGRAPH.CENTER
    receipt = layout.add_plain(doc, "回　执")
    receipt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = layout.add_body(doc, "本户（户主：{{ household.head }}，户编号：{{ household.id }}）"
                                "已收到《{{ school.short_name }}教育扶贫政策告知单》，知晓子女"
                                "享受的资助政策{% if has_money %}，每学年合计"
                                "{{ yearly_total | yuan }}{% endif %}。")
    signed = layout.add_body(doc, "户主签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日")
    # the contact details, the cut line and the 回执 go onto one page together: the 回执
    # is never alone, and "三、联系方式" never ends a page
    for p in (*lines, sign, cut, receipt, text):
        set_child(p._p.get_or_add_pPr(), "w:keepNext", PPR_ORDER)
    for p in (cut, receipt, text, signed):
        set_child(p._p.get_or_add_pPr(), "w:spacing", PPR_ORDER, before=80)
    return doc


NOTICE = register(Document(
    key="notice", label="政策告知单", template="notice", scope=Scope.household,
    audience=Audience.home, context=notice_context, word_template=word_template,
    paper=Paper(max_pages=1, max_pages_children=4, keep_together=("三、联系方式", "回　执"),
                unbreakable=("name", "id", "phone", "docno", "amount")),
    summary="教育扶贫政策告知单，每户一份，附回执", order=30))

__all__ = ["NOTICE", "notice_context", "notice_rows"]
