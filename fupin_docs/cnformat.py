"""Chinese formats shared by all templates: 大写 amounts, 万元, numerals, dates, masking."""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import jinja2

from fupin_docs.i18n import tr

_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = "拾佰仟万亿"
_LOWER_DIGITS = "零一二三四五六七八九"
_LOWER_UNITS = "十百千万亿"
_YEAR_DIGITS = "〇一二三四五六七八九"
_CENT = Decimal("0.01")
# 1 亿亿: above this nothing real is counted in 元, and Decimal's 28-digit context stays exact.
_MAX_AMOUNT = Decimal(10) ** 16


# ---------------------------------------------------------------- numbers in words

def _section(n: int, digits: str, units: str) -> str:
    """Return 0 < n < 10000 in words; a run of zeros between digits becomes one 零."""
    out: list[str] = []
    zero = False
    for pos in (3, 2, 1, 0):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)  # trailing zeros are never read, so only flag, don't write yet
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + ("", *units[:3])[pos])
    return "".join(out)


def _int_words(n: int, digits: str, units: str, drop_one_ten: bool) -> str:
    """Return positive `n` in words, split at 亿 then 万 so 万亿, 亿亿 … come out right."""
    if n >= 10**8:
        (high, low), big, gap = divmod(n, 10**8), units[4], 10**7
    elif n >= 10**4:
        (high, low), big, gap = divmod(n, 10**4), units[3], 10**3
    else:
        text = _section(n, digits, units)
        # Counting words say 十一, not 一十一, but only at the very start of the number.
        return text[1:] if drop_one_ten and 10 <= n < 20 else text
    text = _int_words(high, digits, units, drop_one_ten) + big
    if low:
        # A gap right below 万/亿 (e.g. 1,0001) needs 零; low's own zeros are its business.
        text += (digits[0] if low < gap else "") + _int_words(low, digits, units, False)
    return text


def _check_count(n: object, what: str) -> int:
    """Return `n` if it is a non-negative int, else raise with a Chinese message."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(tr(f"{what}必须是整数，收到的是 {n!r}",
                           f"{what} must be an integer, got {n!r}"))
    if n < 0:
        raise ValueError(tr(f"{what}不能是负数：{n}", f"{what} must not be negative: {n}"))
    return n


def cn_number(n: int) -> str:
    """Return a count or ordinal in Chinese numerals: 0→零, 11→十一, 101→一百零一."""
    _check_count(n, tr("数字", "number"))
    return _LOWER_DIGITS[0] if n == 0 else _int_words(n, _LOWER_DIGITS, _LOWER_UNITS, True)


#: Heading numbers (一、二、…十一、) are plain Chinese numerals.
cn_ordinal = cn_number


# ---------------------------------------------------------------- money

def _decimal(amount: object) -> Decimal:
    """Return `amount` (Decimal, int or numeric str) as a finite Decimal; floats are refused."""
    if isinstance(amount, (float, bool)):
        # A float has already lost cents (0.1 + 0.2); money must arrive as Decimal/int/str.
        raise TypeError(tr(f"金额不能是浮点数 {amount!r}，请用 Decimal、整数或数字字符串",
                           f"an amount must not be a float ({amount!r}); use Decimal, int or str"))
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(tr(f"金额“{amount}”不是数字", f"amount {amount!r} is not a number")) \
                from None
    else:
        raise TypeError(tr(f"金额必须是数字，收到的是 {type(amount).__name__}：{amount!r}",
                           f"an amount must be a number, got {type(amount).__name__}: {amount!r}"))
    if not value.is_finite():
        raise ValueError(tr(f"金额“{amount}”不是有限数字", f"amount {amount!r} is not finite"))
    if abs(value) >= _MAX_AMOUNT:
        raise ValueError(tr(f"金额过大：{amount}", f"amount too large: {amount}"))
    return value


def _cents(amount: object) -> Decimal:
    """Return the amount rounded half up to 分, with -0.00 made 0.00."""
    q = _decimal(amount).quantize(_CENT, ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def rmb_upper(amount: Decimal | int | str) -> str:
    """Return the amount in 大写 by the banking rules: 16409.02 → 壹万陆仟肆佰零玖元零贰分.

    Choices where the rules allow either form: 整 is written after 角 when 分 is 0
    (1.50 → 壹元伍角整); no 零 is written when a 元/万/亿 digit is 0 but the digit after it is
    not (107000.53 → 壹拾万柒仟元伍角叁分); amounts under one 元 start at 角/分 (0.01 → 壹分);
    1e12 → 壹万亿元整. Leading 拾 is always 壹拾. Amounts from 1 亿亿 up are refused.
    """
    value = _decimal(amount)
    if value < 0:
        raise ValueError(tr(f"大写金额不能是负数：{amount}",
                            f"an amount in words must not be negative: {amount}"))
    cents = int(_cents(value) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    d = _UPPER_DIGITS
    if cents == 0:
        return "零元整"
    text = _int_words(yuan, d, _UPPER_UNITS, False) + "元" if yuan else ""
    if jiao:
        text += d[jiao] + "角"
    elif fen and yuan:
        text += "零"  # 元 then 分 with no 角 between needs 零: 叁佰贰拾伍元零肆分
    return text + (d[fen] + "分" if fen else "整")


def yuan(amount: Decimal | int | str) -> str:
    """Return the amount with 元 for running text: 1750 → 1750元, 16409.02元, 0.5 → 0.50元."""
    q = _cents(amount)
    # No thousands separators: Chinese official text writes 16409.02元.
    return (f"{q:.0f}" if q == q.to_integral_value() else f"{q:f}") + "元"


def money(amount: Decimal | int | str) -> str:
    """Return the amount with exactly two decimals and no unit, for table cells: 1750 → 1750.00."""
    return f"{_cents(amount):f}"


def wan(amount_yuan: Decimal | int | str, precision: int = 2) -> str:
    """Return 元 as 万 without the unit, rounded half up, trailing zeros trimmed: 456000 → 45.6."""
    _check_count(precision, tr("小数位数", "precision"))
    if precision > 8:
        raise ValueError(tr(f"小数位数最多 8 位：{precision}",
                            f"precision is at most 8: {precision}"))
    # scaleb shifts the exponent exactly, so there is no rounding before the one we want.
    q = _decimal(amount_yuan).scaleb(-4).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
    text = f"{abs(q) if q == 0 else q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wanyuan(amount_yuan: Decimal | int | str, precision: int = 2) -> str:
    """Return 元 as 万元 text: 1500000 → 150万元, 23548.9 → 2.35万元, 0 → 0万元."""
    return wan(amount_yuan, precision) + "万元"


# ---------------------------------------------------------------- dates

_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_STYLES = ("ymd", "ym", "y", "cn_ymd", "cn_ym")


def _parse_date(value: object) -> tuple[int, int, int | None]:
    """Return (year, month, day or None) from a date, datetime or ISO string like 2018-07(-01)."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year, value.month, value.day
    if not isinstance(value, str):
        raise TypeError(tr(f"日期必须是日期或“2018-07-01”样式的文字，收到的是 {value!r}",
                           f"a date must be a date or text like 2018-07-01, got {value!r}"))
    m = _ISO.fullmatch(value.strip())
    try:
        if m is None:
            raise ValueError
        year, month = int(m[1]), int(m[2])
        day = int(m[3]) if m[3] else None
        _dt.date(year, month, day or 1)  # checks month 1–12 and the day within that month
    except ValueError:
        raise ValueError(tr(f"日期“{value}”无法识别，应写作 2018-07-01 或 2018-07",
                            f"date {value!r} not understood; write 2018-07-01 or 2018-07")) \
            from None
    return year, month, day


def cn_date(value: _dt.date | str, style: str = "ymd") -> str:
    """Return the date in Chinese in `style`.

    ymd 2018年7月1日, ym 2018年7月, y 2018年, cn_ymd 二〇一八年七月一日, cn_ym 二〇一八年七月.
    """
    if style not in _STYLES:
        raise ValueError(tr(f"未知的日期样式“{style}”，可用：{'、'.join(_STYLES)}",
                            f"unknown date style {style!r}; use one of {', '.join(_STYLES)}"))
    year, month, day = _parse_date(value)
    if style.endswith("ymd") and day is None:
        raise ValueError(tr(f"日期“{value}”没有日，不能按“{style}”样式写出",
                            f"date {value!r} has no day, so style {style!r} cannot be used"))
    if style.startswith("cn_"):
        y = "".join(_YEAR_DIGITS[int(c)] for c in str(year))  # years are read digit by digit
        text = f"{y}年{cn_number(month)}月"
        return text + f"{cn_number(day)}日" if style == "cn_ymd" and day is not None else text
    if style == "y":
        return f"{year}年"
    return f"{year}年{month}月" + (f"{day}日" if style == "ymd" else "")


def ym(value: _dt.date | str) -> str:
    """Return the year and month: 2018年7月."""
    return cn_date(value, "ym")


def ymd(value: _dt.date | str) -> str:
    """Return the full date: 2018年7月1日."""
    return cn_date(value, "ymd")


# ---------------------------------------------------------------- masking

def mask_id(s: object) -> str:
    """Return an ID number with only its first 6 and last 4 characters shown (15- or 18-digit).

    Anything of 10 characters or fewer is starred completely: there is nothing safe to show.
    """
    text = "" if s is None else str(s).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(s: object) -> str:
    """Return a phone number masked: mobile 138****5678, landline 0874-*****67.

    A mobile (11 digits from 1, spaces and dashes ignored) keeps its first 3 and last 4 digits;
    anything else keeps the area code before its first dash and its last 2 characters.
    """
    text = "" if s is None else str(s).strip()
    compact = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"1\d{10}", compact):
        return compact[:3] + "****" + compact[-4:]
    if "-" in text:
        area, _, number = text.partition("-")
        area += "-"
    else:
        area, number = "", text
    keep = 2 if len(number) > 2 else 0  # a 1–2 character "number" is hidden completely
    return area + "*" * (len(number) - keep) + number[len(number) - keep:]


#: a phone number written into other text: a mobile (11 digits from 1, in groups of 3-4-4 or
#: not, perhaps after +86) or a landline with its area code (0874-1234567, 010 12345678); not
#: part of a longer number (an ID number holds 11 digits from 1 too). Digits typed with a
#: Chinese input method may be full-width: \d takes them, and 1, 0 and +86 are given both ways.
_SEP = "[ \u3000\\-－]"
_PHONE_IN_TEXT = re.compile(
    rf"(?<![\d+＋])(?P<cc>[+＋]?[8８][6６]{_SEP}?)?"
    rf"(?P<mobile>[1１]\d{{2}}{_SEP}?\d{{4}}{_SEP}?\d{{4}})(?!\d)"
    rf"|(?<!\d)(?P<area>[0０]\d{{2,3}})(?P<sep>{_SEP}?)(?P<local>\d{{7,8}})(?!\d)")


def _mask_found(m: re.Match[str]) -> str:
    """Return one phone number found in text, masked as mask_phone masks a phone field."""
    if m["mobile"]:
        digits = re.sub(r"\D", "", m["mobile"])
        return (m["cc"] or "") + digits[:3] + "****" + digits[-4:]
    local = m["local"]
    return m["area"] + m["sep"] + "*" * (len(local) - 2) + local[-2:]


def mask_phones(s: object) -> str:
    """Return text with every phone number in it masked: 住址：上扯村，电话 13812345678 →
    住址：上扯村，电话 138****5678; a landline 0874-1234567 → 0874-*****67.

    For free text (an address, a name) that documents for families or the public show: the
    phone fields themselves are masked by mask_phone.
    """
    text = "" if s is None else str(s)
    return _PHONE_IN_TEXT.sub(_mask_found, text) if any(c.isdigit() for c in text) else text


# ---------------------------------------------------------------- lists and grades

def grade_name(n: int) -> str:
    """Return the grade for 1–12: 1 → 一年级, 12 → 十二年级."""
    _check_count(n, tr("年级", "grade"))
    if not 1 <= n <= 12:
        raise ValueError(tr(f"年级应在 1–12 之间：{n}", f"grade must be between 1 and 12: {n}"))
    return cn_number(n) + "年级"


def letter(i: int) -> str:
    """Return the list letter for 1–26: 1 → A, 26 → Z."""
    _check_count(i, tr("序号", "index"))
    if not 1 <= i <= 26:
        raise ValueError(tr(f"字母序号应在 1–26 之间：{i}", f"letter index must be 1 to 26: {i}"))
    return chr(ord("A") + i - 1)


@functools.lru_cache(maxsize=65536)  # names, stages and policy items come back every record
def text_width(text: str) -> float:
    """Return the width of `text` in 字: CJK and full-width characters 1, others (digits) ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text
               if ch != "\u2060")


def cn_count(n: int) -> str:
    """Return a count before a measure word: 2 → 两 (两个教学班), otherwise as cn_number."""
    return "两" if _check_count(n, tr("数字", "number")) == 2 else cn_number(n)


# ---------------------------------------------------------------- text on paper


class Keep(str):
    """Text that must stay on one line on paper: a name, a phone number, an ID, a grade."""

    __slots__ = ()


def keep(value: object) -> Keep:
    """Return `value` as text that Word may not break across lines."""
    return value if isinstance(value, Keep) else Keep("" if value is None else str(value))


class Bare(str):
    """Text printed exactly as it is: in a table column sized to hold it, nothing can break it,
    and Word's search finds it as typed."""

    __slots__ = ()


def bare(value: object) -> Bare:
    """Return `value` as text printed without line-break protection (see Bare)."""
    return Bare("" if value is None else str(value))


#: where a title may break: after the unit that issues it, before what it is about
_TITLE_AFTER = ("学校", "小学", "中学", "完小", "县", "镇", "乡", "团", "师", "局", "村")
_TITLE_BEFORE = ("教育", "关于", "工作", "典型", "汇报", "致")


def title_lines(text: str, width: float = 20) -> str:
    """Return a title broken into balanced lines of at most `width` 字 (GB/T 9704 §7.3.1).

    2号 characters fill 20 to a 156 mm line: a longer title is broken where the words allow,
    with lines as even as possible (梯形), never leaving one character alone.
    """
    text = str(text).strip()
    if "\n" in text or text_width(text) <= width:
        return text
    lines = -(-text_width(text) // width)  # how many lines it needs
    out: list[str] = []
    rest = text
    while lines > 1 and text_width(rest) > width:
        target = text_width(rest) / lines
        best, score = 1, float("inf")
        for cut in range(2, len(rest) - 1):
            head, tail = rest[:cut], rest[cut:]
            if text_width(head) > width:
                break
            natural = head.endswith(_TITLE_AFTER) or tail.startswith(_TITLE_BEFORE)
            cost = abs(text_width(head) - target) + (0 if natural else 2.5)
            if cost < score:
                best, score = cut, cost
        out.append(rest[:best])
        rest, lines = rest[best:], lines - 1
    return "\n".join(out + [rest])


def join_cn(items: Iterable[object], sep: str = "、") -> str:
    """Return the items joined with 、 (or `sep`); None and empty items are skipped."""
    if isinstance(items, str):
        return items  # a single string is one item, not a list of characters
    return sep.join(str(x) for x in items if x is not None and str(x) != "")


FILTERS: dict[str, Callable[..., str]] = {
    "rmb_upper": rmb_upper, "yuan": yuan, "money": money, "wanyuan": wanyuan, "wan": wan,
    "cn_number": cn_number, "cn_ordinal": cn_ordinal, "cn_date": cn_date, "ym": ym, "ymd": ymd,
    "mask_id": mask_id, "mask_phone": mask_phone, "grade_name": grade_name, "letter": letter,
    "join_cn": join_cn, "cn_count": cn_count, "keep": keep, "bare": bare,
    "title_lines": title_lines,
}


def register(env: jinja2.Environment) -> None:
    """Add every filter in FILTERS to `env`, replacing any of the same name."""
    env.filters.update(FILTERS)
