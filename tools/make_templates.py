"""Generate the built-in Word templates (templates/docx/) from the text templates and GB/T 9704.

The text template is the one source of wording: each of its lines becomes one Word paragraph,
a line holding only a block tag becomes a docxtpl ``{%p … %}`` paragraph, and the paragraph's
style follows the line's shape (``　　`` body, ``一、`` heading, …) or a marker comment at the
start of the line (where it prints nothing and leaves the line's newline alone): ``{#@title#}``, ``{#@center#}``, ``{#@flush#}``, ``{#@h1#}`` … ``{#@h3#}``,
``{#@sign-unit#}``, ``{#@sign-date#}``. Run ``make templates`` after changing a text template;
``tests/test_templates_sync.py`` fails when the Word templates are out of date.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fupin_docs import gongwen  # noqa: E402
from fupin_docs.render.fastzip import read_members, write_zip  # noqa: E402

TEXT = ROOT / "templates" / "text"
DOCX = ROOT / "templates" / "docx"
#: text templates turned into 公文-form Word templates line by line
FROM_TEXT = ("report", "letter")
SEAL_SUFFIX = "-seal"

_MARKER = re.compile(r"^\{#@([a-z0-9-]+)#\}")
_BLOCK_ONLY = re.compile(r"^\{%-?\s*(.*?)\s*-?%\}$")
_COMMENT_BLOCK = re.compile(r"\{#.*?#\}", re.DOTALL)
_H1 = re.compile(r"^\{\{ *h1\.next\(\)")
_H3 = re.compile(r"^\{\{ *h2\.next\(\) *\}\}\.")


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
    import struct
    import zlib

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


def build_from_text(name: str, text_dir: Path = TEXT, *, seal: bool = False) -> bytes:
    """Return the Word template made from text/<name>.txt (the seal layout with `seal`)."""
    doc = gongwen.new_document()
    items = paragraphs_from_text((text_dir / f"{name}.txt").read_text("utf-8"))
    sign_unit = None
    previous, title = "", None
    for kind, text in items:
        if kind == "block":
            doc.add_paragraph(text)
        elif kind == "title" and previous == "title":
            # consecutive title lines form one title broken into lines (梯形, §7.3.1)
            title.add_run().add_break()
            title.add_run(text)
        elif kind == "title":
            title = gongwen.add_title(doc, text, blank_after=False)
        elif kind == "center":
            p = gongwen.add_plain(doc, text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "flush":
            gongwen.add_plain(doc, text)
        elif kind in ("h1", "h2", "h3"):
            gongwen.add_heading(doc, text, int(kind[1]))
        elif kind == "sign-unit":
            sign_unit = text
        elif kind == "sign-date":
            # the 署名/date indents depend on the rendered widths: compute them at render time
            doc.add_paragraph("{%p set signature = signature_of(" + as_expression(sign_unit or "")
                              + ", " + as_expression(text) + ") %}")
            if seal:
                import tempfile

                with tempfile.TemporaryDirectory() as tmp:
                    png = Path(tmp) / "seal.png"
                    png.write_bytes(placeholder_seal())
                    gongwen.add_signature(doc, sign_unit or "", text, seal_image=png)
            else:
                gongwen.add_signature(doc, sign_unit or "", text)
        else:
            gongwen.add_body(doc, text)
        previous = kind
    return _save(doc)


def _save(doc) -> bytes:
    """Return the document as a zip with fixed timestamps, so regenerating changes nothing."""
    buf = io.BytesIO()
    doc.core_properties.author = "fupin-docs"
    doc.core_properties.last_modified_by = "fupin-docs"
    import datetime as dt

    fixed = dt.datetime(2018, 7, 1)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.revision = 1
    doc.save(buf)
    return write_zip(read_members(buf.getvalue()))


def build_all() -> dict[str, bytes]:
    """Return every built-in Word template by file name."""
    out = {f"{name}.docx": build_from_text(name) for name in FROM_TEXT
           if (TEXT / f"{name}.txt").is_file()}
    # the seal layout (GB/T 9704 §7.3.5.1), used when a pack supplies a seal image
    out.update({f"{name}{SEAL_SUFFIX}.docx": build_from_text(name, seal=True) for name in FROM_TEXT
                if (TEXT / f"{name}.txt").is_file()})
    from tools.table_templates import TABLE_TEMPLATES

    for name, builder in TABLE_TEMPLATES.items():
        out[f"{name}.docx"] = _save(builder())
    return out


def build_pack(folder: Path) -> dict[str, bytes]:
    """Return the Word templates a pack's text templates (letter, report) stand for."""
    text_dir = folder / "text"
    names = [name for name in FROM_TEXT if (text_dir / f"{name}.txt").is_file()]
    out = {f"{name}.docx": build_from_text(name, text_dir) for name in names}
    out.update({f"{name}{SEAL_SUFFIX}.docx": build_from_text(name, text_dir, seal=True)
                for name in names})
    return out


def main() -> None:
    """Regenerate the built-ins, or with a pack's templates/ folder as argument, that pack's."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    target_dir = folder / "docx" if folder else DOCX
    target_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (build_pack(folder) if folder else build_all()).items():
        target = target_dir / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
