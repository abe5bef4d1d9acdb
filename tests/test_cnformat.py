"""Tests for the Chinese format filters in fupin_docs.cnformat."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_docs import cnformat as cf


@pytest.fixture(autouse=True)
def _chinese_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin messages to Chinese whatever the test machine's locale is."""
    monkeypatch.setattr("fupin_docs.i18n._chosen", "zh")


# ---------------------------------------------------------------- rmb_upper

RMB_VECTORS = [
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    (10, "壹拾元整"),
    (0, "零元整"),
    ("0.01", "壹分"),
    ("0.1", "壹角整"),
    ("0.5", "伍角整"),
    ("1.005", "壹元零壹分"),  # half up, not banker's rounding
    ("0.999", "壹元整"),
    (100000000, "壹亿元整"),
    (100010000, "壹亿零壹万元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    (1750, "壹仟柒佰伍拾元整"),
    (10000, "壹万元整"),
    (100000, "壹拾万元整"),
    (1001, "壹仟零壹元整"),
    (1010, "壹仟零壹拾元整"),
    ("200000.30", "贰拾万元叁角整"),
    (1000000000000, "壹万亿元整"),
    (11, "壹拾壹元整"),
    # choices and extra corners
    ("1.50", "壹元伍角整"),  # 整 written after 角 when 分 is 0
    ("10.01", "壹拾元零壹分"),
    ("0.05", "伍分"),
    (10001, "壹万零壹元整"),
    (100100, "壹拾万零壹佰元整"),
    (1001000, "壹佰万壹仟元整"),
    (105000, "壹拾万伍仟元整"),
    ("1000000000.05", "壹拾亿元零伍分"),
    # 亿位 is 0 but 千万位 is not: like 万位 in 107000.53, the rules let 零 be left out
    (1000012340000, "壹万亿壹仟贰佰叁拾肆万元整"),
    (1000001230000, "壹万亿零壹佰贰拾叁万元整"),
    (1234567890123, "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元整"),
    ("  42 ", "肆拾贰元整"),
]


@pytest.mark.parametrize(("amount", "expected"), RMB_VECTORS)
def test_rmb_upper_vectors(amount: object, expected: str) -> None:
    assert cf.rmb_upper(amount) == expected
    if isinstance(amount, str):
        assert cf.rmb_upper(Decimal(amount)) == expected


def test_rmb_upper_refuses_float() -> None:
    with pytest.raises(TypeError, match="浮点数"):
        cf.rmb_upper(1.5)


@pytest.mark.parametrize("amount", [-1, "-0.01", Decimal("-0.001")])
def test_rmb_upper_refuses_negative(amount: object) -> None:
    with pytest.raises(ValueError, match="负数"):
        cf.rmb_upper(amount)


@pytest.mark.parametrize(("amount", "error", "word"), [
    ("abc", ValueError, "不是数字"),
    ("", ValueError, "不是数字"),
    ("NaN", ValueError, "有限"),
    (Decimal("Infinity"), ValueError, "有限"),
    (10**16, ValueError, "过大"),
    (None, TypeError, "必须是数字"),
    (True, TypeError, "浮点数|数字"),
])
def test_bad_amounts(amount: object, error: type[Exception], word: str) -> None:
    with pytest.raises(error, match=word):
        cf.rmb_upper(amount)


def test_english_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fupin_docs.i18n._chosen", "en")
    with pytest.raises(TypeError, match="float"):
        cf.yuan(0.5)


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_upper(text: str) -> Decimal:
    """Read 大写 back into a Decimal with the textbook stack method (independent of cnformat)."""
    total = section = number = 0
    cents = 0
    for ch in text:
        if ch in _DIGIT:
            number = _DIGIT[ch]
        elif ch in _SMALL:
            section += number * _SMALL[ch]
            number = 0
        elif ch == "万":
            section = (section + number) * 10**4
            number = 0
        elif ch == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
        elif ch == "元":
            total += section + number
            section = number = 0
        elif ch == "角":
            cents += number * 10
            number = 0
        elif ch == "分":
            cents += number
            number = 0
        else:
            assert ch == "整", ch
    return Decimal(total) + Decimal(cents) / 100


_zero_heavy = st.builds(
    lambda digits, cents: Decimal("".join(digits)) + Decimal(cents) / 100,
    st.lists(st.sampled_from("0000000159"), min_size=1, max_size=16),
    st.integers(0, 99),
)
_amounts = st.one_of(
    st.decimals(min_value=0, max_value=10**15, places=3, allow_nan=False, allow_infinity=False),
    st.integers(0, 10**16 - 1).map(Decimal),
    _zero_heavy,
)


@given(_amounts)
def test_rmb_upper_reads_back(amount: Decimal) -> None:
    text = cf.rmb_upper(amount)
    assert _parse_upper(text) == amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert not text.startswith("拾")
    assert "分整" not in text
    assert text.endswith(("整", "分"))
    assert "零零" not in text
    if text != "零元整":
        assert not text.startswith("零")
        # a 零 always stands before a digit, never before a unit
        assert all(text[i + 1] in "壹贰叁肆伍陆柒捌玖" for i, c in enumerate(text) if c == "零")
    for unit in "拾佰仟":
        assert unit not in text or text[text.index(unit) - 1] in "壹贰叁肆伍陆柒捌玖"


# ---------------------------------------------------------------- yuan, money, 万元

@pytest.mark.parametrize(("amount", "y", "m"), [
    (1750, "1750元", "1750.00"),
    (Decimal("16409.02"), "16409.02元", "16409.02"),
    ("0.5", "0.50元", "0.50"),
    ("0", "0元", "0.00"),
    ("1750.00", "1750元", "1750.00"),
    ("2.005", "2.01元", "2.01"),
    ("-0.001", "0元", "0.00"),
    ("-12.5", "-12.50元", "-12.50"),
    (Decimal("1E+3"), "1000元", "1000.00"),
])
def test_yuan_and_money(amount: object, y: str, m: str) -> None:
    assert cf.yuan(amount) == y
    assert cf.money(amount) == m


@pytest.mark.parametrize(("amount", "precision", "expected"), [
    (1500000, 2, "150"),
    (456000, 2, "45.6"),
    (Decimal("23548.9"), 2, "2.35"),
    (0, 2, "0"),
    (12345, 0, "1"),
    (15000, 0, "2"),  # half up
    ("125", 3, "0.013"),
    ("-0.1", 2, "0"),
])
def test_wan_and_wanyuan(amount: object, precision: int, expected: str) -> None:
    assert cf.wan(amount, precision) == expected
    assert cf.wanyuan(amount, precision) == expected + "万元"


def test_wanyuan_default_precision_and_errors() -> None:
    assert cf.wanyuan(1500000) == "150万元"
    with pytest.raises(TypeError, match="浮点数"):
        cf.wanyuan(1500000.0)
    with pytest.raises(ValueError, match="小数位数"):
        cf.wan(1, -1)
    with pytest.raises(TypeError, match="小数位数"):
        cf.wan(1, 1.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- numerals, grades, letters

@pytest.mark.parametrize(("n", "expected"), [
    (0, "零"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (101, "一百零一"),
    (110, "一百一十"), (1000, "一千"), (10001, "一万零一"), (100000000, "一亿"),
    (100000, "十万"), (10010, "一万零一十"), (1000000000, "十亿"), (31, "三十一"),
])
def test_cn_number(n: int, expected: str) -> None:
    assert cf.cn_number(n) == expected
    assert cf.cn_ordinal(n) == expected


@pytest.mark.parametrize(("n", "error"), [(-1, ValueError), (1.0, TypeError), ("3", TypeError),
                                          (True, TypeError)])
def test_cn_number_refuses(n: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="数字"):
        cf.cn_number(n)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "expected"), [(1, "一年级"), (7, "七年级"), (10, "十年级"),
                                             (12, "十二年级")])
def test_grade_name(n: int, expected: str) -> None:
    assert cf.grade_name(n) == expected


@pytest.mark.parametrize("n", [0, 13])
def test_grade_name_range(n: int) -> None:
    with pytest.raises(ValueError, match="年级"):
        cf.grade_name(n)


def test_letter_and_join() -> None:
    assert [cf.letter(i) for i in (1, 2, 26)] == ["A", "B", "Z"]
    with pytest.raises(ValueError, match="字母"):
        cf.letter(27)
    assert cf.join_cn(["语文", "数学", None, "", 3]) == "语文、数学、3"
    assert cf.join_cn(["甲", "乙"], sep="，") == "甲，乙"
    assert cf.join_cn("单项") == "单项"
    assert cf.join_cn([]) == ""


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(("value", "style", "expected"), [
    ("2018-07-01", "ymd", "2018年7月1日"),
    (dt.date(2018, 7, 1), "ymd", "2018年7月1日"),
    (dt.datetime(2018, 7, 1, 9, 30), "ymd", "2018年7月1日"),
    ("2018-07", "ym", "2018年7月"),
    ("2018-07-01", "ym", "2018年7月"),
    ("2018-07-01", "y", "2018年"),
    ("2018-07-01", "cn_ymd", "二〇一八年七月一日"),
    ("2018-12-31", "cn_ymd", "二〇一八年十二月三十一日"),
    ("2020-10-20", "cn_ymd", "二〇二〇年十月二十日"),
    ("2018-07", "cn_ym", "二〇一八年七月"),
    ("2018-7-1", "ymd", "2018年7月1日"),
])
def test_cn_date(value: object, style: str, expected: str) -> None:
    assert cf.cn_date(value, style) == expected  # type: ignore[arg-type]


def test_ym_ymd_shortcuts() -> None:
    assert cf.ym("2018-07-01") == "2018年7月"
    assert cf.ymd(dt.date(2018, 12, 31)) == "2018年12月31日"


@pytest.mark.parametrize(("value", "style", "error", "word"), [
    ("2018-07", "ymd", ValueError, "没有日"),
    ("2018-07", "cn_ymd", ValueError, "没有日"),
    ("2018-13-01", "ymd", ValueError, "无法识别"),
    ("2018-02-30", "ymd", ValueError, "无法识别"),
    ("2018年7月", "ymd", ValueError, "无法识别"),
    (20180701, "ymd", TypeError, "日期"),
    ("2018-07-01", "md", ValueError, "日期样式"),
])
def test_cn_date_refuses(value: object, style: str, error: type[Exception], word: str) -> None:
    with pytest.raises(error, match=word):
        cf.cn_date(value, style)  # type: ignore[arg-type]


# ---------------------------------------------------------------- masking

@pytest.mark.parametrize(("value", "expected"), [
    ("110101199003071234", "110101********1234"),
    ("11010119900307123X", "110101********123X"),
    ("110101900307123", "110101*****7123"),  # old 15-digit IDs: same first 6 / last 4 rule
    (110101900307123, "110101*****7123"),
    ("12345", "*****"),  # too short to show anything safely
    ("", ""),
    (None, ""),
])
def test_mask_id(value: object, expected: str) -> None:
    assert cf.mask_id(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("13812345678", "138****5678"),
    (13812345678, "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("0874-1234567", "0874-*****67"),
    ("010-12345678", "010-******78"),
    ("1234567", "*****67"),
    ("", ""),
    (None, ""),
])
def test_mask_phone(value: object, expected: str) -> None:
    assert cf.mask_phone(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("上扯村，电话13812345678", "上扯村，电话138****5678"),
    ("电话 138 1234 5678。", "电话 138****5678。"),
    ("138-1234-5678/13900000002", "138****5678/139****0002"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("村委 0874-1234567", "村委 0874-*****67"),
    ("北京 010 12345678", "北京 010 ******78"),
    ("08741234567", "0874*****67"),
    ("电话：１３８１２３４５６７８", "电话：１３８****５６７８"),  # typed full-width
    ("０８７４－１２３４５６７", "０８７４－*****６７"),
    # not phone numbers: an ID number, longer or shorter runs, dates, house numbers, 邮编
    ("身份证110101199003071234", "身份证110101199003071234"),
    ("13812345678901", "13812345678901"),
    ("1381234567", "1381234567"),
    ("2018-07-12 上扯村3组12号 邮编655700", "2018-07-12 上扯村3组12号 邮编655700"),
    ("", ""),
    (None, ""),
])
def test_mask_phones_in_text(text: object, expected: str) -> None:
    assert cf.mask_phones(text) == expected


# ---------------------------------------------------------------- registration

def test_filters_table_and_register() -> None:
    assert set(cf.FILTERS) == {
        "rmb_upper", "yuan", "money", "wanyuan", "wan", "cn_number", "cn_ordinal", "cn_date",
        "ym", "ymd", "mask_id", "mask_phone", "grade_name", "letter", "join_cn", "cn_count",
        "keep", "bare", "title_lines"}
    env = jinja2.Environment(autoescape=False)
    cf.register(env)
    template = env.from_string(
        "{{ a|rmb_upper }}|{{ a|yuan }}|{{ b|wanyuan(1) }}|{{ 3|cn_ordinal }}|"
        "{{ d|cn_date('cn_ym') }}|{{ d|ymd }}|{{ p|mask_phone }}|{{ xs|join_cn }}")
    out = template.render(a=Decimal("16409.02"), b=456000, d="2018-07-01", p="13812345678",
                          xs=["A", "B"])
    assert out == ("壹万陆仟肆佰零玖元零贰分|16409.02元|45.6万元|三|二〇一八年七月|"
                   "2018年7月1日|138****5678|A、B")
