"""GB/T 9704-2012 in numbers: the character and line grid, text width, signature indents.

No Word code here: the template builder, the renderer (for signatures computed at render
time) and the layout checker all read these.
"""

from __future__ import annotations

from dataclasses import dataclass

from fupin_docs.cnformat import text_width

ZI = 320            # twips per 字: one 3号 (16 pt) character
LINE = 579          # body line pitch in twips (28.95 pt): 22 lines fill the 225 mm 版心
CHAR_SPACING = -5   # per-character spacing (1/20 pt): 28 characters per 156 mm line
TEXT_WIDTH_MM = 156
SEAL_WIDTH_MM = 42.0

_EMU_PER_TWIP = 635
_EMU_PER_MM = 36000


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


#: twips per point; 1 字 of a font of `pt` points is pt * 20 twips wide
TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4
#: a cell's left and right margins (Word's default 0.19 cm each) plus a little slack
CELL_PADDING = 2 * 108 + 60


@dataclass(frozen=True)
class Column:
    """What a table column will hold, for sizing it: its texts, whether they may wrap."""

    texts: tuple[str, ...]
    #: True: a text never breaks (a name, a grade, an amount); False: it may wrap
    keep: bool = True
    #: the font size of the column's cells, in points
    pt: float = 10.5
    #: the narrowest a wrapping column may get, in 字
    min_chars: float = 4


def fit_widths(columns: list[Column], total: int) -> list[int]:
    """Return column widths in twips that add up to `total`, sized to what the columns hold.

    Every column first gets the width of its widest text; when that does not fit, the
    columns whose texts may wrap give way, down to their minimum, in proportion to what
    they asked for. A column of unbreakable texts is never narrower than its widest text
    unless even the minimums do not fit (then all are scaled down alike).
    """
    need, least = [], []
    for col in columns:
        widest = max((text_width(t) for t in col.texts), default=1.0)
        want = widest * col.pt * TWIPS_PER_PT + CELL_PADDING
        need.append(want)
        least.append(want if col.keep else min(want, col.min_chars * col.pt * TWIPS_PER_PT
                                              + CELL_PADDING))
    if sum(need) <= total:
        spare = total - sum(need)
        widths = [n + spare * n / sum(need) for n in need]
    elif sum(least) <= total:
        give = sum(n - m for n, m in zip(need, least))
        short = sum(need) - total
        widths = [n - (n - m) * short / give for n, m in zip(need, least)]
    else:
        # the texts that may wrap go narrower than asked (down to 2 字) before any
        # unbreakable text is squeezed
        floor = [m if col.keep else 2 * col.pt * TWIPS_PER_PT + CELL_PADDING
                 for col, m in zip(columns, least)]
        kept = sum(m for col, m in zip(columns, least) if col.keep)
        wrap_least = sum(m for col, m in zip(columns, least) if not col.keep)
        if sum(floor) <= total and wrap_least:
            room = total - kept
            widths = [m if col.keep else m * room / wrap_least
                      for col, m in zip(columns, least)]
        else:
            widths = [m * total / sum(least) for m in least]
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)  # the rounding goes to the last column
    return out
