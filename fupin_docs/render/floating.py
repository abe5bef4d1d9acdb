"""A picture at a fixed place on the page that takes no room: a pack's logo in a page header.

It renders like an InlineImage (its part and relationship named by its bytes) but anchored in
front of the text with no wrapping, so however tall it is, the header never grows and the body
never moves: a form laid out to fit one page still fits.
"""

from __future__ import annotations

import re
from typing import IO, Any

from docx.shared import Length
from lxml import etree

from fupin_docs.render.images import InlineImage, Picture

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_INLINE = re.compile(r"<wp:inline\b.*</wp:inline>", re.DOTALL)


class FloatingImage(InlineImage):
    """A picture whose top-left corner is `left` (EMU) right of the left margin and `top` (EMU)
    below the top of the page, in front of the text; sized as an InlineImage."""

    def __init__(self, image: bytes | IO[bytes] | Picture, width: Length | int | None = None,
                 height: Length | int | None = None, description: str = "", *, left: int = 0,
                 top: int = 0) -> None:
        super().__init__(image, width, height, description)
        self.left, self.top = left, top

    def __html__(self) -> str:
        return _INLINE.sub(lambda m: anchored(m.group(0), self.left, self.top),
                           super().__html__(), count=1)


def anchored(inline_xml: str, left: int, top: int) -> str:
    """Return the wp:anchor that places the picture of `inline_xml` (a wp:inline) at (left,
    top): from the margin across, from the page down; no wrapping, in front of the text."""
    inline = etree.fromstring(inline_xml)
    anchor = etree.Element(f"{{{_WP}}}anchor", nsmap=inline.nsmap)  # type: ignore[arg-type]
    for name, value in (("distT", "0"), ("distB", "0"), ("distL", "0"), ("distR", "0"),
                        ("simplePos", "0"), ("relativeHeight", "251659264"),
                        ("behindDoc", "0"), ("locked", "0"), ("layoutInCell", "1"),
                        ("allowOverlap", "1")):
        anchor.set(name, value)
    etree.SubElement(anchor, f"{{{_WP}}}simplePos", x="0", y="0")
    for axis, relative, offset in (("positionH", "margin", left), ("positionV", "page", top)):
        position = etree.SubElement(anchor, f"{{{_WP}}}{axis}", relativeFrom=relative)
        etree.SubElement(position, f"{{{_WP}}}posOffset").text = str(offset)
    children: dict[str, Any] = {etree.QName(child).localname: child for child in inline}
    anchor.append(children["extent"])
    etree.SubElement(anchor, f"{{{_WP}}}effectExtent", l="0", t="0", r="0", b="0")
    etree.SubElement(anchor, f"{{{_WP}}}wrapNone")
    for name in ("docPr", "cNvGraphicFramePr", "graphic"):
        if name in children:
            anchor.append(children[name])
    return etree.tostring(anchor, encoding="unicode")


__all__ = ["FloatingImage", "anchored"]
