"""联系卡: a contact card per household naming its paired teacher, two to an A4 page."""

from __future__ import annotations

from typing import Any

from fupin_docs.documents.household import household_context
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register


def word_template() -> Any:
    """Return the Word template: one card, two to an A4 page when merged."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from fupin_docs.gongwen import layout

    doc = layout.new_document(page_numbers=False)
    rows = [["学　　校", "{{ school.name }}"],
            ["户　　主", "{{ household.head }}（户编号 {{ household.id }}）"],
            ["所在{{ school.unit_word }}", "{{ household.unit }}"],
            ["家庭住址", "{{ household.address }}"],
            ["子　　女", "{% for c in children %}{{ c.name }}（{{ c.stage_text }}）"
                         "{{ \"、\" if not loop.last }}{% endfor %}"],
            ["帮扶教师", "{% if teacher %}{{ teacher.name }}{% else %}（未安排）{% endif %}"],
            ["教师电话", "{% if teacher %}{{ teacher.phone }}{% endif %}"],
            ["学校电话", "{{ school.phone }}"]]
    title = layout.add_plain(doc, "{{ school.county }}教育精准扶贫工作联系卡")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].font.size = Pt(18)
    table = layout.add_table(doc, ["项　目", "内　容"], rows, [36, 120])
    for row in table.rows:
        row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.AT_LEAST
    return doc


CARD = register(Document(
    key="card", label="联系卡", template="card", scope=Scope.household,
    audience=Audience.home, context=household_context, word_template=word_template,
    paper=Paper(records_per_page=2, max_pages=1, unbreakable=("name", "phone")),
    summary="教育精准扶贫工作联系卡，每户一张，合并打印时每页两张"))
