"""政策告知单: what each household's children receive at every stage, with a receipt."""

from __future__ import annotations

from typing import Any

from fupin_docs.documents.household import household_context
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register


def word_template() -> Any:
    """Return the Word template: header table, entitlements, totals, future stages, receipt."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import layout
    from fupin_docs.gongwen.tables import loop_table

    doc = layout.new_document(page_numbers=False)
    layout.add_title(doc, "{{ school.short_name }}教育扶贫政策告知单", blank_after=False)
    layout.add_table(doc, ["户主", "{{ household.head }}", "所在{{ school.unit_word }}",
                           "{{ household.unit }}"],
                     [["户编号", "{{ household.id }}", "联系电话", "{{ household.phone_masked }}"]],
                     [24, 54, 30, 48])
    layout.add_heading(doc, "一、子女在校享受的资助", 1)
    loop_table(doc, ["子女", "学段年级", "资助项目", "标准", "每学年", "依据"], "r in rows",
               ["{{ r.child }}", "{{ r.stage_text }}", "{{ r.name }}", "{{ r.standard }}",
                "{{ r.yearly_text }}", "{{ r.source }}"], [18, 22, 44, 22, 18, 32])
    layout.add_body(doc, "本户每学年合计：{{ yearly_total | yuan }}"
                         "（大写：{{ yearly_total | rmb_upper }}）。"
                         "{% if has_loans %}贷款项目可按需申请，不计入合计。{% endif %}")
    layout.add_heading(doc, "二、将来各学段的资助和保障", 1)
    doc.add_paragraph("{%p for f in future %}")
    layout.add_body(doc, "{{ f.stage }}：{{ f.names | join_cn }}。")
    doc.add_paragraph("{%p endfor %}")
    layout.add_heading(doc, "三、联系方式", 1)
    layout.add_body(doc, "结对教师：{% if teacher %}{{ teacher.name }}（{{ teacher.phone }}）"
                         "{% else %}（未安排）{% endif %}；"
                         "学校电话：{{ school.phone or \"（未填写）\" }}。")
    layout.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    cut = layout.add_plain(doc, "－－－－－－－（沿此线剪下，交回学校）－－－－－－－")
    cut.alignment = WD_ALIGN_PARAGRAPH.CENTER
    receipt = layout.add_plain(doc, "回　执")
    receipt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.add_body(doc, "本户（户主：{{ household.head }}，户编号：{{ household.id }}）已收到"
                         "《{{ school.short_name }}教育扶贫政策告知单》，知晓子女享受的资助政策，"
                         "每学年合计{{ yearly_total | yuan }}。")
    layout.add_body(doc, "户主签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日")
    return doc


NOTICE = register(Document(
    key="notice", label="政策告知单", template="notice", scope=Scope.household,
    audience=Audience.home, context=household_context, word_template=word_template,
    paper=Paper(max_pages=1, max_pages_children=4, keep_together=("回　执",),
                unbreakable=("name", "id", "phone", "docno", "amount")),
    summary="教育扶贫政策告知单，每户一份，附回执"))
