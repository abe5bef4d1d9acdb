"""Pictures in Word templates: InlineImage values, their media parts and relationships.

An image gets a part and a relationship id named after its bytes (``img-<hash>.png``,
``rIdImg<hash>``): the same picture used twice, or in many records of a print file, is one
part, two different pictures never collide, and the output is byte-reproducible.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Length
from lxml import etree

from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr
from fupin_docs.render.fastzip import Content, Entry, Member, inflate, stored

IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
#: text width of an A4 page with the GB/T 9704 margins (156 mm), for a picture with no size
DEFAULT_TEXT_WIDTH: int = 156 * 36000


@dataclass(frozen=True)
class Picture:
    """An image's bytes with what a Word part needs to know of them."""

    blob: bytes
    ext: str
    content_type: str
    #: natural size in EMU (pixels at the image's own dpi, 72 dpi when it states none)
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.blob).hexdigest()[:16]

    @property
    def part_name(self) -> str:
        return f"word/media/img-{self.digest}.{self.ext}"

    @property
    def rel_id(self) -> str:
        return f"rIdImg{self.digest}"


def picture(source: bytes | str | Path | IO[bytes], name: str = "") -> Picture:
    """Return the Picture of an image file or its bytes; FupinError when it is no image."""
    if isinstance(source, (str, Path)):
        blob = Path(source).read_bytes()
        name = name or Path(source).name
    elif isinstance(source, bytes):
        blob = source
    else:
        blob = source.read()
    try:
        image = DocxImage.from_blob(blob)
    except (UnrecognizedImageError, ValueError, IndexError, KeyError) as exc:
        raise FupinError(tr(f"{name or '图片'}不是可用的图片（PNG、JPEG、GIF、BMP）：{exc}",
                            f"{name or 'the image'} is not a usable image: {exc}")) from None
    return Picture(blob, image.ext, image.content_type, int(image.width), int(image.height))


class InlineImage:
    """A picture placed where its tag stands, as docxtpl's InlineImage: width and height in
    docx units (Mm(60), Cm(6)); given one, the other keeps the proportions; given neither,
    its natural size, shrunk to the text width when wider."""

    def __init__(self, image: bytes | str | Path | IO[bytes] | Picture,
                 width: Length | int | None = None, height: Length | int | None = None,
                 description: str = "") -> None:
        self.picture = image if isinstance(image, Picture) else picture(image)
        self.width, self.height = width, height
        self.description = description

    def size(self, text_width: int) -> tuple[int, int]:
        """Return (cx, cy) in EMU."""
        natural_w, natural_h = self.picture.width or 1, self.picture.height or 1
        if self.width and self.height:
            return int(self.width), int(self.height)
        if self.width:
            return int(self.width), int(int(self.width) * natural_h / natural_w)
        if self.height:
            return int(int(self.height) * natural_w / natural_h), int(self.height)
        if natural_w > text_width:
            return text_width, int(text_width * natural_h / natural_w)
        return natural_w, natural_h

    def __html__(self) -> str:
        media = _current.get()
        if media is None:
            raise FupinError(tr("图片只能用在 Word 模板中", "pictures go in Word templates only"))
        return media.inline(self)

    def __str__(self) -> str:
        return self.__html__()


#: how a rendered part refers to a picture of ours
_PICTURE_REF = re.compile(r'r:embed="(rIdImg[0-9a-f]{16})"')


def picture_ids(xml: str) -> set[str]:
    """Return the relationship ids of the pictures of ours that `xml` shows."""
    return set(_PICTURE_REF.findall(xml)) if "rIdImg" in xml else set()


@dataclass
class PartMedia:
    """What one render of a part collects: the pictures InlineImage values show (into the
    template's registry), and whether a value printed needs the XML parsed to be written as
    lxml writes it (render/tables.py)."""

    text_width: int = DEFAULT_TEXT_WIDTH
    pictures: dict[str, Picture] = field(default_factory=dict)
    unusual: bool = False

    def inline(self, image: InlineImage) -> str:
        """Return the run XML that shows `image`, and remember its picture."""
        pic = image.picture
        self.pictures[pic.rel_id] = pic
        cx, cy = image.size(self.text_width)
        inline = CT_Inline.new_pic_inline(1, pic.rel_id, pic.part_name.rsplit("/", 1)[1],
                                          Emu(cx), Emu(cy))
        if image.description:
            inline.docPr.set("descr", image.description)
        xml = etree.tostring(inline, encoding="unicode")
        # docxtpl's shape: close the text run the tag stands in, the picture in a run of its
        # own, then open a run for the text after it
        return ('</w:t></w:r><w:r><w:drawing>' + xml + '</w:drawing></w:r>'
                '<w:r><w:t xml:space="preserve">')


_current: ContextVar[PartMedia | None] = ContextVar("fupin_part_media", default=None)


def note_unusual() -> None:
    """Say that the part being rendered printed a value lxml would write otherwise."""
    media = _current.get()
    if media is not None:
        media.unusual = True


@contextmanager
def collecting(media: PartMedia) -> Iterator[PartMedia]:
    """Let InlineImage values rendered in this block register with `media`."""
    token = _current.set(media)
    try:
        yield media
    finally:
        _current.reset(token)


def add_relationships(rels_xml: bytes | None, entries: dict[str, tuple[str, str, bool]]) -> str:
    """Return a part's .rels with `entries` (id -> (type, target, external)) added, once each."""
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    if rels_xml:
        root = etree.fromstring(rels_xml, etree.XMLParser(resolve_entities=False))
    else:
        root = etree.Element(f"{{{ns}}}Relationships", nsmap={None: ns})  # type: ignore[dict-item]
    present = {el.get("Id") for el in root}
    for rel_id, (kind, target, external) in sorted(entries.items()):
        if rel_id in present:
            continue
        el = etree.SubElement(root, f"{{{ns}}}Relationship", Id=rel_id, Type=kind, Target=target)
        if external:
            el.set("TargetMode", "External")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + etree.tostring(root, encoding="unicode"))


def add_content_types(types_xml: bytes, pictures: Any) -> str:
    """Return [Content_Types].xml with a Default entry for each picture's extension."""
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    root = etree.fromstring(types_xml, etree.XMLParser(resolve_entities=False))
    known = {(el.get("Extension") or "").lower() for el in root if el.tag == f"{{{ns}}}Default"}
    for pic in sorted(pictures, key=lambda p: p.ext):
        if pic.ext.lower() not in known:
            default = etree.Element(f"{{{ns}}}Default", Extension=pic.ext,
                                    ContentType=pic.content_type)
            root.insert(0, default)  # Defaults come before Overrides
            known.add(pic.ext.lower())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + etree.tostring(root, encoding="unicode"))


def rels_name(part: str) -> str:
    """Return the name of the relationships part of `part` (word/x.xml -> word/_rels/x.xml.rels)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


class Unsupported(Exception):
    """A value docxtpl renders through its own document object (a Subdoc): refused, since a
    file made without it would be wrong."""


def from_docxtpl(value: Any) -> Any:
    """Return a docxtpl value as this renderer prints it: an InlineImage becomes ours, so
    contexts written for docxtpl render the same; a Subdoc raises Unsupported."""
    from docxtpl import InlineImage as DocxtplImage

    if _current.get() is None:  # docxtpl itself is rendering: its values are its own
        return value
    if isinstance(value, DocxtplImage):
        source = value.image_descriptor
        if hasattr(source, "seek"):
            source.seek(0)
            source = io.BytesIO(source.read())
        return InlineImage(source, value.width, value.height)
    if type(value).__name__ == "Subdoc":
        raise Unsupported(tr("Subdoc（子文档）不受支持：请把子文档的内容直接写进模板，"
                             "需要时用 {%p if … %} 按条件保留段落",
                             "Subdoc values are not supported; put the content in the "
                             "template itself"))
    return value


def attach_pictures(members: list[Member], used: dict[str, set[str]],
                    registry: dict[str, Picture], replacements: dict[str, Content]
                    ) -> list[Entry]:
    """Add to `replacements` the relationships and content types that the pictures `used`
    (part name -> picture ids) need, and return the entries to add: media parts and any
    relationships part the template did not have."""
    by_name = {m.name: m for m in members}
    pictures: dict[str, Picture] = {}
    extra: list[Entry] = []
    for part, ids in sorted(used.items()):
        if not ids:
            continue
        rels = rels_name(part)
        current = replacements.get(rels)
        if current is None and rels in by_name:
            current = inflate(by_name[rels])
        entries = {i: (IMAGE_REL, "media/" + registry[i].part_name.rsplit("/", 1)[1], False)
                   for i in ids}
        xml = add_relationships(current.encode() if isinstance(current, str) else current,
                                entries)
        if rels in by_name or rels in replacements:
            replacements[rels] = xml
        else:
            extra.append((rels, xml))
        for i in ids:
            pictures[registry[i].part_name] = registry[i]
    if pictures:
        types = replacements.get("[Content_Types].xml") or inflate(by_name["[Content_Types].xml"])
        replacements["[Content_Types].xml"] = add_content_types(
            types.encode() if isinstance(types, str) else types, pictures.values())
        extra += [stored(name, pic.blob) for name, pic in sorted(pictures.items())
                  if name not in by_name]
    return extra
