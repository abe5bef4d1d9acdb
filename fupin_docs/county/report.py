"""县教育扶贫工作汇报: the county's report to the city or province (a 公文, one per county).

In the manner of the 新干县 and 旬邑县 reports: schools, pupils and households, teachers
paired; aid by item of the policy table in 万元 with 人次; pupils outside the county; 控辍保学
over the county; investments in school conditions; and a table of the schools.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from fupin_docs.cnformat import keep, wanyuan
from fupin_docs.county.common import (
    COUNTY_ORDER,
    base_context,
    county_context,
    dropout_text,
)
from fupin_docs.county.facts import Category, CountyFacts
from fupin_docs.documents.registry import Audience, Document, Paper, Scope, register
from fupin_docs.gongwen.measures import TEXT_WIDTH_MM, TWIPS_PER_MM, Column, fit_widths

#: the size of the 公文 table cells (表格文字: 小四)
CELL_PT = 12.0


def _row(c: Category) -> dict[str, Any]:
    return {"name": c.item.name, "amount": c.amount, "times": c.times, "pupils": c.pupils}


def report_context(cf: CountyFacts) -> dict[str, Any]:
    """Return the data of the county's report."""
    ctx = base_context(cf)
    cats = cf.categories
    ctx["money_rows"] = [_row(c) for c in cats if not c.is_loan and c.amount]
    ctx["in_kind_rows"] = [_row(c) for c in cats if not c.is_loan and not c.amount]
    ctx["loan_rows"] = [_row(c) for c in cats if c.is_loan]
    ctx["skipped"] = [s.key for s in cf.skipped]
    ctx["investments"] = cf.investments
    modes = Counter(s.pairing_mode for s in cf.schools if s.pairing_mode)
    ctx["modes"] = [{"name": name, "schools": n} for name, n in modes.most_common()]
    ctx["narrative"] = cf.county.config.narrative.model_dump()
    rows: list[dict[str, Any]] = [
        {"number": str(n), "name": keep(s.short_name), "pupils": len(s.pupils),
         "households": s.registered_households, "teachers": s.paired_teachers,
         "aid": s.own_total, "dropout": dropout_text(s.school_age)}
        for n, s in enumerate(cf.schools, start=1)]
    n = ctx["numbers"]
    rows.append({"number": "", "name": keep("合计"), "pupils": n["pupils"],
                 "households": n["households"], "teachers": n["paired_teachers"],
                 "aid": sum((s.own_total for s in cf.schools), Decimal(0)),
                 "dropout": dropout_text({"total": n["compulsory"],
                                          "missing": n["out_of_school"]})})
    ctx["school_rows"] = rows
    ctx["widths"] = {"schools": fit_widths([
        Column(("序号", *(r["number"] for r in rows)), pt=CELL_PT),
        Column(("学校", *(r["name"] for r in rows)), keep=False, min_chars=4, pt=CELL_PT),
        Column(("学生", *(f"{r['pupils']}人" for r in rows)), pt=CELL_PT),
        Column(("户数", *(f"{r['households']}户" for r in rows)), pt=CELL_PT),
        Column(("结对教师", *(f"{r['teachers']}人" for r in rows)), pt=CELL_PT),
        Column(("资助金额", *(wanyuan(r["aid"], 4) for r in rows)), pt=CELL_PT),
        Column(("控辍保学", *(r["dropout"] for r in rows)), pt=CELL_PT),
    ], round(TEXT_WIDTH_MM * TWIPS_PER_MM))}
    return ctx


COUNTY_REPORT = register(Document(
    key="county_report", label="县教育扶贫工作汇报", template="county_report",
    scope=Scope.county, audience=Audience.official, context=county_context(report_context),
    gongwen=True, paper=Paper(unbreakable=("amount",)),
    summary="县教育扶贫工作汇报（公文格式）：学校、学生、结对、分项资助、控辍保学、各校情况表",
    order=COUNTY_ORDER))
