"""Compiled docxtpl templates: preprocess and compile once, then render many contexts fast."""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from lxml import etree

from fupin_docs.errors import FupinError, Location, Problem, TemplateProblem
from fupin_docs.i18n import tr
from fupin_docs.render.fastzip import (
    Content,
    Member,
    ZipBomb,
    deflate,
    inflate,
    read_members,
    stored,
    write_zip,
)
from fupin_docs.render.images import (
    DEFAULT_TEXT_WIDTH,
    HYPERLINK_REL,
    PartMedia,
    Picture,
    Unsupported,
    add_relationships,
    attach_pictures,
    collecting,
    picture,
    picture_ids,
    rels_name,
)
from fupin_docs.render.limits import DEFAULT, LimitExceeded, deadline, generate, limit_message
from fupin_docs.render.locate import template_line
from fupin_docs.render.runs import keep_runs
from fupin_docs.render.tables import (
    as_lxml_writes,
    cells_outside_row_tags,
    grid_fixed_by_rows,
    plain_skeleton,
)

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DOCUMENT = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_SECTPR = f"{_W}sectPr"
_W_BODY = f"{_W}body"
_QUOTES = str.maketrans("“”‘’", "\"\"''")
# Parts docxtpl renders besides the body: the headers, footers and footnotes the document's
# relationships name (whatever their part names)
_RENDERED_REL = re.compile(r"/relationships/(?:header|footer|footnotes)$")
#: other parts that may hold text a user could put a tag in; docxtpl renders none of them
_TEXT_PART = re.compile(r"(?:word/(?!document\.xml$)[^/]+\.xml|docProps/(?:app|custom)\.xml)")
#: the document properties (title, subject …), rendered as docxtpl renders them
CORE = "docProps/core.xml"
_HAS_TAGS = re.compile(r"\{[{%#]|\{_[{%]|[}%]_\}")
_LINE_SPLIT = re.compile(r"<w:p([ >])")
_LISTING = "\t\n\a\f"
_LISTING_CHARS = re.compile(f"[{_LISTING}]")
# The same paragraph pattern docxtpl's resolve_listing uses, so running it per paragraph
# gives exactly what running it on the whole part gives.
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')
#: tags that can change how many cells a table row has: then w:tblGrid must be recomputed
_TABLE_LOOP = re.compile(r"\{[%{#]-?\s*(?:tc\s|hm\s*%|colspan\s)")
_CELL = re.compile(r"<w:tc[ >]")
#: the inside of a tag, where Word's XML escapes are Jinja's own characters
_TAG_INSIDE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_PAGE = re.compile(r'<w:pgSz\b[^>]*?w:w="(\d+)"')
_MARGIN = re.compile(r'<w:pgMar\b[^>]*/>')
_TAG = re.compile(r"<[^>]+>")
_ABSENT = object()  # a name the context does not have
_REACHES_OUT = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
# python-docx parses parts this way before docxtpl serializes them; doing the same keeps the
# Jinja source (entities, whitespace) identical to what docxtpl compiles.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


@dataclass
class _Part:
    """One templated XML part: compiled Jinja template plus the constant text around it."""

    name: str
    label: str
    source: str
    original: str  # the part before preprocessing, to quote Word paragraphs in messages
    template: jinja2.Template | None
    prefix: str
    suffix: str
    #: the context names the part reads, and its last render with the values it read: a
    #: header showing the pack's logo is the same for every household
    names: tuple[str, ...] = ()
    reusable: bool = False
    last: tuple[tuple[Any, ...], str] | None = None
    #: its own text prints only XML lxml writes as it is (tables.plain_skeleton); and whether
    #: the last render printed a value that may not be (then the whole body is scanned)
    plain: bool = False
    unusual: bool = True


def _text_width(sectpr: str) -> int:
    """Return the text width of a section in EMU (page width less the side margins)."""
    page = _PAGE.search(sectpr)
    margins = _MARGIN.search(sectpr)
    if page is None or margins is None:
        return DEFAULT_TEXT_WIDTH
    sides = sum(int(v) for v in re.findall(r'w:(?:left|right)="(\d+)"', margins.group(0)))
    return max(int(page.group(1)) - sides, 1440) * 635  # twips to EMU


def _picture_rel(xml: str, name: str) -> str:
    """Return the relationship id of the picture called `name` in `xml` (docPr name or
    descr); raise TemplateProblem when there is none."""
    for drawing in re.finditer(r"<w:drawing>.*?</w:drawing>", xml, re.DOTALL):
        props = re.search(r"<pic:cNvPr\b[^>]*>", drawing.group(0))  # as docxtpl looks
        names = dict(re.findall(r'(\w+)="([^"]*)"', props.group(0))) if props else {}
        if name in (names.get("name"), names.get("title"), names.get("descr")):
            embed = re.search(r'r:embed="([^"]+)"', drawing.group(0))
            if embed:
                return embed.group(1)
    raise TemplateProblem.plain(tr(f"模板中没有名为 {name} 的图片",
                                   f"the template has no picture named {name}"))


def renumber(pattern: re.Pattern[str], xml: str, start: int) -> tuple[str, int]:
    """Return `xml` with every `pattern` id replaced by start, start+1, … and the next free id."""
    counter = [start]

    def repl(m: re.Match[str]) -> str:
        value = counter[0]
        counter[0] += 1
        return f"{m.group(1)}{value}{m.group(3)}"

    return pattern.sub(repl, xml), counter[0]


def _split_body(xml: str) -> tuple[str, str, str]:
    """Return (text up to and including <w:body>, body inner XML, text from </w:body> on)."""
    m = re.search(r"<w:body\b[^>]*?(/?)>", xml)
    if m is None:
        raise ValueError("no w:body")
    if m.group(1):
        return xml[: m.start()] + "<w:body>", "", "</w:body>" + xml[m.end():]
    end = xml.rindex("</w:body>")
    return xml[: m.end()], xml[m.end(): end], xml[end:]


def _resolve_listing(xml: str, listing: Callable[[str], str]) -> str:
    """Return `xml` with docxtpl's resolve_listing applied to the paragraphs holding \\n, \\t,
    \\a or \\f only; the result equals running it on the whole part.

    Scanning for `_PARAGRAPH` may restart right after any "</w:p>" (no match can straddle one),
    so each special character's paragraph is found without walking all the others.
    """
    out: list[str] = []
    pos = anchor = 0  # anchor: a point where the paragraph scan can restart; out holds xml[:anchor]
    while (char := _LISTING_CHARS.search(xml, pos)) is not None:
        close = xml.rfind("</w:p>", anchor, char.start())
        para = _PARAGRAPH.search(xml, anchor if close < 0 else close + 6)
        if para is None or para.start() > char.start():
            pos = char.end()  # not inside a paragraph: docxtpl leaves it alone too
            continue
        out.append(xml[anchor:para.start()])
        out.append(listing(para.group(0)))
        pos = anchor = para.end()
    out.append(xml[anchor:])
    return "".join(out)


def _norm(text: str) -> str:
    """Return `text` reduced to what survives docxtpl's preprocessing, for matching."""
    text = re.sub(r"([{][%{#])-?\s*(?:p|tr|tc|r)\s", r"\1", text)
    return re.sub(r"\s+", "", text.translate(_QUOTES))


def _locate(original: str, source: str, lineno: int | None,
            names: list[str]) -> tuple[int | None, str]:
    """Return (1-based Word paragraph number, its text) for Jinja line `lineno`.

    After preprocessing, a Jinja line is one paragraph plus any {%p %} tag paragraphs that
    followed it, so the line's text is matched against the template's real paragraphs.
    """
    lines = source.splitlines()
    if not lineno or not 0 < lineno <= len(lines):
        return None, ""
    key = _norm(html.unescape(_TAG.sub("", lines[lineno - 1])))
    root = etree.fromstring(original)
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]
    found: list[int] = []
    for i in range(max(lineno - 2, 0), len(paragraphs)):
        norm = _norm(paragraphs[i])
        if norm and norm in key:
            found.append(i)
        elif found:
            break
    if not found:
        return (lineno - 1 if lineno > 1 else None), html.unescape(
            _TAG.sub("", lines[lineno - 1])).strip()
    # a name the error gives picks its paragraph; else the first that holds a tag (an error
    # comes from a tag, never from plain text sharing its line)
    tagged = [i for i in found if "{{" in paragraphs[i] or "{%" in paragraphs[i]] or found
    best = next((i for i in found for n in names if n in paragraphs[i]), tagged[0])
    return best + 1, paragraphs[best].strip()


class CompiledDocx:
    """A docxtpl template read and compiled once; each render only runs Jinja and zips.

    Supported as in docxtpl: ``{{ }}``, ``{% %}``, ``{# #}``, ``{%p %}``, ``{%tr %}``,
    ``{%r %}``/``{{r }}`` (RichText and Listing values work, they render through __html__),
    ``{% vm %}``/``{% hm %}``/``{% colspan %}``/``{% cellbg %}``, ``{_{`` escapes, and ``\\n``
    ``\\t`` ``\\a`` ``\\f`` in values (resolve_listing). Templated parts: word/document.xml,
    headers, footers and footnotes. ``{%tc %}`` column loops work through docxtpl's fix_tables,
    which re-parses the body on every render (slower path). ``wp:docPr`` ids are renumbered
    from 1001 as docxtpl does. Not supported: InlineImage and Subdoc values (they need a
    python-docx document), tags in document properties (docProps/core.xml is copied as is),
    replace_pic/replace_media.
    """

    def __init__(self, path: Path, env: jinja2.Environment, name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self.env = env
        try:
            self.members: list[Member] = read_members(self.path)
        except ZipBomb as exc:
            raise TemplateProblem.plain(str(exc), Location(self.name)) from None
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise TemplateProblem.plain(
                tr(f"无法读取（不是有效的 .docx 文件）：{exc}",
                   f"cannot be read (not a valid .docx): {exc}"),
                Location(self.name), tr("用 Word 或 WPS 打开后另存为 .docx", "re-save it as .docx")
            ) from exc
        # Only docxtpl's regex helpers (patch_xml, resolve_listing, fix_tables) are used; they
        # do not touch the instance's document.
        self._docxtpl = DocxTemplate(self.path)
        self._parts: dict[str, _Part] = {}
        self.body_prefix = ""
        self.body_suffix = ""
        self.final_sectpr = ""
        self.body_static = ""
        self._fix_tables = False
        #: only {%tr %} rows: no grid to fix, but the XML is written the way fix_tables writes it
        self._lxml_form = False
        self.has_docpr = False
        self.text_width = DEFAULT_TEXT_WIDTH
        #: every picture an InlineImage value has shown, by relationship id
        self.pictures: dict[str, Picture] = {}
        #: what helpers (the print-file writer) work out once per template
        self.cache: dict[str, Any] = {}
        if not any(member.name == DOCUMENT for member in self.members):
            raise TemplateProblem.plain(tr("缺少 word/document.xml，不是 Word 文件",
                                           "has no word/document.xml: not a Word file"),
                                        Location(self.name))
        rendered = self._rendered_parts()
        #: parts with tags that are not rendered (as in docxtpl): said by `templates check`
        self.unrendered: list[str] = []
        for member in self.members:
            try:
                if member.name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in inflate(member):
                    # a DOCTYPE can declare entities that reach outside the file (XXE) or
                    # expand without end: no Word file needs one
                    raise TemplateProblem.plain(
                        tr(f"{member.name} 含有 DOCTYPE 声明（Word 文件不会有它，"
                           "可能是恶意构造的），已拒绝",
                           f"{member.name} holds a DOCTYPE declaration; refused"),
                        Location(self.name),
                        tr("用 Word 或 WPS 重新保存一份", "re-save it in Word"))
                if member.name == DOCUMENT:
                    self._compile_document(inflate(member))
                elif member.name in rendered or member.name == CORE:
                    self._compile_part(member.name, inflate(member))
                elif _TEXT_PART.fullmatch(member.name) and _HAS_TAGS.search(
                        _TAG.sub("", inflate(member).decode("utf-8", "replace"))):
                    self.unrendered.append(member.name)
            except (etree.XMLSyntaxError, ValueError) as exc:
                raise TemplateProblem.plain(tr(f"{member.name} 已损坏：{exc}",
                                               f"{member.name} is damaged: {exc}"),
                                            Location(self.name),
                                            tr("用 Word 或 WPS 打开后另存一份",
                                               "re-save it")) from exc

    def _rendered_parts(self) -> set[str]:
        """Return the headers, footers and footnotes the document part relates to."""
        rels = next((m for m in self.members if m.name == rels_name(DOCUMENT)), None)
        if rels is None:
            return set()
        found = set()
        for rel in re.finditer(r"<Relationship\b[^>]*/>", inflate(rels).decode("utf-8")):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group(0)))
            external = attrs.get("TargetMode") == "External"
            if _RENDERED_REL.search(attrs.get("Type", "")) and not external:
                found.add("word/" + attrs.get("Target", "").lstrip("/").removeprefix("word/"))
        return found

    @property
    def templated_parts(self) -> tuple[str, ...]:
        """Return the names of the zip parts that are rendered per context."""
        return tuple(self._parts)

    def replace_media(self, name: str, data: bytes) -> None:
        """Swap a static part (e.g. ``word/media/image1.png``, a seal) for every render."""
        for i, member in enumerate(self.members):
            if member.name == name:
                self.members[i] = deflate(name, data)
                return
        raise TemplateProblem.plain(tr(f"模板中没有 {name}", f"the template has no {name}"),
                                    Location(self.name))

    def sources(self) -> list[str]:
        """Return the preprocessed Jinja source of every templated part (for template checks)."""
        return [part.source for part in self._parts.values()]

    def _compile_document(self, raw: bytes) -> None:
        """Return None; split document.xml into constant frame, final sectPr and body template."""
        root = etree.fromstring(raw, _PARSER)
        body = root.find(_W_BODY)
        full = etree.tostring(root, encoding="unicode")
        if body is not None and len(body) and body[-1].tag == _W_SECTPR:
            body.remove(body[-1])
        head, inner, tail = _split_body(etree.tostring(root, encoding="unicode"))
        self.final_sectpr = full[len(head) + len(inner): len(full) - len(tail)]
        self.body_prefix = XML_DECLARATION + head
        self.body_suffix = tail
        self.has_docpr = "<wp:docPr" in inner
        self.text_width = _text_width(self.final_sectpr)
        part = self._compile(DOCUMENT, "", inner, full)
        cells = len(_CELL.findall(part.source)) if part is not None else 0
        if part is None or cells == len(_CELL.findall(inner)):
            pass  # no cell or row became a tag
        elif (_TABLE_LOOP.search(_TAG.sub("", inner)) or cells != cells_outside_row_tags(full)
              or not grid_fixed_by_rows(full)):
            # a cell turned into a tag ({%tc …%}, {#tc …#}) or a span set by a tag changes the
            # number of cells of a row: the column grid is recomputed after each render
            self._fix_tables = True
        else:  # only {%tr %} rows: the grid stays, the XML is written as fix_tables writes it
            self._lxml_form = True
        if part is None:
            self.body_static = inner
        else:
            self._parts[DOCUMENT] = part

    def _compile_part(self, name: str, raw: bytes) -> None:
        """Return None; compile a header, footer or footnotes part that holds template tags."""
        xml = etree.tostring(etree.fromstring(raw, _PARSER), encoding="unicode")
        kind = name.split("/")[-1].split(".")[0]
        label = tr("页眉", "header") if kind.startswith("header") else (
            tr("页脚", "footer") if kind.startswith("footer") else (
                tr("文档属性", "properties") if name == CORE else tr("脚注", "footnotes")))
        part = self._compile(name, f"{label} {kind}", xml, xml)
        if part is not None:
            part.prefix = XML_DECLARATION
            self._parts[name] = part

    def _compile(self, name: str, label: str, xml: str, original: str) -> _Part | None:
        """Return the compiled part, or None when `xml` holds no template tags."""
        patched = self._docxtpl.patch_xml(xml)
        if not _HAS_TAGS.search(patched):
            return None
        # A literal in a tag ("A&B") is Word's escaped text: make it Jinja's own again, so
        # that autoescape escapes the values it prints once, and literals not twice
        patched = _TAG_INSIDE.sub(lambda m: m.group(0).replace("&quot;", '"')
                                  .replace("&apos;", "'").replace("&amp;", "&"), patched)
        # Same line splitting as docxtpl's render_xml_part: one Jinja line per paragraph.
        source = _LINE_SPLIT.sub(r"\n<w:p\1", patched)
        part = _Part(name, label, source, original, None, "", "")
        try:
            tree = self.env.parse(source)  # parsed once: compiled, and read for its names
            part.template = self.env.from_string(tree)
            # what an include or import reads is not in this part's names: never reused
            part.reusable = next(tree.find_all(_REACHES_OUT), None) is None
            part.names = tuple(sorted(meta.find_undeclared_variables(tree)))
            part.plain = plain_skeleton(source)
        except TemplateSyntaxError as exc:
            raise self._problem(part, exc, exc.lineno) from exc
        return part

    def _problem(self, part: _Part, exc: Exception, lineno: int | None) -> TemplateProblem:
        """Return a TemplateProblem at the template's Word paragraph, quoting its text."""
        detail = getattr(exc, "message", None) or str(exc)
        # An undefined name picks the right paragraph among those sharing one Jinja line.
        names = re.findall(r"'([^']+)'", detail) if isinstance(exc, UndefinedError) else []
        number, text = _locate(part.original, part.source, lineno, names)
        where = Location(self.name, paragraph=number, part=part.label or None,
                         source=text or None)
        if isinstance(exc, TemplateSyntaxError):
            message = tr(f"模板语法错误：{detail}", f"syntax error: {detail}")
            hint = tr("检查 {{ }}、{% %} 是否成对、是否写完整",
                      "check that every {{ }} and {% %} is complete and closed")
        elif isinstance(exc, SecurityError):
            message = tr(f"访问了不允许的内容（已被沙箱拦截）：{detail}",
                         f"tried something the sandbox forbids: {detail}")
            hint = tr("模板只能使用资料中的数据和内置的格式", "templates may only use the data")
        elif isinstance(exc, UndefinedError):
            message = tr(f"用到了数据中没有的变量：{detail}",
                         f"uses a variable the data does not have: {detail}")
            hint = tr("检查变量名的拼写；可用的数据见 fupin-docs templates check",
                      "check the name; see fupin-docs templates check")
        elif isinstance(exc, (LimitExceeded, RecursionError)):
            message, hint = limit_message(exc)
        elif isinstance(exc, Unsupported):
            message, hint = str(exc), tr("改用本工具支持的写法（见 README 的“修改模板”）",
                                          "see the README's section on templates")
        else:
            message = tr(f"渲染出错（{type(exc).__name__}）：{detail}",
                         f"failed to render ({type(exc).__name__}): {detail}")
            hint = None
        return TemplateProblem([Problem(message, where, hint)])

    def _render(self, part: _Part, context: Mapping) -> str:
        """Return the rendered XML of `part` (without prefix/suffix), post-processed as docxtpl.
        Whether a value printed was unusual (render/tables.py) is left in `part.unusual`."""
        assert part.template is not None
        limits = getattr(self.env, "limits", DEFAULT)
        media = PartMedia(self.text_width, self.pictures)
        try:
            with deadline(limits), collecting(media):
                xml = generate(part.template.generate(context), limits)
        except FupinError:
            raise  # a filter already explained the problem
        except Exception as exc:  # noqa: BLE001 - any template failure becomes a user message
            raise self._problem(part, exc, template_line(exc)[1]) from exc
        part.unusual = media.unusual
        # Each pass below is looked for by single characters first: a part's XML is long, and
        # finding one character is many times faster than a pattern or a two-character string.
        if "\n" in xml:  # undo the line splitting (as docxtpl's re.sub(r"\n<w:p([ >])", …))
            xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        if "_" in xml and ("{_" in xml or "_}" in xml):
            xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
                   .replace("{_%", "{%").replace("%_}", "%}"))
        if any(char in xml for char in _LISTING):
            xml = _resolve_listing(xml, self._docxtpl.resolve_listing)
        return keep_runs(xml)

    def render_body(self, context: Mapping) -> str:
        """Return the rendered inner XML of <w:body>, without the final w:sectPr."""
        part = self._parts.get(DOCUMENT)
        if part is None:
            return self.body_static
        body = self._render(part, context)
        if self._lxml_form:
            checked = part.plain and not part.unusual
            body = as_lxml_writes(body, checked) or self._fixed(body)
        elif self._fix_tables:
            body = self._fixed(body)
        if self.has_docpr or "<wp:docPr" in body:  # pictures of the template or of the data
            body = renumber(DOCPR_ID, body, 1001)[0]
        return body

    def _fixed(self, body: str) -> str:
        """Return `body` after docxtpl's fix_tables, which repairs w:tblGrid when column
        loops change the cell count (and writes the XML again through lxml)."""
        doc = self.body_prefix[len(XML_DECLARATION):] + body + self.final_sectpr
        tree = self._docxtpl.fix_tables(doc + self.body_suffix)
        _, inner, _ = _split_body(etree.tostring(tree, encoding="unicode"))
        return inner[: len(inner) - len(self.final_sectpr)] if self.final_sectpr else inner

    def render_part(self, name: str, context: Mapping) -> str:
        """Return the full rendered XML of a templated header, footer or footnotes part; the
        last render again when the values it reads are the very same objects."""
        part = self._parts[name]
        if not part.reusable:
            return part.prefix + self._render(part, context) + part.suffix
        values = tuple(context.get(key, _ABSENT) for key in part.names)
        if part.last is not None and all(a is b for a, b in zip(part.last[0], values)):
            return part.last[1]
        xml = part.prefix + self._render(part, context) + part.suffix
        part.last = (values, xml)
        return xml

    def render(self, context: Mapping) -> bytes:
        """Return the rendered .docx as bytes; untemplated parts are copied still compressed."""
        return self.render_with_body(context)[0]

    def render_with_body(self, context: Mapping) -> tuple[bytes, str]:
        """Return the rendered .docx and its body, so a print file can reuse the body."""
        replacements: dict[str, Content] = {}
        used: dict[str, set[str]] = {}
        body = self.render_body(context)
        for name in self._parts:
            if name == DOCUMENT:
                replacements[name] = (self.body_prefix + body + self.final_sectpr
                                      + self.body_suffix)
                used[name] = picture_ids(body)
            else:
                xml = self.render_part(name, context)
                replacements[name] = xml
                used[name] = picture_ids(xml)
        extra = attach_pictures(self.members, used, self.pictures, replacements)
        result = write_zip([*self.members, *extra], replacements)
        assert result is not None
        return result, body

    def build_url_id(self, url: str) -> str:
        """Return the relationship id of an external link to `url` from the document, as
        docxtpl's build_url_id does; the relationship is in every file rendered after."""
        rel_id = "rIdUrl" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
        self._add_relationship(DOCUMENT, rel_id, HYPERLINK_REL, url, external=True)
        return rel_id

    def _add_relationship(self, part: str, rel_id: str, kind: str, target: str, *,
                          external: bool = False) -> None:
        name = rels_name(part)
        for i, member in enumerate(self.members):
            if member.name == name:
                xml = add_relationships(inflate(member), {rel_id: (kind, target, external)})
                self.members[i] = deflate(name, xml)
                return
        self.members.append(deflate(name, add_relationships(None, {rel_id: (kind, target,
                                                                            external)})))

    def replace_pic(self, name: str, image: bytes | str | Path) -> None:
        """Show `image` instead of the template's picture named `name` (the file name it was
        inserted from, or its title or description in Word), as docxtpl does."""
        document = self.body_prefix + (self._parts[DOCUMENT].source if DOCUMENT in self._parts
                                       else self.body_static)
        rel_id = _picture_rel(document, name)
        rels = next(inflate(m) for m in self.members if m.name == rels_name(DOCUMENT))
        target = re.search(rb'Id="' + re.escape(rel_id.encode()) + rb'"[^>]*?Target="([^"]+)"'
                           rb'|Target="([^"]+)"[^>]*?Id="' + re.escape(rel_id.encode()) + rb'"',
                           rels)
        if target is None:
            raise TemplateProblem.plain(tr(f"模板中的图片 {name} 找不到它的图片文件",
                                           f"picture {name} has no image part"),
                                        Location(self.name))
        part = "word/" + (target.group(1) or target.group(2)).decode().lstrip("/").removeprefix(
            "word/")
        self.replace_media(part, picture(image).blob)

    def replace_media_by_content(self, old: bytes, new: bytes) -> None:
        """Show `new` wherever the template shows a media or embedded file whose bytes are
        `old` (docxtpl's replace_media and replace_embedded match by CRC the same way)."""
        crc = zlib.crc32(old)
        hits = [i for i, m in enumerate(self.members)
                if m.name.startswith(("word/media/", "word/embeddings/")) and m.crc == crc]
        if not hits:
            raise TemplateProblem.plain(tr("模板中没有与之相同的图片或嵌入文件",
                                           "the template holds no such media"),
                                        Location(self.name))
        for i in hits:
            name = self.members[i].name
            self.members[i] = stored(name, new) if name.startswith("word/media/") else deflate(
                name, new)


__all__ = ["CompiledDocx", "DOCPR_ID", "DOCUMENT", "XML_DECLARATION", "renumber"]
