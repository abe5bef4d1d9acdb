"""WordprocessingML helpers shared by the 公文 builder and the layout checker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml.etree import _Element

# Child order of w:pPr and w:rPr in the schema (ECMA-376 CT_PPrBase / CT_RPr); Word rejects
# files whose property children are out of order, so new children are inserted by rank.
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def set_child(parent: _Element, tag: str, order: tuple[str, ...], **attrs: Any) -> _Element:
    """Return `parent`'s `tag` child, created at its schema position if missing, with `attrs` set.

    Attribute names are given without prefix (``firstLineChars=200`` sets ``w:firstLineChars``).
    """
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        later = {qn(t) for t in order[order.index(tag) + 1:]}
        successor = next((c for c in parent if c.tag in later), None)
        if successor is None:
            parent.append(child)
        else:
            successor.addprevious(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), str(value))
    return child


def rpr_of(element: _Element) -> _Element:
    """Return the w:rPr of a run or style element (created if missing), or `element` itself."""
    if element.tag == qn("w:rPr"):
        return element
    return element.get_or_add_rPr()  # type: ignore[attr-defined]  # python-docx's CT_R, CT_Style


def ppr_of(element: _Element) -> _Element:
    """Return the w:pPr of a paragraph or style element (created if missing)."""
    if element.tag == qn("w:pPr"):
        return element
    return element.get_or_add_pPr()  # type: ignore[attr-defined]  # python-docx's CT_P, CT_Style


def strip_theme(rfonts: _Element) -> None:
    """Remove ``w:*Theme`` attributes from a w:rFonts: Word and LibreOffice let them win."""
    for key in [k for k in rfonts.attrib if str(k).endswith(("Theme", "theme"))]:
        del rfonts.attrib[key]


def set_fonts(element: _Element, east: str, west: str = "Times New Roman") -> None:
    """Set the East Asian and western fonts of a run, style or w:rPr, dropping theme fonts.

    python-docx's ``Font.name`` writes only ascii/hAnsi, so East Asian text would keep the
    theme font; this writes all four slots on a w:rFonts created if missing.
    """
    rfonts = set_child(rpr_of(element), "w:rFonts", RPR_ORDER)
    strip_theme(rfonts)
    for slot, value in (("ascii", west), ("hAnsi", west), ("eastAsia", east), ("cs", west)):
        rfonts.set(qn(f"w:{slot}"), value)


def set_run_props(element: _Element, *, half_points: int | None = None, bold: bool | None = None,
                  spacing: int | None = None) -> None:
    """Set size (half-points), bold and character spacing (twentieths of a point) on an rPr."""
    rpr = rpr_of(element)
    if bold is not None:
        set_child(rpr, "w:b", RPR_ORDER, val=int(bold))
        set_child(rpr, "w:bCs", RPR_ORDER, val=int(bold))
    if spacing is not None:
        set_child(rpr, "w:spacing", RPR_ORDER, val=spacing)
    if half_points is not None:
        set_child(rpr, "w:sz", RPR_ORDER, val=half_points)
        set_child(rpr, "w:szCs", RPR_ORDER, val=half_points)


def no_first_line_indent(element: _Element) -> None:
    """Clear the first-line indent of a paragraph or style (both the 字 and the twips form)."""
    set_child(ppr_of(element), "w:ind", PPR_ORDER, firstLine=0, firstLineChars=0)


def float_picture(r: _Element, x_emu: str, y_emu: int) -> None:
    """Turn the inline picture in run `r` into one floating in front of the text.

    x is measured from the left margin, y from the top of the paragraph.
    """
    inline = r.find(f".//{qn('wp:inline')}")
    if inline is None:
        raise ValueError("the run holds no inline picture")
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0"'
        ' relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:posOffset/></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y_emu}</wp:posOffset>'
        '</wp:positionV></wp:anchor>')
    offset = anchor.find(f"{qn('wp:positionH')}/{qn('wp:posOffset')}")
    extent = inline.find(qn("wp:extent"))
    parent = inline.getparent()
    assert offset is not None and extent is not None and parent is not None  # made just above
    offset.text = x_emu
    anchor.append(extent)
    anchor.append(parse_xml(f'<wp:effectExtent {nsdecls("wp")} l="0" t="0" r="0" b="0"/>'))
    anchor.append(parse_xml(f'<wp:wrapNone {nsdecls("wp")}/>'))
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        child = inline.find(qn(tag))
        if child is not None:
            anchor.append(child)
    parent.replace(inline, anchor)


Getter = Callable[[_Element], Any]


class Resolver:
    """Resolve effective run and paragraph properties: direct → style chain → docDefaults.

    Numbering and table-style contributions are ignored; the checker does not need them.
    """

    def __init__(self, styles_root: _Element):
        self.styles = {s.get(qn("w:styleId")): s for s in styles_root.iterfind(qn("w:style"))}
        self.default_para = next(
            (sid for sid, s in self.styles.items()
             if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")),
            None)
        defaults = styles_root.find(qn("w:docDefaults"))
        self.default_rpr = None if defaults is None else defaults.find(
            f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.default_ppr = None if defaults is None else defaults.find(
            f"{qn('w:pPrDefault')}/{qn('w:pPr')}")

    def chain(self, style_id: str | None) -> Iterator[_Element]:
        """Yield the style `style_id` and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(qn("w:basedOn"))
            style_id = None if based is None else based.get(qn("w:val"))

    def para_style_id(self, p: _Element) -> str | None:
        """Return the paragraph's style id, or the default paragraph style's."""
        ps = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return self.default_para if ps is None else ps.get(qn("w:val"))

    def style_name(self, style_id: str | None) -> str:
        """Return the display name of a style ("" if unknown)."""
        style = self.styles.get(style_id or "")
        name = None if style is None else style.find(qn("w:name"))
        return "" if name is None else name.get(qn("w:val"), "")

    def para_levels(self, p: _Element) -> list[_Element]:
        """Return the w:pPr elements that apply to paragraph `p`, nearest first."""
        levels = [p.find(qn("w:pPr"))]
        levels += [s.find(qn("w:pPr")) for s in self.chain(self.para_style_id(p))]
        levels.append(self.default_ppr)
        return [lv for lv in levels if lv is not None]

    def run_levels(self, p: _Element, r: _Element) -> list[_Element]:
        """Return the w:rPr elements that apply to run `r` in paragraph `p`, nearest first."""
        rpr = r.find(qn("w:rPr"))
        levels = [rpr]
        rstyle = None if rpr is None else rpr.find(qn("w:rStyle"))
        if rstyle is not None:
            levels += [s.find(qn("w:rPr")) for s in self.chain(rstyle.get(qn("w:val")))]
        levels += [s.find(qn("w:rPr")) for s in self.chain(self.para_style_id(p))]
        levels.append(self.default_rpr)
        return [lv for lv in levels if lv is not None]

    @staticmethod
    def first(levels: list[_Element], getter: Getter) -> Any:
        """Return the first non-None value `getter` finds in `levels`."""
        for level in levels:
            value = getter(level)
            if value is not None:
                return value
        return None


def font_getter(slot: str) -> Getter:
    """Return a getter for a w:rFonts slot ("eastAsia", "ascii"); theme fonts give "theme:…"."""
    theme_attr = qn("w:cstheme") if slot == "cs" else qn(f"w:{slot}Theme")

    def get(rpr: _Element) -> str | None:
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            return None
        theme = rfonts.get(theme_attr)
        if theme:
            return "theme:" + theme
        return rfonts.get(qn(f"w:{slot}"))
    return get


def val_getter(tag: str, attr: str = "val") -> Getter:
    """Return a getter for the attribute `attr` of child `tag` (e.g. w:sz/@w:val)."""
    def get(props: _Element) -> str | None:
        child = props.find(qn(tag))
        return None if child is None else child.get(qn(f"w:{attr}"))
    return get


def toggle_getter(tag: str) -> Getter:
    """Return a getter for an on/off property such as w:b (absent val means on)."""
    def get(rpr: _Element) -> bool | None:
        child = rpr.find(qn(tag))
        if child is None:
            return None
        return child.get(qn("w:val"), "1") not in ("0", "false", "off")
    return get


def attrs_getter(tag: str, names: tuple[str, ...]) -> Getter:
    """Return a getter giving {name: value} of `names` on child `tag`, or None if none is set."""
    def get(props: _Element) -> dict[str, str] | None:
        child = props.find(qn(tag))
        if child is None:
            return None
        found = {n: value for n in names if (value := child.get(qn(f"w:{n}"))) is not None}
        return found or None
    return get


def as_int(value: Any) -> int | None:
    """Return `value` as an int, or None when it is missing or not a number (a Jinja tag)."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None
