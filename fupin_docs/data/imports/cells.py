"""Reading one cell as text, refusing numbers that must have been text (IDs, phones, dates)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from fupin_docs.data import values
from fupin_docs.i18n import tr

#: what a column holds, as far as reading its cells goes
TEXT, ID, PHONE, DATE, CODE = "text", "id", "phone", "date", "code"
#: kinds whose cells must be text: a number there has been changed by Excel or by an export
MUST_BE_TEXT = (ID, PHONE, DATE)

_SCIENTIFIC = re.compile(r"[+-]?\d(\.\d+)?[eE][+-]?\d+")
_POINT_ZERO = re.compile(r"\d+\.0+")
_TRIM = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")


class BadCell(Exception):
    """A cell that cannot be read as what its column holds: a message and its fix."""

    def __init__(self, message: str, hint: str, trap: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint
        #: the kind of mistake, so that many cells of one column can be told as one
        self.trap = trap or message


def is_number(value: Any) -> bool:
    """Return True for a cell Excel holds as a number (not a date, not a yes/no)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def shown(number: Any) -> str:
    """Return a number as Excel shows it: at most 15 significant digits, no ".0"."""
    exact = Decimal(f"{float(number):.15g}")
    return f"{exact:f}".rstrip("0").rstrip(".") if "." in f"{exact:f}" else f"{exact:f}"


def trim(value: Any) -> str:
    """Return a text cell without the spaces, zero-width spaces and BOMs pasted around it."""
    return _TRIM.sub("", str(value))


def _number_text(value: Any) -> str:
    """Return a number cell as text (in a column where a number is harmless: 人数, 年级)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shown(value) if isinstance(value, float) else str(value)


def _what(kind: str, label: str) -> str:
    """Return the column as a message names it."""
    return label or {ID: tr("身份证号", "the ID number"), PHONE: tr("电话", "the phone"),
                     DATE: tr("日期", "the date")}.get(kind, tr("该列", "the column"))


def _retype() -> str:
    return tr("请把该列设为文本格式后重新输入", "format the column as Text and type it again")


def _split() -> str:
    return tr("（号码没有丢位时，可选中该列，用“数据 → 分列”，第3步选“文本”一次改好）",
              " (or select the column, Data → Text to Columns, step 3: Text)")


def _number_refused(kind: str, label: str, value: Any) -> BadCell:
    """Return the problem of a number in a column that must hold text."""
    what, digits = _what(kind, label), shown(value)
    if kind in (ID, CODE):
        lost = float(value) >= 1e15  # Excel keeps 15 significant digits: the rest are gone
        why = ("，18位号码存成数字后末几位已丢失" if kind == ID
               else "，超过15位的编号存成数字后末几位已丢失")
        return BadCell(
            tr(f"{what}被存成了数字（Excel 显示为 {digits}）" + (why if lost else "，不是文字"),
               f"{what} was stored as a number ({digits})" +
               (" and has lost its last digits" if lost else "")),
            _retype() if lost else _retype() + _split(), "id-number")
    if kind == DATE:
        return BadCell(tr(f"{what}被存成了数字 {digits}，不是日期或文字",
                          f"{what} was stored as the number {digits}"),
                       _retype() + tr(f"，如 {_as_date_hint(digits)}", "") + _split(),
                       "date-number")
    return BadCell(tr(f"{what}被存成了数字 {digits}，不是文字",
                      f"{what} was stored as the number {digits}"),
                   _retype() + _split(), f"{kind}-number")


def _as_date_hint(digits: str) -> str:
    """Return how the date `digits` (20100503) should be typed, or a sample date."""
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", digits)
    return f"{m[1]}-{m[2]}-{m[3]}" if m else "2010-05-03"


def _text_refused(kind: str, label: str, raw: str) -> BadCell | None:
    """Return the problem of text that shows a number has passed through it, or None."""
    what = _what(kind, label)
    if _SCIENTIFIC.fullmatch(raw):
        return BadCell(tr(f"{what}是科学计数法“{raw}”，号码已不完整",
                          f"{what} is in scientific notation ({raw}); digits are lost"),
                       _retype(), f"{kind}-scientific")
    if _POINT_ZERO.fullmatch(raw):
        return BadCell(tr(f"{what}“{raw}”带着“.0”：它曾被存成数字，导出时成了这样",
                          f"{what} '{raw}' ends in '.0': it was stored as a number"),
                       _retype() + tr(f"（应是“{raw.split('.')[0]}”）",
                                    f" ('{raw.split('.')[0]}')"), f"{kind}-point-zero")
    return None


def cell_text(value: Any, kind: str = TEXT, label: str = "") -> str:
    """Return a non-blank cell as text; raise BadCell for a number (or what a number left
    behind: "13800000000.0", "5.30323E+17") in a column of IDs, phones or dates."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if kind in (ID, PHONE):
            raise BadCell(tr(f"{_what(kind, label)}被 Excel 当成了日期（{value.isoformat()}）",
                             f"{_what(kind, label)} was taken for a date"), _retype(),
                           "as-date")
        return value.isoformat()
    if is_number(value):
        if kind in MUST_BE_TEXT:
            raise _number_refused(kind, label, value)
        if kind == CODE and (float(value) >= 1e15 or not float(value).is_integer()):
            raise _number_refused(CODE, label, value)
        return _number_text(value)
    raw = trim(value)
    if kind in MUST_BE_TEXT or kind == CODE:
        bad = _text_refused(kind, label, values.half_width(raw))
        if bad is not None:
            raise bad
    return raw


def id_text(raw: str) -> str:
    """Return an ID number with a final lower-case x written as X."""
    out = values.half_width(raw).strip()
    return out[:-1] + "X" if re.fullmatch(r"\d{17}x", out) else out


def date_of(value: Any, label: str = "") -> dt.date:
    """Return the date in a cell: an Excel date, or text in any of values.DATE_FORMS."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value, DATE, label)
    try:
        return values.parse_date(raw)
    except values.BadDate as bad:
        if bad.impossible:
            raise BadCell(tr(f"日期不存在：“{raw}”", f"no such date: '{raw}'"),
                          tr("请核对年、月、日（如 2月没有30日）", "check the year, month and day"),
                          "bad-date") from None
        raise BadCell(tr(f"“{raw}”不是日期", f"'{raw}' is not a date"),
                      tr(f"请写成 {values.DATE_FORMS}", "write e.g. 2010-03-05"),
                      "bad-date") from None


def birth_date_in_id(id_number: str) -> dt.date | None:
    """Return the birth date an 18-digit ID number holds, or None."""
    if not re.fullmatch(r"\d{17}[\dX]", id_number):
        return None
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def gender_in_id(id_number: str) -> str | None:
    """Return 男 or 女 as an 18-digit ID number's 17th digit says (odd: 男), or None."""
    if not re.fullmatch(r"\d{17}[\dX]", id_number):
        return None
    return "男" if int(id_number[16]) % 2 else "女"


#: how exports write gender: words, or the codes of GB/T 2261.1 (1 男, 2 女)
GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女", "1": "男", "2": "女"}


def gender_of(raw: str) -> str:
    """Return 男 or 女 for a gender word or code; raise BadCell for anything else."""
    found = GENDERS.get(values.half_width(raw).strip())
    if found is None:
        raise BadCell(tr(f"性别“{raw}”不是 男 或 女", f"gender '{raw}' is not 男 or 女"),
                      tr("请写 男 或 女（也可写代码：1 男、2 女）", "write 男 or 女 (or 1, 2)"),
                      "gender")
    return found


def age_on(born: dt.date, on: dt.date) -> int:
    """Return the age in whole years on a day (as facts.stats counts it)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
