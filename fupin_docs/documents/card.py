"""联系卡: a contact card per household naming its paired teacher, two to an A4 page.

A card has a fixed size (180 × 128 mm, its dashed border the cut line) so that two always
share a page. What a household needs to show is measured: the text is set in the largest
size that fits (14 pt down to 9 pt); a card that does not fit even then is reported by
`check`, and grows rather than lose a word.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fupin_docs.cnformat import text_width
from fupin_docs.data.model import Household
from fupin_docs.documents.household import household_context
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.errors import Problem
from fupin_docs.facts.facts import Facts
from fupin_docs.gongwen.measures import TWIPS_PER_MM
from fupin_docs.i18n import tr

CARD_MM = 128          # the card's height; two cards and their gaps fill an A4 page
GAP_MM = 8             # the space above each card (the scissors' way between two cards)
LABEL_MM, VALUE_MM = 34, 146
TITLE_MM, FOOT_MM = 14, 9
SIZES = (14, 12, 10.5, 9)  # points, largest first
LINE = 1.36            # line height of the card's text, in font sizes
ROW_PAD_MM = 2.4       # a row's space above and below its text
_PT_MM = 25.4 / 72


@dataclass(frozen=True)
class CardLayout:
    """How one household's card is set: the font size and each row's height."""

    pt: float
    #: row key → height in mm, the rows present in order (family address left out if empty)
    rows: dict[str, float]
    fits: bool


def card_rows(ctx: dict[str, Any]) -> dict[str, str]:
    """Return row key → the text that row of the card will hold."""
    h, teacher = ctx["household"], ctx["teacher"]
    children = "、".join(f"{c['name']}（{c['stage_text']}）" for c in ctx["children"]) or "—"
    rows = {"school": ctx["school"]["name"], "head": f"{h['head']}（户编号 {h['id']}）",
            "unit": h["unit"]}
    if h["address"]:
        rows["address"] = h["address"]
    rows.update({"children": children,
                 "teacher": teacher["name"] if teacher else "（未安排）",
                 "teacher_phone": teacher["phone"] if teacher else "—",
                 "school_phone": ctx["school"]["phone"] or "—"})
    return rows


def lines_needed(text: str, pt: float) -> int:
    """Return how many lines `text` takes in the value column at `pt` points."""
    per_line = (VALUE_MM - 4) / (pt * _PT_MM)  # 4 mm of cell margins
    return max(1, math.ceil(text_width(text) / (per_line * 0.94)))  # 6% for justification


def card_layout(rows: dict[str, str]) -> CardLayout:
    """Return the largest font size at which the rows fit the card, and their heights."""
    room = CARD_MM - TITLE_MM - FOOT_MM
    for pt in SIZES:
        line_mm = pt * _PT_MM * LINE
        heights = {key: lines_needed(text, pt) * line_mm + 2 * ROW_PAD_MM
                   for key, text in rows.items()}
        if sum(heights.values()) <= room:
            spare = (room - sum(heights.values())) / len(heights)
            return CardLayout(pt, {k: v + spare for k, v in heights.items()}, True)
    return CardLayout(SIZES[-1], heights, False)


def card_context(facts: Facts, household: Household | None) -> dict[str, Any]:
    """Return the card's data: the household's, and how its card is set."""
    ctx: dict[str, Any] = dict(household_context(facts, household))
    layout = card_layout(card_rows(ctx))
    heights = {k: round(v * TWIPS_PER_MM) for k, v in layout.rows.items()}
    ctx["card"] = {"sz": round(layout.pt * 2), "h": heights, "rule": "exact" if layout.fits
                   else "atLeast",
                   "title_h": round(TITLE_MM * TWIPS_PER_MM),
                   "foot_h": round(FOOT_MM * TWIPS_PER_MM)}
    return ctx


def card_checks(facts: Facts) -> Iterator[Problem]:
    """Yield a warning for each household whose card does not fit even at the smallest size."""
    for i, household in enumerate(facts.project.households):
        ctx = card_context(facts, household)
        if ctx["card"]["rule"] != "exact":
            yield Problem(
                tr(f"{household.head}户的联系卡内容太多，用最小字号（{SIZES[-1]}磅）也放不下，"
                   "这张卡会比别的卡长，合并打印时两张卡可能排不进一页",
                   f"the contact card of {household.head} does not fit even at {SIZES[-1]} pt"),
                facts.loaded.where("households", i),
                tr("缩短家庭住址，或子女较多时把住址写简短些", "shorten the address"), "warning")


def word_template() -> Any:
    """Return the Word template: one card of fixed size, its dashed border the cut line."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.oxml import PPR_ORDER, RPR_ORDER, set_child
    from fupin_docs.gongwen.tables import TBLPR_ORDER, fixed_widths

    page = forms.FormPage(top=10, bottom=10, left=15, right=15)
    doc = forms.new_form(page)
    gap = layout.add_plain(doc, "")
    set_child(gap._p.get_or_add_pPr(), "w:spacing", PPR_ORDER, before=0, after=0,
              line=round(GAP_MM * TWIPS_PER_MM), lineRule="exact")
    fields = [("school", "学　　校", "{{ school.name }}"),
              ("head", "户　　主", "{{ household.head }}（户编号 {{ household.id }}）"),
              ("unit", "所在{{ school.unit_word }}", "{{ household.unit }}"),
              ("address", "家庭住址", "{{ household.address }}"),
              ("children", "子　　女",
               "{% for c in children %}{{ c.name }}（{{ c.stage_text }}）"
               "{{ \"、\" if not loop.last else \"\" }}{% else %}—{% endfor %}"),
              ("teacher", "帮扶教师",
               "{% if teacher %}{{ teacher.name }}{% else %}（未安排）{% endif %}"),
              ("teacher_phone", "教师电话", "{{ teacher.phone if teacher else \"—\" }}"),
              ("school_phone", "学校电话", "{{ school.phone or \"—\" }}")]
    rows = [["{{ school.county }}教育精准扶贫工作联系卡", ""]]
    for key, label, value in fields:
        if key == "address":
            rows += [["{%tr if household.address %}", ""], [label, value], ["{%tr endif %}", ""]]
        else:
            rows.append([label, value])
    rows.append(["请把本卡张贴在家中醒目处，有困难随时联系帮扶教师。", ""])
    table = layout.add_table(doc, rows[0], rows[1:], [LABEL_MM, VALUE_MM])
    fixed_widths(table, [LABEL_MM, VALUE_MM], round((LABEL_MM + VALUE_MM) * TWIPS_PER_MM))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = "".join(f'<w:{side} w:val="dashed" w:sz="8" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right"))
    borders += "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                       for side in ("insideH", "insideV"))
    tbl_pr = table._tbl.tblPr
    old = set_child(tbl_pr, "w:tblBorders", TBLPR_ORDER)
    tbl_pr.replace(old, parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'))
    keys = ["title"] + [k for k, _, _ in fields] + ["foot"]
    body_rows = [r for r in table.rows if "{%tr" not in r.cells[0].text]
    for key, row in zip(keys, body_rows):
        height = {"title": "{{ card.title_h }}", "foot": "{{ card.foot_h }}"}.get(
            key, f"{{{{ card.h.{key} }}}}")
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:trHeight {nsdecls("w")} w:val="{height}" '
                               f'w:hRule="{{{{ card.rule }}}}"/>'))
        if key in ("title", "foot"):
            row.cells[0].merge(row.cells[1])
            p = row.cells[0].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if key == "title":
                p.style = doc.styles["表头文字"]
                for run in p.runs:
                    set_child(run._r.get_or_add_rPr(), "w:sz", RPR_ORDER, val=32)
            continue
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                rpr = run._r.get_or_add_rPr()
                set_child(rpr, "w:sz", RPR_ORDER, val="{{ card.sz }}")
                set_child(rpr, "w:szCs", RPR_ORDER, val="{{ card.sz }}")
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for flag in tr_pr.findall(qn("w:tblHeader")):
        tr_pr.remove(flag)  # one card: no header row to repeat
    return doc


CARD = register(Document(
    key="card", label="联系卡", template="card", scope=Scope.household,
    audience=Audience.home, context=card_context, word_template=word_template,
    checks=card_checks,
    paper=Paper(records_per_page=2, max_pages=1, unbreakable=("name", "phone")),
    summary="教育精准扶贫工作联系卡，每户一张，合并打印时每页两张", order=40))
