"""Checks for resident ID numbers (GB 11643-1999 checksum, birth date) and phone numbers."""

from __future__ import annotations

import datetime as dt
import re

from fupin_docs.i18n import tr

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def birth_date_of(id_number: str) -> dt.date | None:
    """Return the birth date encoded in an 18-digit ID number, or None if it is not a date."""
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_problems(id_number: str, birth_date: dt.date | None = None) -> list[str]:
    """Return what is wrong with an ID number (empty when it is valid)."""
    text = id_number.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return [tr(f"身份证号 “{id_number}” 应为18位（最后一位可为X）",
                   f"ID number '{id_number}' should have 18 characters")]
    problems = []
    if check_digit(text[:17]) != text[17]:
        problems.append(tr(f"身份证号 “{id_number}” 校验位不对，可能抄错了某一位",
                           f"ID number '{id_number}' fails its checksum"))
    born = birth_date_of(text)
    if born is None:
        problems.append(tr(f"身份证号 “{id_number}” 中的出生日期不存在",
                           f"ID number '{id_number}' holds an impossible birth date"))
    elif birth_date is not None and born != birth_date:
        problems.append(tr(f"身份证号中的出生日期 {born.isoformat()} 与填写的出生日期 "
                           f"{birth_date.isoformat()} 不一致",
                           f"the ID's birth date {born} differs from birth_date {birth_date}"))
    return problems


def phone_ok(phone: str) -> bool:
    """Return True for an 11-digit mobile number or a landline with area code."""
    text = re.sub(r"[\s()（）]", "", phone)
    return bool(_MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text))
