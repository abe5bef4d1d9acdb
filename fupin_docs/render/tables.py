"""Whether a template's tables need docxtpl's fix_tables after each render, and the XML a
render would have after fix_tables' parse and serialization when nothing in it changes.

docxtpl's fix_tables parses the whole document and writes it again (a quarter of a notice's
render). It only changes the column grid when a row can gain or lose cells; rows repeated or
dropped by ``{%tr %}`` are copies of rows that already fit the grid. For those templates the
grid is left alone and only lxml's way of writing is reproduced, which a few string passes do
exactly for the XML Jinja makes from a Word template; anything unusual takes the parse.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROW_TAG = re.compile(r"\{[%{#]-?\s*tr\s")
#: an element with nothing inside: lxml writes it self-closed (possessive: no backtracking)
_EMPTY = re.compile(r"<([^\s<>/]++)([^<>]*+)></\1>")
#: what lxml would write differently from how it is here: a character reference or entity
#: other than the three lxml writes, a raw ">" in text, "\n" "\t" "\r" (normalised by the
#: parser) and other control characters, comments, CDATA, declarations, namespace
#: declarations, odd spacing or quoting in a tag (or the same in text: then parse, to be
#: safe). Separate scans: one pattern with alternatives is several times slower.
_UNUSUAL = (re.compile("[\x00-\x1f\ufffe\uffff]"), re.compile(r"&(?!amp;|lt;|gt;)"),
            re.compile(r"<[!?]"), re.compile(r">[^<]*+>"), re.compile(r"[ =][ />=']"),
            re.compile("xmlns"))
#: in a value Jinja escapes: what makes its escaped text other than lxml would write it
_UNUSUAL_CHARS = re.compile("[\x00-\x1f\ufffe\uffff\"']")
#: Jinja constructs; those that may reach outside the part or print its text otherwise
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_REACHES_OUT = re.compile(r"\{%-?\s*(?:include|import|from|extends|raw|filter|autoescape)\b")
_IN_TAG = re.compile(r"<[^<>]*>")
#: a tag as lxml writes it, a value printed inside an attribute's quotes at most
_CANONICAL_TAG = re.compile(r'</?[\w:.-]+(?: [\w:.-]+="[^"<>]*")*/?>')
_EXPRESSION, _STATEMENT = "\ue000", "\ue001"
_TABLE_START = re.compile(r"<w:tbl[ >]")
_ROW_START = re.compile(r"<w:tr[ >]")


def _span(cell: etree._Element) -> int:
    """Return how many grid columns a cell takes (docxtpl's get_cell_len)."""
    span = cell.find(f"{_W}tcPr/{_W}gridSpan")
    return 1 if span is None else int(span.get(f"{_W}val", "x"))


def _is_row_tag(row: etree._Element) -> bool:
    """Return True when a table row holds a ``{%tr %}`` tag (docxtpl replaces it by the tag)."""
    return bool(_ROW_TAG.search("".join(str(text) for text in row.itertext())))


def grid_fixed_by_rows(document: str) -> bool:
    """Return True when every row of every table in the template `document` (the whole
    document.xml, tags still in) that is not a ``{%tr %}`` tag row fills exactly its table's
    grid: then rows repeated or dropped by ``{%tr %}`` never change the grid."""
    try:
        root = etree.fromstring(document.encode("utf-8"))
        for table in root.iter(f"{_W}tbl"):
            grid = table.find(f"{_W}tblGrid")
            if grid is None:
                return False
            columns = len(grid.findall(f"{_W}gridCol"))
            for row in table.iter(f"{_W}tr"):  # nested rows too, as fix_tables counts them
                if _is_row_tag(row):
                    continue
                if sum(_span(cell) for cell in row.findall(f"{_W}tc")) != columns:
                    return False
    except (etree.XMLSyntaxError, ValueError):
        return False
    return True


def cells_outside_row_tags(document: str) -> int:
    """Return how many cells the template `document` has outside ``{%tr %}`` tag rows (what
    docxtpl's preprocessing leaves of them when no tag turns a cell into a tag)."""
    root = etree.fromstring(document.encode("utf-8"))
    cells = sum(1 for _ in root.iter(f"{_W}tc"))
    for row in root.iter(f"{_W}tr"):
        if _is_row_tag(row):
            cells -= sum(1 for _ in row.iter(f"{_W}tc"))
    return cells


def _every_table_has_rows(xml: str) -> bool:
    """Return True when each table of `xml` keeps a row and none is nested (fix_tables would
    empty the grid of a table left without rows); looked at per table, not per row."""
    at = 0
    while (table := _TABLE_START.search(xml, at)) is not None:
        end = xml.find("</w:tbl>", table.end())
        if end < 0 or _TABLE_START.search(xml, table.end(), end) is not None:
            return False
        if _ROW_START.search(xml, table.end(), end) is None:
            return False
        at = end
    return True


def unusual_xml(xml: str) -> bool:
    """Return True when `xml` holds something lxml would write otherwise (see _UNUSUAL)."""
    return any(pattern.search(xml) for pattern in _UNUSUAL)


def unusual_text(text: str) -> bool:
    """Return True when `text`, escaped by Jinja, is not what lxml would write."""
    return _UNUSUAL_CHARS.search(text) is not None


def unusual_value(value: object) -> bool:
    """Return True when `value`, printed by a Word template (escaped, or as its own XML when
    it has some), may give XML lxml would write otherwise; anything unknown may."""
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date)):
        return False
    html = getattr(value, "__html__", None)
    if html is not None:
        return unusual_xml(str(html()))
    return unusual_text(value) if isinstance(value, str) else True


def plain_skeleton(source: str) -> bool:
    """Return True when the Jinja source of a part can only print XML lxml writes as it is,
    given values that are not unusual_value: its own text has nothing unusual, no statement
    sits inside an XML tag and no expression outside an attribute's quotes, and nothing
    reaches outside the part (include, import) or prints its text otherwise (raw, filter,
    autoescape)."""
    if _REACHES_OUT.search(source):
        return False
    skeleton = _JINJA.sub(lambda m: _EXPRESSION if m.group(0).startswith("{{") else _STATEMENT,
                          source)
    for tag in _IN_TAG.findall(skeleton):
        if _STATEMENT in tag or (_EXPRESSION in tag and not _CANONICAL_TAG.fullmatch(tag)):
            return False
    text = (skeleton.replace(_EXPRESSION, "").replace(_STATEMENT, "")
            .replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>"))
    return not unusual_xml(text)


def as_lxml_writes(xml: str, values_checked: bool = False) -> str | None:
    """Return the body XML `xml` as parsing and serializing it with lxml would give it, or
    None when it holds something these string passes do not reproduce (then parse).

    With `values_checked`, the part's source is a plain_skeleton and no value printed was
    unusual: the whole body need not be scanned again.
    """
    if (not values_checked and unusual_xml(xml)) or not _every_table_has_rows(xml):
        return None
    return _EMPTY.sub(r"<\1\2/>", xml)
