"""Invented exports for the import tests: a 建档立卡 export and a 学籍 export, made in code.

No real person is in them: names, ID numbers (checksums computed) and phones are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(born: str, serial: int, male: bool) -> str:
    """Return a made-up 18-digit ID number with a correct check digit (area 110101)."""
    seq = serial * 2 + (1 if male else 0)
    body = f"110101{born.replace('-', '')}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


SCHOOL = "测试县测试镇测试小学"
OTHER_SCHOOL = "测试县第一中学"
#: (户编号, 行政村, 自然村, 户联系电话, 人数, 致贫原因, [(姓名, 性别代码, 出生日期, 与户主关系,
#: 在校生状况)])
HOMES = [
    ("5303230101000001", "测试村", "上组", "13900000001", 5, "因病", [
        ("李大山", 1, "1980-01-01", "户主", "非在校生"),
        ("王秀英", 2, "1982-02-02", "配偶", "非在校生"),
        ("李小明", 1, "2010-03-05", "之子", "小学"),
        ("李小红", 2, "2012-07-08", "之女", "小学"),
        ("李小宝", 1, "2016-02-01", "之子", "学龄前儿童")]),
    ("5303230101000002", "测试村", "上组", "13900000002", 3, "缺劳力", [
        ("张二", 1, "1950-05-05", "户主", "非在校生"),
        ("张小虎", 1, "2005-09-01", "之孙子", "初中"),
        ("张小花", 2, "2009-01-02", "之孙女", "非在校生")]),
    ("5303230102000003", "测试村", "下组", "13900000003", 4, "因学", [
        ("赵三", 1, "1975-03-03", "户主", "非在校生"),
        ("赵小丽", 2, "2013-05-20", "之女", "学前教育"),
        ("赵小刚", 1, "2000-01-01", "之子", "高职高专"),
        ("赵大", 1, "1995-01-01", "之子", "非在校生")]),
    ("5303230102000004", "测试村", "下组", "13900000004", 2, "因残", [
        ("钱四", 1, "1940-04-04", "户主", "非在校生"),
        ("孙氏", 2, "1942-04-04", "配偶", "非在校生")]),
]


def people() -> list[dict[str, Any]]:
    """Return every person of HOMES with their household's fields and an ID number."""
    out = []
    serial = 0
    for home, village, hamlet, phone, size, cause, members in HOMES:
        head = members[0]
        serial += 1
        head_id = id_number(head[2], serial, head[1] == 1)
        for name, gender, born, relation, status in members:
            serial += 1
            ident = head_id if relation == "户主" else id_number(born, serial, gender == 1)
            out.append({"户编号": home, "行政村": village, "自然村": hamlet, "户主姓名": head[0],
                        "户主证件号码": head_id, "户联系电话": phone, "人数": size,
                        "致贫原因": cause, "姓名": name, "性别": gender, "证件号码": ident,
                        "出生日期": born, "与户主关系": relation, "在校生状况": status})
    return out


def ident_of(name: str) -> str:
    return next(p["证件号码"] for p in people() if p["姓名"] == name)


#: the export's header: a title row, then two rows; the groups are merged across their columns
TITLE = "测试县建档立卡贫困人口信息表（导出时间：2018-06-30）"
TOP = ["序号", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "户主信息", None, "人数",
       "户联系电话", "致贫原因", "家庭成员信息", None, None, None, None, None, None, "帮扶措施",
       "备注说明"]
LOW = ["序号", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "姓名", "证件号码",
       "人数", "户联系电话", "致贫原因", "姓名", "性别", "证件号码", "出生日期", "与户主关系",
       "在校生状况", "民族", "帮扶措施", "备注说明"]
#: merged ranges (0-based rows and columns, inclusive) of the header
MERGES = [(1, 1, 6, 7), (1, 1, 11, 17)] + [(1, 2, c, c) for c in (0, 1, 2, 3, 4, 5, 8, 9, 10,
                                                                   18, 19)]


def registry_rows(numbers: bool = False) -> list[list[Any]]:
    """Return the export's rows as cells; with `numbers`, gender codes are numbers."""
    rows: list[list[Any]] = [[TITLE] + [None] * (len(TOP) - 1), TOP, LOW]
    for i, p in enumerate(people(), 1):
        rows.append([str(i), "测试县", "测试镇", p["行政村"], p["自然村"], p["户编号"],
                     p["户主姓名"], p["户主证件号码"], str(p["人数"]), p["户联系电话"],
                     p["致贫原因"], p["姓名"], p["性别"] if numbers else str(p["性别"]),
                     p["证件号码"], p["出生日期"], p["与户主关系"], p["在校生状况"], "汉族",
                     "产业帮扶", ""])
    return rows


def write_xlsx(path: Path, rows: list[list[Any]], merges: list[tuple[int, int, int, int]] = (),
               text_columns: tuple[int, ...] = ()) -> Path:
    """Write rows to an .xlsx, merging the (row0, row1, col0, col1) ranges (0-based)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                cell = ws.cell(r, c, value)
                if c - 1 in text_columns:
                    cell.number_format = "@"
    for r0, r1, c0, c1 in merges:
        ws.merge_cells(start_row=r0 + 1, end_row=r1 + 1, start_column=c0 + 1,
                       end_column=c1 + 1)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list[Any]], merges: list[tuple[int, int, int, int]] = ()
              ) -> Path:
    """Write rows to an old-format .xls with xlwt (merged cells hold their value once)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    covered = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1)
               for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
    for r0, r1, c0, c1 in merges:
        sheet.write_merge(r0, r1, c0, c1, rows[r0][c0])
    starts = {(r0, c0) for r0, _, c0, _ in merges}
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered or (r, c) in starts:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
    return path


ENROLMENT_HEADER = ["序号", "学籍号", "姓名", "性别", "身份证件号", "出生日期", "就读学校", "年级",
                    "班级", "就读方式", "是否留守儿童", "是否孤儿", "残疾类型", "是否随班就读",
                    "入学年月"]


def enrolment_rows() -> list[list[Any]]:
    """Return a 学籍 export: three pupils here (two registered), one at another school."""
    other = id_number("2011-11-11", 90, True)
    pupils = [
        ("李小明", "男", ident_of("李小明"), "2010-03-05", SCHOOL, "三年级", "1班", "住校",
         "非留守儿童", "否", "无", "否"),
        ("李小红", "女", ident_of("李小红"), "2012-07-08", SCHOOL, "一年级", "2班", "走读",
         "单亲外出务工", "否", "无", "否"),
        ("周某", "男", other, "2011-11-11", SCHOOL, "二年级", "1班", "走读", "非留守儿童", "否",
         "无", "否"),
        ("张小虎", "男", ident_of("张小虎"), "2005-09-01", OTHER_SCHOOL, "八年级", "3班", "住校",
         "非留守儿童", "是", "肢体残疾", "是"),
    ]
    rows: list[list[Any]] = [["测试县中小学生学籍信息"] + [None] * (len(ENROLMENT_HEADER) - 1),
                             ENROLMENT_HEADER]
    for i, p in enumerate(pupils, 1):
        rows.append([str(i), "G" + p[2], *p, "2016-09"])
    return rows


#: the same households written by hand: what the import must come to
YAML = """\
school:
  name: 测试县测试镇测试小学
  short_name: 测试小学
  county: 测试县
  town: 测试镇
  report_date: 2018-07-10
units:
  - {id: 上组, name: 上组}
  - {id: 下组, name: 下组}
households:
  - id: "5303230101000001"
    head: 李大山
    unit: 上组
    id_number: "%(李大山)s"
    phone: "13900000001"
    members: 5
    cause: 因病
    address: 测试镇测试村上组
    children:
      - {name: 李小明, gender: 男, birth_date: 2010-03-05, id_number: "%(李小明)s",
         stage: 小学, grade: 3, class: 1班, boarding: 是, left_behind: 否, orphan: 否,
         disability: 否}
      - {name: 李小红, gender: 女, birth_date: 2012-07-08, id_number: "%(李小红)s",
         stage: 小学, grade: 1, class: 2班, boarding: 否, left_behind: 是, orphan: 否,
         disability: 否}
  - id: "5303230101000002"
    head: 张二
    unit: 上组
    id_number: "%(张二)s"
    phone: "13900000002"
    members: 3
    cause: 缺劳力
    address: 测试镇测试村上组
    children:
      - {name: 张小虎, gender: 男, birth_date: 2005-09-01, id_number: "%(张小虎)s",
         stage: 初中, grade: 8, class: 3班, boarding: 是, school: 测试县第一中学,
         left_behind: 否, orphan: 是, disability: 是, placement: 随班就读}
      - {name: 张小花, gender: 女, birth_date: 2009-01-02, id_number: "%(张小花)s",
         stage: 未入学}
  - id: "5303230102000003"
    head: 赵三
    unit: 下组
    id_number: "%(赵三)s"
    phone: "13900000003"
    members: 4
    cause: 因学
    address: 测试镇测试村下组
    children:
      - {name: 赵小丽, gender: 女, birth_date: 2013-05-20, id_number: "%(赵小丽)s",
         stage: 学前}
      - {name: 赵小刚, gender: 男, birth_date: 2000-01-01, id_number: "%(赵小刚)s",
         stage: 高校}
"""


def yaml_text() -> str:
    return YAML % {p["姓名"]: p["证件号码"] for p in people()}
