"""The columns a roster (花名册) may have: their headers, the field each fills, how cells read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from fupin_docs.data import values
from fupin_docs.i18n import tr


@dataclass(frozen=True)
class Column:
    """A model field a roster column fills: on the household or on the child."""

    level: str  # "household" or "child"
    key: str  # the key in the YAML shape of Household / Child
    label: str  # the header named in messages


def _col(level: str, key: str, *names: str) -> tuple[Column, tuple[str, ...]]:
    """Return a column and its headers; the first header is the one messages use."""
    return Column(level, key, names[0]), names


_COLUMNS = [
    _col("household", "id", "户编号", "户号"),
    _col("household", "head", "户主姓名", "户主", "户主名"),
    _col("household", "id_number", "户主身份证号", "身份证号(户主)", "户主身份证号码"),
    _col("household", "phone", "联系电话", "电话", "手机号", "手机", "手机号码", "联系方式"),
    _col("household", "unit", "所在村/连队", "所在村", "所在连队", "自然村", "连队", "村组",
         "所在自然村", "所在村组"),
    _col("household", "address", "家庭住址", "住址"),
    _col("household", "members", "家庭人口", "人口", "家庭人口数", "家庭人数"),
    _col("household", "cause", "致贫原因"),
    _col("child", "name", "子女姓名", "学生姓名"),
    _col("child", "gender", "性别"),
    _col("child", "birth_date", "出生日期", "出生年月"),
    _col("child", "id_number", "学生身份证号", "学生身份证号码", "子女身份证号"),
    _col("child", "stage", "学段", "就读学段"),
    _col("child", "grade", "年级", "就读年级"),
    _col("child", "class", "班级", "就读班级"),
    _col("child", "boarding", "是否寄宿", "寄宿", "寄宿生", "是否寄宿生"),
    _col("child", "school", "就读学校"),
    _col("child", "out_of_county", "是否县外就读", "县外就读"),
    _col("child", "left_behind", "是否留守", "留守儿童", "是否留守儿童"),
    _col("child", "single_parent", "是否单亲", "单亲", "是否单亲家庭", "单亲家庭"),
    _col("child", "disability", "是否残疾", "残疾", "是否残疾儿童"),
    _col("child", "orphan", "是否孤儿", "孤儿"),
    _col("child", "migrant", "是否随迁", "随迁子女", "是否随迁子女"),
    _col("child", "placement", "安置方式", "残疾儿童安置方式"),
    _col("child", "id", "学生编号"),
]
SYNONYMS: dict[str, Column] = {name: col for col, names in _COLUMNS for name in names}
ALL_COLUMNS: list[Column] = [col for col, _ in _COLUMNS]
# 身份证号 alone is the head's before 子女姓名 and the child's after it
AMBIGUOUS_ID = {"身份证号", "身份证号码", "身份证"}
CHILD_NAME = SYNONYMS["子女姓名"]
IGNORED = {"序号", "序"}  # row numbers: every form has them, nothing to warn about
REQUIRED: list[Column] = [SYNONYMS[n] for n in ("户编号", "户主姓名", "所在村/连队", "子女姓名",
                                                "性别", "学段")]


_AMBIGUOUS = "ambiguous id"


def normalise(cell: Any) -> str:
    """Return a header cell as a lookup key: half-width, no spaces, no 必填 or * marks."""
    if cell is None:
        return ""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(cell))).strip("*")
    return re.sub(r"\((必填|选填|可选)\)$", "", key).strip("*")


def lookup(cell: Any) -> Column | str | None:
    """Return the column a header names, "ambiguous id" for a bare 身份证号, or None."""
    key = normalise(cell)
    for candidate in (key, re.sub(r"\([^()]*\)$", "", key)):  # 家庭人口(人) is 家庭人口
        if candidate in SYNONYMS:
            return SYNONYMS[candidate]
        if candidate in AMBIGUOUS_ID:
            return _AMBIGUOUS
    return None


def find_header(rows: list[list[Any]]) -> tuple[int, list[Any], int] | None:
    """Return the header row's index, its cells and the first data row's index, or None.

    The header row is the first with at least 3 known headers, so a title row may sit above it.
    When the row below names columns under group titles (子女信息 → 子女姓名、性别 …), the two
    rows together are the header.
    """
    top = next((i for i, row in enumerate(rows)
                if sum(1 for c in row if lookup(c) is not None) >= 3), None)
    if top is None:
        return None
    header = list(rows[top])
    below = list(rows[top + 1]) if top + 1 < len(rows) else []
    width = max(len(header), len(below))
    header += [None] * (width - len(header))
    below += [None] * (width - len(below))
    lower = [i for i, v in enumerate(below) if lookup(v) is not None and lookup(header[i]) is None]
    if len(lower) < 2:
        return top, header, top + 1
    return top, [v if lookup(v) is not None else h for h, v in zip(header, below)], top + 2


@dataclass
class HeaderMap:
    """What each column of a header row means."""

    columns: dict[int, Column]  # 0-based column index -> field
    unknown: list[int]  # columns whose header is not known
    repeated: list[int]  # columns naming a field an earlier column already fills


def map_headers(cells: list[Any]) -> HeaderMap:
    """Return the meaning of each non-empty header cell in `cells`."""
    found = {i: lookup(c) for i, c in enumerate(cells) if normalise(c)}
    name_col = next((i for i, c in found.items() if c == CHILD_NAME), None)
    result = HeaderMap({}, [], [])
    seen: set[Column] = set()
    for i, named in found.items():
        if isinstance(named, str):  # a bare 身份证号: the child's after 子女姓名, else the head's
            child = name_col is not None and i > name_col
            named = SYNONYMS["学生身份证号" if child else "户主身份证号"]
        col = named
        if col is None:
            result.unknown.append(i)
        elif col in seen:
            result.repeated.append(i)
        else:
            seen.add(col)
            result.columns[i] = col
    return result


class BadCell(Exception):
    """A cell that cannot be read as what its column holds."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def text(value: Any) -> str:
    """Return a cell as text: whole numbers without ".0", dates as 2010-03-05, no outer spaces."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date()
    # pasted text often carries zero-width spaces and BOMs around it
    return re.sub(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$", "", str(value))


def is_blank(value: Any) -> bool:
    """Return whether a cell is empty or only spaces."""
    return value is None or (isinstance(value, str) and text(value) == "")


_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")


def _id_number(value: Any) -> str:
    """Return an ID number as text, refusing one Excel has stored as a number."""
    # Excel keeps 15 significant digits: a longer number has lost its last digits for good
    if (isinstance(value, float) and value >= 1e15) or _SCIENTIFIC.fullmatch(text(value)):
        raise BadCell(tr("身份证号被 Excel 存成了数字，末几位已丢失，请把该列设为文本后重新输入",
                         "the ID number was stored as a number and lost its last digits"),
                      tr("选中该列 → 设置单元格格式 → 文本，再逐个重新输入身份证号",
                         "format the column as Text and type the numbers again"))
    out = text(value)
    return out[:-1] + "X" if re.fullmatch(r"\d{17}x", out) else out


def _phone(value: Any) -> str:
    """Return a phone number as its digits, even when Excel stored it as a number."""
    if _SCIENTIFIC.fullmatch(text(value)):
        raise BadCell(tr(f"联系电话被存成了科学计数法（{text(value)}），号码已不完整",
                         f"the phone number was stored in scientific notation ({text(value)})"),
                      tr("把该列设为文本后重新输入号码", "format the column as Text and retype it"))
    return text(value)


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's serial dates (after its 1900 bug)


def _excel_serial(number: float) -> dt.date:
    """Return the date of an Excel serial number (days since 1899-12-30)."""
    if not 1 <= number < 2958466:  # 9999-12-31
        raise ValueError(number)
    if number < 60:  # Excel believes 1900 was a leap year: its first two months are one day off
        number += 1
    return (_EXCEL_EPOCH + dt.timedelta(days=number)).date()


def _date(value: Any) -> Any:
    """Return a date from an Excel date, an Excel serial number or the ways people write one;
    other text as it is: the model says what is wrong with it, as it does for YAML."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    digits = values.half_width(raw)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if (number and len(raw) != 8) or re.fullmatch(r"\d{5}(\.\d+)?", digits):  # 8 digits: 20100305
        try:
            return _excel_serial(float(digits))
        except (ValueError, OverflowError):
            pass
    try:
        date = values.parse_date(digits)
    except values.BadDate:
        return raw
    return date if getattr(date, "has_day", True) else raw  # a month: the model explains


def _grade(value: Any) -> Any:
    """Return a grade from 3, "3", "3年级" or "三年级"; a grade written with its stage (初一,
    高二) or no grade at all as it is: the model maps it and names the stage, or says what is
    wrong, as it does for YAML."""
    found = values.grade_spelling(value)
    return found[1] if found is not None and found[0] is None else text(value)


def _members(value: Any) -> Any:
    """Return a household size from 4, "4" or "4人"; other text as it is."""
    key = unicodedata.normalize("NFKC", text(value)).removesuffix("人").removesuffix("口")
    return int(key) if key.isdigit() else text(value)  # anything else: the model says what


def _yes_no(value: Any) -> Any:
    """Return True or False for the yes/no words of data.values; other text as it is."""
    found = values.yes_no(value)
    return found if isinstance(found, bool) else text(value)


_READERS = {"id_number": _id_number, "phone": _phone, "birth_date": _date, "grade": _grade,
            "members": _members, "boarding": _yes_no, "out_of_county": _yes_no,
            "left_behind": _yes_no, "single_parent": _yes_no, "disability": _yes_no}


def read_cell(column: Column, value: Any) -> Any:
    """Return a non-blank cell as the YAML value of `column`; raise BadCell if it cannot be."""
    return _READERS.get(column.key, text)(value)
