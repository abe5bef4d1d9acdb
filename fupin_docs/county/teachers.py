"""教师教育扶贫信息库: every teacher of every school with their pairings (one workbook).

A line per teacher, school by school: role, phone (a paired teacher's phone is printed in
full, families call it), how the school pairs, whom the teacher is paired with, how many
households and pupils, the pupils by name; teachers not paired are listed too. A second sheet
counts per school.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fupin_docs.county.common import COUNTY_ORDER, base_context, county_workbook
from fupin_docs.county.facts import CountyFacts
from fupin_docs.county.sheets import Cell, Sheet, workbook
from fupin_docs.documents.registry import Audience, Document, Orientation, Paper, Scope, register

TEACHERS = [("序号", 7), ("学校", 24), ("教师", 10), ("职务", 10), ("联系电话", 14),
            ("结对方式", 10), ("结对对象", 30), ("结对户数", 9), ("结对学生数", 10),
            ("结对学生", 36)]
SCHOOLS = [("序号", 6), ("学校", 30), ("教师", 8), ("结对教师", 10), ("结对户数", 10),
           ("结对学生数", 10), ("结对方式", 12)]


def teachers_xlsx(cf: CountyFacts, ctx: Mapping[str, Any] | None = None) -> bytes:
    """Return the teachers' workbook."""
    county = base_context(cf)["county"]
    footer = f"{county['bureau']}　{county['school_year']}"
    rows: list[Sequence[Cell]] = []
    for s in cf.schools:
        for t in s.teachers:
            rows.append([len(rows) + 1, s.name, t.name, t.role, t.phone, t.mode or "未结对",
                         t.targets, t.households, t.students, t.student_names])
    paired = sum(1 for s in cf.schools for t in s.teachers if t.mode)
    counted = sum(t.students for s in cf.schools for t in s.teachers)
    by_school: list[Sequence[Cell]] = [
        [n, s.name, len(s.teachers), s.paired_teachers, s.paired_households,
         sum(t.students for t in s.teachers), s.pairing_mode or "未结对"]
        for n, s in enumerate(cf.schools, start=1)]
    return workbook([
        Sheet("教师", TEACHERS, f"{cf.county.name}教师教育扶贫信息库（{county['school_year']}）",
              footer, rows, totals=[[None, "合计", f"{len(rows)}人", None, None,
                                     f"结对{paired}人", None,
                                     sum(s.paired_households for s in cf.schools), counted,
                                     None]]),
        Sheet("各校汇总", SCHOOLS, f"{cf.county.name}各校教师结对帮扶汇总", footer, by_school,
              totals=[[None, "合计", cf.teachers, cf.paired_teachers,
                       sum(s.paired_households for s in cf.schools), counted, None]]),
    ])


COUNTY_TEACHERS = register(Document(
    key="county_teachers", label="教师教育扶贫信息库", template=None, scope=Scope.county,
    audience=Audience.internal, formats=("xlsx",), workbook=county_workbook(teachers_xlsx),
    paper=Paper(orientation=Orientation.landscape, page_numbers=True),
    summary="全县教师教育扶贫信息库：每所学校的每位教师及其结对对象",
    order=COUNTY_ORDER + 30))
