"""GB/T 9704-2012 in numbers: the character and line grid, text width, signature indents.

No Word code here: the template builder, the renderer (for signatures computed at render
time) and the layout checker all read these.
"""

from __future__ import annotations

import unicodedata

ZI = 320            # twips per 字: one 3号 (16 pt) character
LINE = 579          # body line pitch in twips (28.95 pt): 22 lines fill the 225 mm 版心
CHAR_SPACING = -5   # per-character spacing (1/20 pt): 28 characters per 156 mm line
TEXT_WIDTH_MM = 156
SEAL_WIDTH_MM = 42.0

_EMU_PER_TWIP = 635
_EMU_PER_MM = 36000


def text_width(text: str) -> float:
    """Return the width of `text` in 字: CJK and full-width characters 1, others (digits) ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def signature_indents(unit: str, date_text: str, *, seal: bool = False) -> tuple[int, int]:
    """Return (署名 right indent, 成文日期 right indent) in twips, 1 字 = 320.

    Without a seal (§7.3.5.2) the 署名 is 右空二字 and the date starts two 字 right of the
    署名's first character; a longer date is 右空二字 and pushes the 署名 left. With a
    seal (§7.3.5.1) the date is 右空四字 and the 署名 is centred over it.
    """
    w_unit, w_date = text_width(unit), text_width(date_text)
    if seal:
        r_date = 4.0
        r_unit = max(0.0, r_date + (w_date - w_unit) / 2)
    else:
        r_date = max(2.0, w_unit - w_date)
        r_unit = max(2.0, w_date + 4 - w_unit)
    return round(r_unit * ZI), round(r_date * ZI)


def seal_offset(date_text: str, seal_width_mm: float) -> int:
    """Return the seal's left edge from the left margin (EMU), centred over a 右空四字 date."""
    _, r_date = signature_indents("", date_text, seal=True)
    centre = r_date + text_width(date_text) * ZI / 2  # twips from the right margin
    return round(TEXT_WIDTH_MM * _EMU_PER_MM - centre * _EMU_PER_TWIP
                 - seal_width_mm * _EMU_PER_MM / 2)


def signature_context(unit: str, date_text: str, *,
                      seal_width_mm: float = SEAL_WIDTH_MM) -> dict[str, int]:
    """Return the render-time values for the ``signature.*`` placeholders of a template."""
    unit_indent, date_indent = signature_indents(unit, date_text)
    seal_unit_indent, _ = signature_indents(unit, date_text, seal=True)
    return {"unit_indent": unit_indent, "date_indent": date_indent,
            "seal_unit_indent": seal_unit_indent,
            "seal_offset": seal_offset(date_text, seal_width_mm)}
