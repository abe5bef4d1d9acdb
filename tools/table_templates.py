"""Word templates that are forms and tables (notice, card, duty list), built with python-docx."""

from __future__ import annotations

from typing import Callable

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from fupin_docs import gongwen


def _loop_table(doc, header: list[str], loop: str, cells: list[str], widths: list[float]):
    """Add a table whose middle row repeats per item (docxtpl ``{%tr for %}`` rows)."""
    table = gongwen.add_table(doc, header, [[f"{{%tr for {loop} %}}"] + [""] * (len(header) - 1),
                                            cells, ["{%tr endfor %}"] + [""] * (len(header) - 1)],
                              widths)
    return table


def notice():
    """Return the 教育扶贫政策告知单 template: entitlements, totals, future stages, receipt."""
    doc = gongwen.new_document(page_numbers=False)
    gongwen.add_title(doc, "{{ school.short_name }}教育扶贫政策告知单", blank_after=False)
    gongwen.add_table(doc, ["户主", "{{ household.head }}", "所在{{ school.unit_word }}",
                            "{{ household.unit }}"],
                      [["户编号", "{{ household.id }}", "联系电话", "{{ household.phone_masked }}"]],
                      [24, 54, 30, 48])
    gongwen.add_heading(doc, "一、子女在校享受的资助", 1)
    _loop_table(doc, ["子女", "学段年级", "资助项目", "标准", "每学年", "依据"], "r in rows",
                ["{{ r.child }}", "{{ r.stage_text }}", "{{ r.name }}", "{{ r.standard }}",
                 "{{ r.yearly_text }}", "{{ r.source }}"], [18, 22, 44, 22, 18, 32])
    gongwen.add_body(doc, "本户每学年合计：{{ yearly_total | yuan }}（大写：{{ yearly_total | rmb_upper }}）。"
                          "{% if has_loans %}贷款项目可按需申请，不计入合计。{% endif %}")
    gongwen.add_heading(doc, "二、将来各学段的资助和保障", 1)
    doc.add_paragraph("{%p for f in future %}")
    gongwen.add_body(doc, "{{ f.stage }}：{{ f.names | join_cn }}。")
    doc.add_paragraph("{%p endfor %}")
    gongwen.add_heading(doc, "三、联系方式", 1)
    gongwen.add_body(doc, "结对教师：{% if teacher %}{{ teacher.name }}（{{ teacher.phone }}）"
                          "{% else %}（未安排）{% endif %}；学校电话：{{ school.phone or \"（未填写）\" }}。")
    gongwen.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    cut = gongwen.add_plain(doc, "－－－－－－－（沿此线剪下，交回学校）－－－－－－－")
    cut.alignment = WD_ALIGN_PARAGRAPH.CENTER
    receipt = gongwen.add_plain(doc, "回　执")
    receipt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    gongwen.add_body(doc, "本户（户主：{{ household.head }}，户编号：{{ household.id }}）已收到"
                          "《{{ school.short_name }}教育扶贫政策告知单》，知晓子女享受的资助政策，"
                          "每学年合计{{ yearly_total | yuan }}。")
    gongwen.add_body(doc, "户主签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日")
    return doc


def card():
    """Return the 教育精准扶贫工作联系卡 template: one card, two to an A4 page when merged."""
    doc = gongwen.new_document(page_numbers=False)
    rows = [["学　　校", "{{ school.name }}"],
            ["户　　主", "{{ household.head }}（户编号 {{ household.id }}）"],
            ["所在{{ school.unit_word }}", "{{ household.unit }}"],
            ["家庭住址", "{{ household.address }}"],
            ["子　　女", "{% for c in children %}{{ c.name }}（{{ c.stage_text }}）"
                         "{{ \"、\" if not loop.last }}{% endfor %}"],
            ["帮扶教师", "{% if teacher %}{{ teacher.name }}{% else %}（未安排）{% endif %}"],
            ["教师电话", "{% if teacher %}{{ teacher.phone }}{% endif %}"],
            ["学校电话", "{{ school.phone }}"]]
    title = gongwen.add_plain(doc, "{{ school.county }}教育精准扶贫工作联系卡")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].font.size = Pt(18)
    table = gongwen.add_table(doc, ["项　目", "内　容"], rows, [36, 120])
    for row in table.rows:
        row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.AT_LEAST
    return doc


def duty():
    """Return the 教育扶贫工作责任一览表 template: one row per paired teacher."""
    doc = gongwen.new_document(page_numbers=False)
    gongwen.add_title(doc, "{{ school.short_name }}教育扶贫工作责任一览表", blank_after=False)
    _loop_table(doc, ["序号", "教师", "电话", "结对对象", "结对学生"], "row in duty_rows",
                ["{{ loop.index }}", "{{ row.teacher.name }}", "{{ row.teacher.phone }}",
                 "{{ row.target }}", "{{ row.students | join_cn }}"], [12, 20, 30, 50, 44])
    gongwen.add_body(doc, "合计：教师{{ duty_rows | length }}人，结对建档立卡户{{ duty_totals.households }}户，"
                          "学生{{ duty_totals.students }}人。")
    gongwen.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


def public():
    """Return the 资助公示名单 template: one row per child, ID numbers masked."""
    doc = gongwen.new_document(page_numbers=False)
    gongwen.add_title(doc, "{{ school.short_name }}建档立卡贫困家庭学生资助公示名单", blank_after=False)
    gongwen.add_body(doc, "根据资助政策公开、金额公开、资助对象公开的要求，现将本校建档立卡贫困家庭学生享受资助"
                          "情况公示如下。公示期七天，如有异议，请向学校反映（电话：{{ school.phone or \"（未填写）\" }}）。")
    _loop_table(doc, ["序号", "所在地", "户主", "学生", "学段年级", "身份证号", "资助项目", "每学年"],
                "r in public_rows",
                ["{{ loop.index }}", "{{ r.unit }}", "{{ r.head }}", "{{ r.name }}", "{{ r.stage_text }}",
                 "{{ r.id_masked or \"—\" }}", "{{ r.items or \"—\" }}", "{{ r.amount | yuan }}"],
                [10, 16, 16, 16, 20, 30, 30, 18])
    gongwen.add_body(doc, "合计：{{ public_rows | length }}人，每学年{{ public_total | yuan }}。")
    gongwen.add_plain(doc, "{{ school.signing_unit }}　{{ school.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


TABLE_TEMPLATES: dict[str, Callable] = {"notice": notice, "card": card, "duty": duty,
                                        "public": public}
