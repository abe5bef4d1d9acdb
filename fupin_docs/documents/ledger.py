"""资助台账: the internal subsidy ledger, one row per child and item, with totals per household."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fupin_docs.cnformat import rmb_upper
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import Audience, Document, Orientation, Paper, Scope, register
from fupin_docs.facts.facts import Facts

DETAIL = [("序号", 6), ("所在村/连队", 12), ("户编号", 10), ("户主", 10), ("户主身份证号", 21),
          ("学生", 10), ("性别", 6), ("学段年级", 14), ("就读学校", 14), ("学生身份证号", 21),
          ("资助项目", 28), ("种类", 8), ("标准", 16), ("每学年金额（元）", 16), ("计入合计", 9),
          ("政策依据", 22), ("结对教师", 10)]
MONEY_COL = 14  # 每学年金额 in DETAIL
SUMMARY = [("序号", 6), ("所在村/连队", 12), ("户编号", 10), ("户主", 10), ("学生人数", 9),
           ("每学年合计（元）", 16), ("大写", 30), ("结对教师", 10)]


def ledger_xlsx(facts: Facts, ctx: Mapping[str, Any] | None = None) -> bytes:
    """Return the ledger workbook, read from the facts; IDs are masked unless `facts.full_ids`.

    Every child of every registered household has its lines, those studying elsewhere too
    (their aid is paid there); a subtotal gives this school's own pupils.
    """
    from openpyxl import Workbook

    from fupin_docs.render import xlsx

    privacy = privacy_for(Audience.internal, facts.full_ids)
    units = {u.id: u.name for u in facts.project.units}
    school = facts.project.school
    year = f"（{facts.policy.year}年）" if facts.policy.year else ""
    footer = f"{school.name}　内部留档" + ("（含完整身份证号，注意保密）" if facts.full_ids else "")
    wb = Workbook()
    detail = xlsx.new_sheet(wb, "资助明细", DETAIL,
                            f"{school.display_name}建档立卡学生资助台账{year}", footer, first=True)
    summary = xlsx.new_sheet(wb, "按户汇总", SUMMARY,
                             f"{school.display_name}建档立卡户资助汇总{year}", footer)
    here = facts.stats.registered_students
    at_school = {id(s.child) for s in here}
    grand = own = Decimal(0)
    row_no = 0
    for n, household in enumerate(facts.project.households, start=1):
        aid = facts.household_aid(household)
        paired = facts.stats.household_teacher.get(household.id)
        teacher = paired.name if paired else ""
        unit = units[household.unit]
        head_id = privacy.id_number(household.id_number)
        for child, child_aid in zip(household.children, aid.children):
            child_id = privacy.id_number(child.id_number)
            here_now = id(child) in at_school
            if here_now:
                own += child_aid.yearly_total
            school_name = "本校" if here_now else (child.school or "")
            for e in child_aid.entitlements or (None,):
                row_no += 1
                detail.append([row_no, unit, household.id, household.head, head_id, child.name,
                               child.gender, child_aid.stage_text, school_name, child_id,
                               e.item.name if e else "（无适用项目）", e.item.kind if e else "",
                               e.standard if e else "", e.yearly if e else Decimal(0),
                               ("是" if e.counted else "否") if e else "",
                               (e.item.source or "") if e else "", teacher])
        summary.append([n, unit, household.id, household.head, len(household.children),
                        aid.yearly_total, rmb_upper(aid.yearly_total), teacher])
        grand += aid.yearly_total
    xlsx.finish_body(detail, len(DETAIL), money_col=MONEY_COL)
    xlsx.finish_body(summary, len(SUMMARY), money_col=6)
    # the 公示名单 lists the pupils who study here: its total is this subtotal
    xlsx.add_total(detail, [None] * (MONEY_COL - 2) + ["其中本校学生", own], MONEY_COL)
    xlsx.add_total(detail, [None] * (MONEY_COL - 2) + ["合计", grand], MONEY_COL)
    xlsx.add_total(summary, [None, None, None, "合计", None, grand, rmb_upper(grand)], 6)
    return xlsx.workbook_bytes(wb)


LEDGER = register(Document(
    key="ledger", label="资助台账", template=None, scope=Scope.school,
    audience=Audience.internal, formats=("xlsx",), workbook=ledger_xlsx,
    paper=Paper(orientation=Orientation.landscape, page_numbers=True),
    summary="资助台账（内部留档）：每个孩子每个资助项目一行，按户汇总", order=70))
