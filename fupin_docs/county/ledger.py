"""县资助台账: the county's internal ledger, one workbook: a summary by item of aid, a summary
by school, and a sheet per item listing every pupil receiving it, school by school.

Each line is a line of a school's own ledger (其中本校学生): each item sheet's total is what
the schools' ledgers say of that item, and the summary's total is the sum of their 本校学生
subtotals. IDs are masked unless --full-ids (or ledger_full_ids in county.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from fupin_docs.cnformat import wan
from fupin_docs.county.common import COUNTY_ORDER, base_context, county_workbook
from fupin_docs.county.facts import CountyFacts
from fupin_docs.county.sheets import Cell, Sheet, workbook
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import Audience, Document, Orientation, Paper, Scope, register

SUMMARY = [("序号", 6), ("资助项目", 30), ("种类", 8), ("人次", 10), ("受助学生（人）", 12),
           ("每学年金额（元）", 18), ("金额（万元）", 12), ("政策依据", 22)]
SCHOOLS = [("序号", 6), ("学校", 30), ("建档立卡学生（人）", 14), ("人次", 10),
           ("每学年金额（元）", 18), ("金额（万元）", 12)]
DETAIL = [("序号", 8), ("学校", 24), ("所在村/连队", 12), ("户编号", 10), ("户主", 10),
          ("学生", 10), ("性别", 6), ("学段年级", 14), ("学生身份证号", 21), ("标准", 16),
          ("每学年金额（元）", 16)]
#: characters a sheet's name cannot hold, and its longest
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_names(names: list[str], taken: set[str]) -> list[str]:
    """Return a valid, unique sheet name for each of `names` (31 characters at most)."""
    out = []
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "资助项目"
        candidate, n = base[:SHEET_NAME_MAX], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"（{n}）"
            candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def ledger_xlsx(cf: CountyFacts, ctx: Mapping[str, Any] | None = None) -> bytes:
    """Return the county ledger workbook, read from the schools' summaries."""
    privacy = privacy_for(Audience.internal, cf.full_ids)
    county = base_context(cf)["county"]
    year = county["school_year"]
    footer = (f"{county['aid_centre'] or county['bureau']}　内部留档"
              + ("（含完整身份证号，注意保密）" if cf.full_ids else ""))
    cats = cf.categories
    summary: list[Sequence[Cell]] = []
    for n, c in enumerate(cats, start=1):
        what = c.item.kind + ("（不计入合计）" if c.is_loan else "")
        summary.append([n, c.item.name, what, c.times, c.pupils, c.amount, _wan(c.amount),
                        c.item.source])
    aid = cf.aid
    totals: list[Sequence[Cell]] = [[None, "合计（不含贷款）", None, aid["times"], aid["pupils"],
                                 aid["amount"], _wan(aid["amount"]), None]]
    by_school: list[Sequence[Cell]] = []
    for n, s in enumerate(cf.schools, start=1):
        times = sum(c.by_school[s.key][0] for c in cats
                    if not c.is_loan and s.key in c.by_school)
        by_school.append([n, s.name, len(s.pupils), times, s.own_total, _wan(s.own_total)])
    school_totals: list[Sequence[Cell]] = [[None, "合计", cf.pupils, aid["times"], aid["amount"],
                                        _wan(aid["amount"])]]
    lines: dict[str, list[Sequence[Cell]]] = {c.item.id: [] for c in cats}
    for s in cf.schools:
        for p in s.pupils:
            kind = s.aids[p.aid]
            for e in kind.entitled:
                rows = lines[e.item]
                rows.append([len(rows) + 1, s.name, p.unit, p.household, p.head, p.name,
                             p.gender, kind.stage_text, privacy.id_number(p.id_number),
                             e.standard, e.yearly])
    sheets = [Sheet("资助汇总", SUMMARY, f"{cf.county.name}建档立卡学生资助台账（{year}）",
                    footer, summary, money_col=6, totals=totals),
              Sheet("各校汇总", SCHOOLS, f"{cf.county.name}各校建档立卡学生资助汇总（{year}）",
                    footer, by_school, money_col=5, totals=school_totals)]
    names = sheet_names([c.item.name for c in cats], {s.name.casefold() for s in sheets})
    for c, name in zip(cats, names):
        note = "（贷款，不计入资助合计）" if c.is_loan else ""
        sheets.append(Sheet(name, DETAIL, f"{cf.county.name}{c.item.name}资助明细（{year}）{note}",
                            footer, lines[c.item.id], money_col=11,
                            totals=[[None] * 8 + ["合计", f"{c.times}人次",
                                                  c.amount]]))
    return workbook(sheets)


def _wan(amount: Decimal) -> Decimal:
    """Return yuan as 万元, to the yuan (a number, so that a spreadsheet can add it)."""
    return Decimal(wan(amount, 4))


COUNTY_LEDGER = register(Document(
    key="county_ledger", label="县资助台账", template=None, scope=Scope.county,
    audience=Audience.internal, formats=("xlsx",), workbook=county_workbook(ledger_xlsx),
    paper=Paper(orientation=Orientation.landscape, page_numbers=True),
    summary="县资助台账（内部留档）：按资助项目汇总、按学校汇总，每个资助项目一张明细表",
    order=COUNTY_ORDER + 10))


__all__ = ["COUNTY_LEDGER", "ledger_xlsx", "sheet_names"]
