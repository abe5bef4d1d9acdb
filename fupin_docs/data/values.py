"""The spellings secretaries use, defined once so YAML and rosters accept exactly the same.

Dates, yes/no words, stages, grades, money, control characters, and "is this a path or a
name": each rule lives here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from fupin_docs.i18n import tr

# ---------------------------------------------------------------- characters

#: characters that are not text (a pasted bell, a form feed) and halves of a character (a lone
#: surrogate, written as "\\ud800" in YAML); they would break a Word file or its name
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
#: characters that print as nothing or turn the text around (zero-width, bidi overrides): a name
#: holding one looks like another name, and sorts and searches differently
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def control_character(text: str) -> str | None:
    """Return the first control character (or lone surrogate) in `text`, or None."""
    found = CONTROL.search(text)
    return found.group() if found else None


def control_message(char: str, where: str) -> str:
    """Return what a message says of a control character or lone surrogate found `where`."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return tr(f"{where}有半个字符（U+{code:04X}，单独的代理码元），不是有效的文字",
                  f"a lone surrogate U+{code:04X} in the text")
    return tr(f"{where}有不可见的控制字符（U+{code:04X}）",
              f"control character U+{code:04X} in the text")


def invisible_character(text: str) -> str | None:
    """Return the first zero-width or direction-changing character in `text`, or None."""
    found = INVISIBLE.search(text)
    return found.group() if found else None


def half_width(text: str) -> str:
    """Return `text` with full-width digits, letters and signs made half-width (NFKC)."""
    return unicodedata.normalize("NFKC", text)


class BadValue(ValueError):
    """A value that cannot be read as what its field holds.

    A message shows it as <what>“<value>”<verdict>, e.g. 出生日期“2010-02-30”不存在, whether it
    came from YAML or from a roster cell; `hint` says how to write it.
    """

    def __init__(self, verdict: str, hint: str | None = None) -> None:
        super().__init__(verdict)
        self.verdict, self.hint = verdict, hint


# ---------------------------------------------------------------- yes / no

#: every way a yes/no cell or value is written; case does not matter
YES_WORDS = frozenset({"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "有", "寄宿", "住校", "留守",
                       "单亲", "残疾", "县外"})
NO_WORDS = frozenset({"否", "×", "✗", "N", "NO", "0", "FALSE", "无", "不是", "走读", "非留守",
                      "县内", ""})


def yes_no(value: Any) -> Any:
    """Return True or False for the words of YES_WORDS / NO_WORDS; anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = half_width(value).strip().upper()
        if key in YES_WORDS:
            return True
        if key in NO_WORDS:
            return False
    return value


#: the yes/no words a message suggests
YES_NO_FORMS = "是/否、√/×、1/0、Y/N、有/无"


def read_yes_no(value: Any) -> bool:
    """Return True or False for a yes/no word; raise BadValue for anything else."""
    found = yes_no(value)
    if isinstance(found, bool):
        return found
    raise BadValue(tr("应填 是 或 否", "should be yes or no"),
                   tr(f"写 是 或 否（也可写 {YES_NO_FORMS}）",
                      "write 是 or 否 (or √/×, 1/0, Y/N, 有/无)"))


# ---------------------------------------------------------------- stages and grades

#: school stages as written in the data, in school order; 未入学 is enrolled nowhere
STAGES = ("学前", "小学", "初中", "高中", "中职", "高校", "未入学")
#: other names for them; 辍学 means enrolled nowhere
STAGE_ALIASES = {"幼儿园": "学前", "学前教育": "学前", "普通高中": "高中", "大学": "高校",
                 "大专": "高校", "高职": "高校", "本科": "高校", "中专": "中职", "职高": "中职",
                 "中等职业教育": "中职", "辍学": "未入学", "失学": "未入学"}


def stage_name(value: Any) -> Any:
    """Return the canonical stage name for an alias; anything else unchanged."""
    if isinstance(value, str):
        text = value.strip()
        return STAGE_ALIASES.get(text, text)
    return value


_CN_NUMBERS = {n: i for i, n in enumerate("一 二 三 四 五 六 七 八 九 十 十一 十二".split(), 1)}
#: grades written with their stage: 初一 is grade 7, 高一 grade 10 (grades run 1–12)
_STAGE_GRADES = {"初": ("初中", 6), "高": ("高中", 9)}
#: a stage written before a grade: 小学三年级, 初中一年级 (its grades count from its first)
_STAGE_PREFIXES = {"小学": ("小学", 0), "初中": ("初中", 6), "普通高中": ("高中", 9),
                   "高中": ("高中", 9)}
#: stages whose grades may be written 高一 …: 中职 counts its years as 高中 does
_SAME_GRADES = {"高中": ("高中", "中职")}
#: how a grade may be written, for messages
GRADE_FORMS = "3、三年级、初一、高二"


def grade_spelling(value: Any) -> tuple[str | None, int] | None:
    """Return (the stage the spelling names, grade 1–12 as the data counts them) for 3, "3",
    "3年级", "三年级", "七年级", "初一", "高二", "小学三年级" or "初中一年级"; the stage is None
    when only a number is written; None when `value` is no grade at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return None, value
    if not isinstance(value, str):
        return None
    key = re.sub(r"\s+", "", half_width(value))
    stage, offset = next((named for prefix, named in _STAGE_PREFIXES.items()
                          if key.startswith(prefix) and key != prefix), (None, 0))
    if stage is not None:
        key = key[len(next(p for p in _STAGE_PREFIXES if key.startswith(p))):]
    key = key.removesuffix("年级")
    if re.fullmatch(r"\d{1,2}", key):
        number = int(key)
    elif key in _CN_NUMBERS:
        number = _CN_NUMBERS[key]
    elif stage is None and len(key) == 2 and key[0] in _STAGE_GRADES and key[1] in "一二三":
        stage, offset = _STAGE_GRADES[key[0]]
        number = _CN_NUMBERS[key[1]]
    else:
        return None
    if stage is not None and stage != "小学" and number > 3:
        return None  # 初中五年级 is no grade
    return stage, number + offset


def grade_number(value: Any) -> Any:
    """Return a grade 1–12 from 3, "3", "3年级", "三年级", "初一" or "高二"; else unchanged."""
    found = grade_spelling(value)
    return value if found is None else found[1]


def read_grade(value: Any, stage: Any = None) -> int:
    """Return the grade 1–12 written in any of GRADE_FORMS; raise BadValue for anything else,
    and for a grade whose spelling names a stage other than `stage` (初一 with 小学)."""
    found = grade_spelling(value)
    if found is None:
        raise BadValue(tr("不是年级", "is not a grade"),
                       tr(f"写成 {GRADE_FORMS}（年级按 1–12 计：初一为 7，高一为 10）；"
                          "班级另写在班级（class）里",
                          "write 3, 三年级, 初一 or 高二 (grades count 1–12); the class goes "
                          "under class"))
    named, grade = found
    given = getattr(stage, "value", stage)
    if named is not None and isinstance(given, str) and given \
            and stage_name(given) not in _SAME_GRADES.get(named, (named,)):
        raise BadValue(tr(f"是{named}的年级，与学段“{given}”不一致",
                          f"is a grade of {named}, but the stage is {given}"),
                       tr(f"把学段改为{named}，或把年级改为{given}的年级",
                          f"make the stage {named}, or give a grade of {given}"))
    return grade


def infer_stage(child: Any) -> Any:
    """Return a child's mapping with its stage taken from a grade written with one (初一 →
    初中) when no stage is written; anything else unchanged."""
    if not isinstance(child, dict):
        return child
    stage = child.get("stage")
    if stage is None or (isinstance(stage, str) and not stage.strip()):
        found = grade_spelling(child.get("grade"))
        if found is not None and found[0] is not None:
            return {**child, "stage": found[0]}
    return child


# ---------------------------------------------------------------- dates


class DocDate(dt.date):
    """A date that remembers whether a day was written (2018-07 has none: print 2018年7月)."""

    has_day = True


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?|月)?"
                   r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
#: how a date may be written, for messages
DATE_FORMS = "2010-03-05、2010/3/5、2010.3.5、2010年3月5日 或 20100305"


class BadDate(ValueError):
    """Text that is not a date (`impossible`: it names a day that does not exist)."""

    def __init__(self, text: str, impossible: bool = False) -> None:
        super().__init__(text)
        self.text, self.impossible = text, impossible


def parse_date(value: Any) -> dt.date:
    """Return a date from a date or from text in any of DATE_FORMS (month-only allowed).

    A DocDate is returned for text; its `has_day` says whether a day was written.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    text = half_width(raw)
    m = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not m:
        raise BadDate(raw)
    try:
        date = DocDate(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        raise BadDate(raw, impossible=True) from None
    date.has_day = m[3] is not None
    return date


def read_date(value: Any, *, day: bool = False) -> dt.date:
    """Return a date written in any of DATE_FORMS, or (unless `day`: a birth date) a month;
    raise BadValue saying what is wrong."""
    try:
        date = parse_date(value)
    except BadDate as bad:
        if bad.impossible:
            raise BadValue(tr("不存在", "does not exist"),
                           tr("请核对年、月、日（如 2月没有30日）",
                              "check the year, month and day")) from None
        raise BadValue(tr("不是日期", "is not a date"),
                       tr(f"请写成 {DATE_FORMS}" + ("" if day else "；只写年月也可以，如 2018-07"),
                          "write e.g. 2010-03-05" + ("" if day else " or 2018-07"))) from None
    if day and not getattr(date, "has_day", True):
        raise BadValue(tr("只写到月，出生日期要写到日", "has no day; a birth date needs one"),
                       tr(f"写成 年-月-日，如 {date.year}-{date.month:02d}-05",
                          f"write the day too, e.g. {date.year}-{date.month:02d}-05"))
    return date


# ---------------------------------------------------------------- money

MONEY_LIMIT = Decimal(10) ** 12  # beyond any school figure; also what 大写 can spell out


def parse_money(value: Any) -> Decimal:
    """Return `value` as yuan: accepts 1750, "1750元", "1,750.00", "150万元", "150万".

    Amounts are kept to the 分: a third decimal is a typing error, not a price. Anything else
    raises BadValue.
    """
    how = tr("写数字，如 1750 或 “150万元”", "write a number, e.g. 1750 or 150万元")
    if isinstance(value, bool):
        raise BadValue(tr("不是金额", "is not an amount"), how)
    if isinstance(value, float):
        value = repr(value)  # YAML gave a float; its repr is the digits the user typed
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = half_width(value).strip().replace(",", "").replace(" ", "")
        factor = Decimal(1)
        for suffix, mult in (("万元", 10000), ("万", 10000), ("元", 1)):
            if text.endswith(suffix):
                text, factor = text[: -len(suffix)], Decimal(mult)
                break
        try:
            amount = Decimal(text) * factor
        except InvalidOperation:
            raise BadValue(tr("不是金额", "is not an amount"), how) from None
    else:
        raise BadValue(tr("应是数字", "should be a number"), how)
    if not amount.is_finite():
        raise BadValue(tr("不是金额", "is not an amount"), how)
    if amount < 0:
        raise BadValue(tr("不能是负数", "cannot be negative"),
                       tr("写不带负号的金额", "write the amount without a minus sign"))
    if amount >= MONEY_LIMIT:
        raise BadValue(tr("过大（应小于一万亿元）", "is too large"),
                       tr("请检查是否多写了零", "check for extra zeros"))
    if amount != amount.quantize(Decimal("0.01")):
        raise BadValue(tr("有三位以上小数，金额只到分（两位小数）",
                          "has more than two decimals; amounts go to the fen"),
                       tr("最多写两位小数，如 1750.50", "at most two decimals, e.g. 1750.50"))
    return amount


# ---------------------------------------------------------------- file names

#: characters Windows forbids in file names (output.naming replaces each with "_")
FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: names Windows keeps for devices, whatever the extension
FILE_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                           *(f"LPT{i}" for i in range(1, 10))})
#: how many characters of a unit's name, a household id and a head a file name keeps
NAME_PART = 30


def file_name_part(text: str, limit: int = NAME_PART) -> str:
    """Return `text` as a part of a file name (output.naming.safe_name): forbidden characters
    become "_", leading and trailing spaces and dots go, a device name gets a "_" in front,
    and only `limit` characters are kept."""
    name = FILE_FORBIDDEN.sub("_", text).strip(" .")
    if name.upper().split(".")[0] in FILE_RESERVED:
        name = "_" + name
    return name[:limit] or "_"


def file_name_key(name: str) -> str:
    """Return `name` as file systems compare names: case ignored (Windows, macOS), accented
    letters composed or not the same (macOS)."""
    return unicodedata.normalize("NFC", name).casefold()


# ---------------------------------------------------------------- references


def looks_like_path(ref: str) -> bool:
    """Return True when `ref` (a pack, say) is written as a path rather than as a name."""
    return ref.startswith(".") or any(sep in ref for sep in ("/", "\\")) or (
        len(ref) > 1 and ref[1] == ":")  # C:…


__all__ = ["CONTROL", "DATE_FORMS", "GRADE_FORMS", "BadDate", "BadValue", "DocDate",
           "FILE_FORBIDDEN", "FILE_RESERVED", "MONEY_LIMIT", "NAME_PART", "NO_WORDS", "STAGES",
           "STAGE_ALIASES", "YES_NO_FORMS", "YES_WORDS", "INVISIBLE", "control_character",
           "control_message", "file_name_key", "file_name_part", "invisible_character",
           "grade_number", "grade_spelling", "half_width", "infer_stage", "looks_like_path",
           "parse_date", "parse_money", "read_date", "read_grade", "read_yes_no", "stage_name",
           "yes_no"]
