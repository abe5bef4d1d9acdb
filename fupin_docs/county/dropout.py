"""县控辍保学台账: the county's 控辍保学 ledger over its schools.

The count of children of compulsory-school age per school (as each school's own ledger has
it), summed, and over the county with each child counted once; every child enrolled nowhere,
with its school, household and paired teachers; and every child of that age a school says
studies elsewhere, checked against the county's rolls (在某校名单中, 县外就读, or 待核实).
Word and text (landscape), and a workbook of the same three tables. IDs never appear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fupin_docs.cnformat import keep
from fupin_docs.county.common import (
    COUNTY_ORDER,
    base_context,
    county_context,
    county_workbook,
)
from fupin_docs.county.facts import CountyFacts
from fupin_docs.county.sheets import Cell, Sheet, workbook
from fupin_docs.documents.registry import Audience, Document, Orientation, Paper, Scope, register
from fupin_docs.gongwen.forms import LANDSCAPE
from fupin_docs.gongwen.measures import Column, fit_widths

COUNT_HEADER = ["学校", "适龄儿童", "本校就读", "外校就读", "送教上门", "未入学"]
COUNT_KEYS = ("total", "here", "elsewhere", "home_taught", "missing")
MISSING_HEADER = ["序号", "学校", "所在地", "户编号", "户主", "学生", "性别", "年龄", "结对教师"]
ELSEWHERE_HEADER = ["序号", "学校", "所在地", "户主", "学生", "年龄", "学段年级", "写明的就读学校",
                    "核对结果"]
COUNT_SHEET = [("序号", 6), ("学校", 30), ("适龄儿童", 10), ("本校就读", 10), ("外校就读", 10),
               ("送教上门", 10), ("未入学", 10)]
MISSING_SHEET = [("序号", 6), ("学校", 24), ("所在村/连队", 12), ("户编号", 10), ("户主", 10),
                 ("学生", 10), ("性别", 6), ("年龄", 6), ("结对教师", 16)]
ELSEWHERE_SHEET = [("序号", 6), ("学校", 24), ("所在村/连队", 12), ("户主", 10), ("学生", 10),
                   ("年龄", 6), ("学段年级", 14), ("写明的就读学校", 24), ("核对结果", 28)]


def dropout_context(cf: CountyFacts) -> dict[str, Any]:
    """Return the county's ledger: counts per school, children enrolled nowhere, children
    said to study elsewhere with what the county's rolls say."""
    ctx = base_context(cf)
    ctx["school_age"] = {"year": ctx["county"]["school_year"], **cf.school_age}
    rows: list[dict[str, Any]] = [
        {"name": keep(s.short_name), **{k: s.school_age.get(k, 0) for k in COUNT_KEYS}}
        for s in cf.schools]
    summed = {k: sum(r[k] for r in rows) for k in COUNT_KEYS}
    ctx["count_rows"] = [*rows, {"name": keep("各校相加"), **summed},
                         {"name": keep("全县（每人只计一次）"),
                          **{k: cf.school_age[k] for k in COUNT_KEYS}}]
    missing: list[dict[str, Any]] = [
        {"number": n, "school": keep(s.short_name), "unit": keep(c.unit),
         "household": keep(c.household), "head": keep(c.head), "name": keep(c.name),
         "gender": c.gender, "age": c.age, "teachers": keep(c.teachers or "（未安排）")}
        for n, (s, c) in enumerate(((s, c) for s in cf.schools for c in s.missing), start=1)]
    elsewhere: list[dict[str, Any]] = []
    for s in cf.schools:
        for c in s.elsewhere:
            if c.age is None:
                continue
            elsewhere.append({"number": len(elsewhere) + 1, "school": keep(s.short_name),
                              "unit": keep(c.unit), "head": keep(c.head), "name": keep(c.name),
                              "age": c.age, "stage_text": keep(c.stage_text),
                              "named": c.school, "result": _verdict(cf, c)})
    ctx.update({"missing_rows": missing, "elsewhere_rows": elsewhere})
    ctx["widths"] = {
        "counts": fit_widths([Column(("学校", *(r["name"] for r in ctx["count_rows"]))),
                              *(Column((h, *(str(r[k]) for r in ctx["count_rows"])))
                                for h, k in zip(COUNT_HEADER[1:], COUNT_KEYS))],
                             LANDSCAPE.width_twips * 3 // 4),
        "missing": fit_widths([
            Column(("序号", *(str(r["number"]) for r in missing))),
            Column(("学校", *(r["school"] for r in missing)), keep=False, min_chars=6),
            *(Column((h, *(str(r[k]) for r in missing)))
              for h, k in (("所在地", "unit"), ("户编号", "household"), ("户主", "head"),
                           ("学生", "name"), ("性别", "gender"))),
            Column(("年龄", *(f"{r['age']}岁" for r in missing))),
            Column(("结对教师", *(r["teachers"] for r in missing)), keep=False, min_chars=4),
        ], LANDSCAPE.width_twips),
        "elsewhere": fit_widths([
            Column(("序号", *(str(r["number"]) for r in elsewhere))),
            Column(("学校", *(r["school"] for r in elsewhere)), keep=False, min_chars=6),
            *(Column((h, *(str(r[k]) for r in elsewhere)))
              for h, k in (("所在地", "unit"), ("户主", "head"), ("学生", "name"))),
            Column(("年龄", *(f"{r['age']}岁" for r in elsewhere))),
            Column(("学段年级", *(r["stage_text"] for r in elsewhere))),
            Column(("写明的就读学校", *(r["named"] for r in elsewhere)), keep=False,
                   min_chars=6),
            Column(("核对结果", *(r["result"] for r in elsewhere)), keep=False, min_chars=8),
        ], LANDSCAPE.width_twips)}
    return ctx


def _verdict(cf: CountyFacts, child: Any) -> str:
    """Return what the county's rolls say of a child said to study elsewhere."""
    if child.out_of_county:
        return "县外就读"
    if child.person is None:
        return "无身份证号和出生日期，无法核对"
    places = cf.roll_index.get(child.person)
    if not places:
        return "全县各校名单中都没有（待核实）"
    return "在" + "、".join(dict.fromkeys(cf.schools[si].short_name for si, _ in places)) \
        + "名单中"


def dropout_xlsx(cf: CountyFacts, ctx: Mapping[str, Any] | None) -> bytes:
    """Return the workbook: counts per school, children enrolled nowhere, children said to
    study elsewhere and what the rolls say."""
    assert ctx is not None
    county = ctx["county"]
    title = f"{county['name']}控辍保学台账（{county['school_year']}）"
    footer = f"{county['bureau']}　内部留档"
    counts: list[Sequence[Cell]] = [[n, r["name"], *(r[k] for k in COUNT_KEYS)]
                                    for n, r in enumerate(ctx["count_rows"][:-2], start=1)]
    totals: list[Sequence[Cell]] = [[None, r["name"], *(r[k] for k in COUNT_KEYS)]
                                    for r in ctx["count_rows"][-2:]]
    missing: list[Sequence[Cell]] = [
        [r["number"], r["school"], r["unit"], r["household"], r["head"], r["name"], r["gender"],
         r["age"], r["teachers"]] for r in ctx["missing_rows"]]
    elsewhere: list[Sequence[Cell]] = [
        [r["number"], r["school"], r["unit"], r["head"], r["name"], r["age"], r["stage_text"],
         r["named"], r["result"]] for r in ctx["elsewhere_rows"]]
    return workbook([Sheet("各校汇总", COUNT_SHEET, title, footer, counts, totals=totals),
                     Sheet("未入学", MISSING_SHEET, f"{county['name']}未入学适龄儿童名单",
                           footer, missing),
                     Sheet("外校就读核对", ELSEWHERE_SHEET,
                           f"{county['name']}外校就读适龄儿童核对表", footer, elsewhere)])


def word_template() -> Any:
    """Return the Word template: landscape; the counts, then the two lists of children."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fupin_docs.gongwen import forms, layout
    from fupin_docs.gongwen.tables import fitted_table

    doc = forms.new_form(LANDSCAPE, page_numbers=True)
    layout.add_title(doc, "{{ county.name }}控辍保学台账", blank_after=False)
    layout.add_body(doc, "{{ school_age.year }}，全县各校建档立卡户子女中义务教育阶段适龄儿童"
                         "共{{ school_age.total }}人（同一儿童只计一次）：在本县学校就读"
                         "{{ school_age.here }}人，在县外或其他学校就读"
                         "{{ school_age.elsewhere }}人，"
                         "送教上门{{ school_age.home_taught }}人，未入学{{ school_age.missing }}人"
                         "{% if school_age.missing %}（逐一劝返）{% endif %}。各校数字为各校"
                         "控辍保学台账所列。")
    fitted_table(doc, COUNT_HEADER, "r in count_rows",
                 ["{{ r.name | bare }}", "{{ r.total }}", "{{ r.here }}", "{{ r.elsewhere }}",
                  "{{ r.home_taught }}", "{{ r.missing }}"], "counts",
                 LANDSCAPE.width_twips * 3 // 4)
    doc.add_paragraph("{%p if missing_rows %}")
    layout.add_body(doc, "未入学的适龄儿童（{{ missing_rows | length }}人）：")
    fitted_table(doc, MISSING_HEADER, "r in missing_rows",
                 ["{{ r.number }}", "{{ r.school }}", "{{ r.unit | bare }}",
                  "{{ r.household | bare }}", "{{ r.head | bare }}", "{{ r.name | bare }}",
                  "{{ r.gender }}", "{{ r.age }}岁", "{{ r.teachers }}"],
                 "missing", LANDSCAPE.width_twips)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if elsewhere_rows %}")
    layout.add_body(doc, "写明在外校就读的适龄儿童与全县各校名单的核对"
                         "（{{ elsewhere_rows | length }}人）：")
    fitted_table(doc, ELSEWHERE_HEADER, "r in elsewhere_rows",
                 ["{{ r.number }}", "{{ r.school }}", "{{ r.unit | bare }}",
                  "{{ r.head | bare }}", "{{ r.name | bare }}", "{{ r.age }}岁",
                  "{{ r.stage_text | bare }}", "{{ r.named }}", "{{ r.result }}"],
                 "elsewhere", LANDSCAPE.width_twips)
    doc.add_paragraph("{%p endif %}")
    layout.add_plain(doc, "{{ county.bureau }}　{{ county.date_text }}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    return doc


COUNTY_DROPOUT = register(Document(
    key="county_dropout", label="县控辍保学台账", template="county_dropout", scope=Scope.county,
    audience=Audience.internal, context=county_context(dropout_context),
    formats=("docx", "txt", "xlsx"), workbook=county_workbook(dropout_xlsx),
    word_template=word_template,
    paper=Paper(orientation=Orientation.landscape, unbreakable=("name",), page_numbers=True),
    summary="县控辍保学台账：各校适龄儿童就读情况，未入学名单，外校就读与全县名单的核对",
    order=COUNTY_ORDER + 40))
