"""Read a 学籍 export: each pupil's 学籍号, school, grade, class, boarding and care flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin_docs.data import values
from fupin_docs.data.imports.cells import CODE, DATE, ID, BadCell, id_text
from fupin_docs.data.imports.headers import (
    Field,
    Layout,
)
from fupin_docs.data.imports.registry import headed_tables
from fupin_docs.data.imports.rows import Row, RowReader
from fupin_docs.data.imports.tables import read_tables
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

F = Field
LAYOUT = Layout(
    ("学籍导出表", "学籍 export"),
    [
        (F("student_no", "学籍号", CODE), ("全国学籍号", "学籍辅号", "省学籍辅号", "国家学籍号",
                                           "个人标识码", "全国学籍号(学籍辅号)")),
        (F("name", "姓名"), ("学生姓名",)),
        (F("gender", "性别"), ()),
        (F("id_number", "身份证件号", ID), ("身份证件号码", "身份证号", "身份证号码", "证件号码",
                                            "公民身份号码", "身份证件号(证件号码)")),
        (F("birth_date", "出生日期", DATE), ()),
        (F("school", "就读学校"), ("学校名称", "学校", "所在学校", "学校(机构)名称",
                                   "就读学校名称")),
        (F("stage", "学段"), ("就读学段",)),
        (F("grade", "年级"), ("年级名称", "就读年级", "所在年级")),
        (F("class", "班级"), ("班级名称", "班级号", "班号", "所在班级")),
        (F("boarding", "就读方式"), ("是否住校", "是否寄宿", "寄宿情况", "是否寄宿生")),
        (F("left_behind", "是否留守儿童"), ("留守儿童", "是否留守", "留守儿童类型")),
        (F("orphan", "是否孤儿"), ("孤儿",)),
        (F("disability", "残疾类型"), ("是否残疾", "残疾人类型", "残疾类别")),
        (F("inclusion", "是否随班就读"), ("随班就读",)),
        (F("migrant", "是否进城务工人员随迁子女"), ("是否随迁子女", "随迁子女",
                                                    "进城务工人员随迁子女")),
    ],
    ("name", "id_number", "grade"),
    frozenset({"序号", "证件类型", "身份证件类型", "民族", "入学年月", "入学方式",
               "是否享受一补", "户口性质", "户口所在地", "户口所在地行政区划", "家庭住址",
               "现住址", "通信地址", "联系电话", "监护人姓名", "监护人", "籍贯", "出生地",
               "港澳台侨外", "政治面貌", "健康状况", "学生来源", "是否独生子女",
               "是否受过学前教育", "是否烈士或优抚子女", "是否需要申请资助", "是否由政府购买学位",
               "上下学距离", "上下学方式", "是否需要乘坐校车", "学生状态", "在校状态", "学籍状态",
               "曾用名", "姓名拼音", "血型", "特长", "电子信箱", "主页地址", "邮政编码",
               "身份证件有效期", "学校标识码", "国籍/地区", "备注", "学号", "班内学号"}),
)

#: how the 学籍 system writes its flags, and the yes/no they mean (read by values.yes_no)
_FLAG_WORDS = {"非留守儿童": "否", "单亲外出务工": "是", "双亲外出务工": "是",
               "非孤儿": "否", "非残疾": "否", "非随迁子女": "否", "非随班就读": "否"}
#: 残疾类型: any type named is a disability
_DISABILITIES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重", "其他残疾", "残疾")
#: 幼儿园 grades
_KINDERGARTEN = ("托班", "小班", "中班", "大班", "学前班")


@dataclass
class Pupil:
    """One pupil of a 学籍 export, read into the fields of a child."""

    file: str
    row: Row
    id_number: str | None
    name: str | None
    school: str | None
    #: child fields (YAML shape) and where each was read
    fields: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class EnrolmentFile:
    """What a 学籍 export holds."""

    name: str
    pupils: list[Pupil]
    problems: list[Problem]
    has_school: bool = False


def read_enrolment(path: Path, name: str) -> EnrolmentFile:
    """Return the pupils of a 学籍 export, and every problem found reading it."""
    tables, problems = read_tables(path, name)
    out = EnrolmentFile(name, [], problems)
    for table, header in headed_tables(tables, LAYOUT, problems):
        out.has_school |= header.has("school")
        for row in RowReader(table, header, problems).rows():
            pupil = _pupil(name, row, problems)
            if pupil is not None:
                out.pupils.append(pupil)
    return out


def _pupil(file: str, row: Row, problems: list[Problem]) -> Pupil | None:
    """Return a row as a pupil, its values read into child fields."""
    got = row.values
    if got.get("name") is None and got.get("id_number") is None:
        return None
    pupil = Pupil(file, row, id_text(got["id_number"]) if got.get("id_number") else None,
                  got.get("name"), got.get("school"))

    def put(key: str, value: Any, source: str) -> None:
        pupil.fields[key] = value
        pupil.cells[key] = row.cells[source]

    readers: dict[str, Any] = {"grade": _grade, "boarding": _flag, "left_behind": _flag,
                               "orphan": _flag, "disability": _disability, "inclusion": _flag,
                               "migrant": _flag, "stage": _stage}
    for source, reader in readers.items():
        raw = got.get(source)
        if raw is None:
            continue
        try:
            found = reader(str(raw))
        except BadCell as bad:
            problems.append(Problem(bad.message, row.cells[source], bad.hint))
            continue
        if source == "grade":
            stage, grade = found
            if grade is not None:
                put("grade", grade, source)
            if stage is not None and "stage" not in pupil.fields:
                put("stage", stage, source)
        elif source == "inclusion":
            if found:
                put("placement", "随班就读", source)
        elif source == "stage":
            put("stage", found, source)
        else:
            put(source, found, source)
    if got.get("class") is not None:
        put("class", got["class"], "class")
    if got.get("student_no") is not None:
        pupil.cells["student_no"] = row.cells["student_no"]
    return pupil


def _flag(raw: str) -> bool:
    """Return a yes/no flag as the 学籍 system writes it (是/否, 住校/走读, 非留守儿童 …)."""
    key = values.half_width(raw).strip()
    found = values.yes_no(_FLAG_WORDS.get(key, key))
    if not isinstance(found, bool):
        raise BadCell(tr(f"“{raw}”不是“是”或“否”", f"'{raw}' is not yes or no"),
                      tr("请写 是 或 否（就读方式写 住校 或 走读）",
                         "write 是 or 否 (住校 or 走读)"), "flag")
    return found


def _disability(raw: str) -> bool:
    """Return whether a 残疾类型 (or 是否残疾) cell names a disability."""
    key = values.half_width(raw).strip()
    if any(word in key for word in _DISABILITIES) and not key.startswith("非"):
        return True
    return _flag(key)


def _stage(raw: str) -> str:
    """Return the stage of a 学段 cell, as the model names it."""
    found = values.stage_name(values.half_width(raw).strip())
    if found not in values.STAGES:
        raise BadCell(tr(f"学段“{raw}”不认识", f"unknown stage '{raw}'"),
                      tr("请写 " + "、".join(values.STAGES[:-1]), "write e.g. 小学"), "stage")
    return str(found)


def _grade(raw: str) -> tuple[str | None, int | None]:
    """Return (stage, grade) of a 学籍 年级: 三年级, 初一, 七年级, 小学三年级, 高二, 大班 …"""
    key = re.sub(r"\s+", "", values.half_width(raw))
    if key in _KINDERGARTEN or key.startswith("幼儿园"):
        return "学前", None
    prefix = next((p for p in ("小学", "初中", "高中", "普通高中") if key.startswith(p)), "")
    rest = key[len(prefix):]
    grade = values.grade_number(rest)
    if prefix in ("初中", "高中", "普通高中") and isinstance(grade, int) and grade <= 3:
        grade += 6 if prefix == "初中" else 9  # 初中一年级 is grade 7
    if not isinstance(grade, int) or isinstance(grade, bool) or not 1 <= grade <= 12:
        raise BadCell(tr(f"年级“{raw}”不认识", f"unknown grade '{raw}'"),
                      tr("请写 一年级、七年级、初一、高二 或数字", "write e.g. 三年级 or 7"),
                      "grade")
    return ("小学" if grade <= 6 else "初中" if grade <= 9 else "高中"), grade
