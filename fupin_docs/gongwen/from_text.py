"""Word templates generated from text templates: one paragraph per line, styled per GB/T 9704.

The text template is the one source of wording: each of its lines becomes one Word paragraph,
a line holding only a block tag becomes a docxtpl ``{%p … %}`` paragraph, and the paragraph's
style follows the line's shape (``　　`` body, ``一、`` heading, …) or a marker comment at the
start of the line (where it prints nothing and leaves the line's newline alone):
``{#@title#}``, ``{#@center#}``, ``{#@flush#}``, ``{#@closing#}`` (flush, and kept on one page
with the signature), ``{#@h1#}`` … ``{#@h3#}``, ``{#@sign-unit#}``, ``{#@sign-date#}``, and
``{#@figure#}``: a caption line alone in a ``{% for x in photos %}`` loop, which becomes a
table of the photos, two to a row, each over its caption (gongwen.figures). A table of data
is a header line marked ``{#@table-NAME#}`` followed by a ``{% for r in rows %}`` loop holding
one line marked ``{#@row#}``, cells parted by ``｜`` in both: the text version prints them as
they are, the Word version is a table with a row per item, its columns sized by the template
data's ``widths.NAME`` (gongwen.tables.fitted_table).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import nsmap

from fupin_docs.gongwen import layout
from fupin_docs.gongwen.figures import add_figures
from fupin_docs.gongwen.measures import TEXT_WIDTH_MM, TWIPS_PER_MM
from fupin_docs.gongwen.tables import fitted_table
from fupin_docs.render.fastzip import read_members, write_zip

CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_MARKER = re.compile(r"^\{#@([a-z0-9-]+)#\}")
_BLOCK_ONLY = re.compile(r"^\{%-?\s*(.*?)\s*-?%\}$")
_COMMENT_BLOCK = re.compile(r"\{#.*?#\}", re.DOTALL)
_H1 = re.compile(r"^\{\{ *h1\.next\(\)")
_H3 = re.compile(r"^\{\{ *h2\.next\(\) *\}\}\.")
_FOR = re.compile(r"^\{%p for (\w+) in (.+?) %\}$")
#: what parts the cells of a {#@table-NAME#} header line and of its {#@row#} line
CELL_BAR = "｜"


def paragraphs_from_text(source: str) -> list[tuple[str, str]]:
    """Return (kind, text) per Word paragraph for a text template's source."""
    source = re.sub(r"^\{#(?!@).*?#\}\n?", "", source, flags=re.DOTALL)  # the header comment
    out: list[tuple[str, str]] = []
    for raw in source.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        m = _MARKER.search(line)
        kind = m.group(1) if m else ""
        line = _MARKER.sub("", line)
        block = _BLOCK_ONLY.match(line.strip())
        if block and "%}" not in block.group(1) and not kind:
            out.append(("block", "{%p " + block.group(1) + " %}"))
            continue
        line = _COMMENT_BLOCK.sub("", line)
        if not kind:
            if line.startswith("　　"):
                kind, line = "body", line[2:]
            elif _H1.match(line):
                kind = "h1"
            elif _H3.match(line):
                kind = "h3"
            else:
                kind = "body"
        out.append((kind, line))
    return out


def as_expression(text: str) -> str:
    """Return a Jinja expression for template text: "{{ a }}局" becomes ``a ~ "局"``."""
    parts = []
    for i, piece in enumerate(re.split(r"\{\{(.*?)\}\}", text)):
        if i % 2:
            parts.append(f"({piece.strip()})")
        elif piece:
            parts.append('"' + piece.replace('"', '\\"') + '"')
    return " ~ ".join(parts) or '""'


def placeholder_seal() -> bytes:
    """Return a small transparent PNG with a red ring: the seal slot, replaced at build time."""
    size, rows = 64, []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            d = ((x - 31.5) ** 2 + (y - 31.5) ** 2) ** 0.5
            row += bytes((200, 0, 0, 255)) if 26 <= d <= 31 else bytes((0, 0, 0, 0))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def from_text(source: str, *, seal: bool = False) -> bytes:
    """Return the Word template made from a text template's `source` (the seal layout with
    `seal`)."""
    doc = layout.new_document()
    items = paragraphs_from_text(source)
    sign_unit: str | None = None
    previous, title = "", None  # the title paragraph, once there is one
    for i, (kind, text) in enumerate(items):
        loop = _FOR.match(text) if kind == "block" else None
        if loop and i + 2 < len(items) and items[i + 1][0] == "figure" \
                and items[i + 2] == ("block", "{%p endfor %}"):
            add_figures(doc, loop.group(1), loop.group(2), items[i + 1][1].strip())
            items[i + 1] = items[i + 2] = ("done", "")
        elif kind.startswith("table-") and i + 3 < len(items) and items[i + 2][0] == "row" \
                and items[i + 1][0] == "block" and _FOR.match(items[i + 1][1]) \
                and items[i + 3] == ("block", "{%p endfor %}"):
            rows = _FOR.match(items[i + 1][1])
            assert rows is not None
            fitted_table(doc, text.split(CELL_BAR), f"{rows.group(1)} in {rows.group(2)}",
                         items[i + 2][1].split(CELL_BAR), kind[len("table-"):],
                         round(TEXT_WIDTH_MM * TWIPS_PER_MM))
            items[i + 1] = items[i + 2] = items[i + 3] = ("done", "")
        elif kind == "done":
            continue
        elif kind == "figure":
            raise ValueError("a {#@figure#} line goes alone inside {% for x in photos %} … "
                             f"{{% endfor %}}: {text}")
        elif kind == "block":
            doc.add_paragraph(text)
        elif kind == "title" and previous == "title" and title is not None:
            # consecutive title lines form one title broken into lines (梯形, §7.3.1)
            title.add_run().add_break()
            title.add_run(text)
        elif kind == "title":
            title = layout.add_title(doc, text, blank_after=False)
        elif kind == "center":
            p = layout.add_plain(doc, text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "closing":
            # 此致/敬礼: on one page with the 署名 and 成文日期 that follow
            layout.keep_with_next(layout.add_plain(doc, text))
        elif kind == "flush":
            layout.add_plain(doc, text)
        elif kind in ("h1", "h2", "h3"):
            layout.add_heading(doc, text, int(kind[1]))
        elif kind == "sign-unit":
            sign_unit = text
        elif kind == "sign-date":
            # the 署名/date indents depend on the rendered widths: compute them at render time
            doc.add_paragraph("{%p set signature = signature_of(" + as_expression(sign_unit or "")
                              + ", " + as_expression(text) + ") %}")
            if seal:
                with tempfile.TemporaryDirectory() as tmp:
                    png = Path(tmp) / "seal.png"
                    png.write_bytes(placeholder_seal())
                    layout.add_signature(doc, sign_unit or "", text, seal_image=png)
            else:
                layout.add_signature(doc, sign_unit or "", text)
        else:
            layout.add_body(doc, text)
        previous = kind
    return docx_bytes(doc)


def docx_bytes(doc: Any) -> bytes:
    """Return a python-docx document as a zip with fixed timestamps (regenerating changes
    nothing)."""
    buf = io.BytesIO()
    # docxcompose (which docxtpl imports) rebinds python-docx's "cp" prefix to the custom
    # properties' namespace: the core properties would be written under the wrong name
    saved = nsmap.get("cp")
    nsmap["cp"] = CORE_PROPERTIES
    try:
        doc.core_properties.author = "fupin-docs"
        doc.core_properties.last_modified_by = "fupin-docs"
        fixed = dt.datetime(2018, 7, 1)
        doc.core_properties.created = fixed
        doc.core_properties.modified = fixed
        doc.core_properties.revision = 1
    finally:
        if saved is not None:
            nsmap["cp"] = saved
    doc.save(buf)
    result = write_zip(read_members(buf.getvalue()))
    assert result is not None
    return result
