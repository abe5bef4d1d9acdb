"""Merge many records of one compiled template into a single print file."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping

from lxml import etree

from fupin_docs.render.docx import DOCPR_ID, DOCUMENT, CompiledDocx, renumber
from fupin_docs.render.fastzip import Content, DeflateWriter, Member, deflate, inflate, write_zip
from fupin_docs.render.images import attach_pictures, picture_ids

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BOOKMARK = re.compile(r'(<w:bookmark(Start|End)\b[^>]*?\bw:id=")(\d+)(")')
_HF_REF = re.compile(r'(<w:(?:header|footer)Reference\b[^>]*?\br:id=")([^"]+)(")')
_SECTPR = re.compile(r"<w:sectPr\b[^>]*/>|<w:sectPr\b.*?</w:sectPr>", re.DOTALL)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>", re.DOTALL)
_NUM_ID = re.compile(r'<w:numId w:val="(\d+)"/>')
_ILVL = re.compile(r'<w:ilvl w:val="(\d+)"/>')
_PSTYLE = re.compile(r'<w:pStyle w:val="([^"]*)"/>')
# Children of w:pPr that must precede w:pageBreakBefore / w:numPr (schema order matters to Word).
_BEFORE_BREAK = r"(?:<w:pStyle [^>]*/>)?(?:<w:keepNext(?: [^>]*)?/>)?(?:<w:keepLines(?: [^>]*)?/>)?"
_BEFORE_NUMPR = re.compile(r"<w:pPr>" + _BEFORE_BREAK + r"(?:<w:pageBreakBefore(?: [^>]*)?/>)?"
                           r"(?:<w:framePr [^>]*/>)?(?:<w:widowControl(?: [^>]*)?/>)?")
_FIRST_P_PPR = re.compile(r"<w:p(?: [^>]*)?><w:pPr>" + _BEFORE_BREAK)
# w:sectPr children that follow w:pgNumType.
_AFTER_PGNUM = re.compile(r"<w:(?:cols|formProt|vAlign|noEndnote|titlePg|textDirection|bidi|"
                          r"rtlGutter|docGrid|printerSettings|sectPrChange)\b")
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_HF_TYPE = re.compile(r"/(header|footer)$")


def with_restart(sectpr: str) -> str:
    """Return `sectpr` starting on a new page with page numbers restarting at 1."""
    if not sectpr:
        return '<w:sectPr><w:pgNumType w:start="1"/></w:sectPr>'
    s = sectpr.replace('<w:type w:val="continuous"/>', "")
    if s.endswith("/>") and "</w:sectPr>" not in s:
        s = s[:-2] + "></w:sectPr>"
    if "<w:pgNumType" in s:
        return re.sub(r"<w:pgNumType\b([^>]*?)(/?)>",
                      lambda m: "<w:pgNumType" + re.sub(r'\s+w:start="[^"]*"', "", m.group(1))
                      + ' w:start="1"' + m.group(2) + ">", s, count=1)
    m = _AFTER_PGNUM.search(s)
    at = m.start() if m else s.rindex("</w:sectPr>")
    return s[:at] + '<w:pgNumType w:start="1"/>' + s[at:]


def _end_section(body: str, sectpr: str) -> str:
    """Return `body` closed by a section break, put in its last paragraph when that is simple."""
    at = max(body.rfind("<w:p>"), body.rfind("<w:p "), body.rfind("<w:p/>"))
    last = body[at:] if at >= 0 else ""
    if last.endswith("/>") and "<" not in last[1:]:
        return body[:at] + last[:-2] + f"><w:pPr>{sectpr}</w:pPr></w:p>"
    if last.endswith("</w:p>") and last.count("</w:p>") == 1 and "<w:sectPr" not in last:
        open_end = last.index(">") + 1
        if last.startswith("<w:pPr>", open_end):
            close = last.find("<w:pPrChange")
            close = last.index("</w:pPr>") if close < 0 else close
            return body[:at] + last[:close] + sectpr + last[close:]
        return body[:at] + last[:open_end] + f"<w:pPr>{sectpr}</w:pPr>" + last[open_end:]
    # A table, a text box or an existing break ends the record: add a paragraph for the break.
    return body + f"<w:p><w:pPr>{sectpr}</w:pPr></w:p>"


def _break_before(body: str) -> str:
    """Return `body` starting on a new page: w:pageBreakBefore on a leading paragraph, else a
    page-break paragraph (a table cannot carry the property)."""
    if body.startswith("<w:p/>"):
        return '<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>' + body[6:]
    if body.startswith(("<w:p>", "<w:p ")):
        m = _FIRST_P_PPR.match(body)
        end = body.index(">") + 1
        if m and body.startswith("<w:pageBreakBefore", m.end()):
            return body
        if m:
            return body[: m.end()] + "<w:pageBreakBefore/>" + body[m.end():]
        if not body.startswith("<w:pPr>", end):
            return body[:end] + "<w:pPr><w:pageBreakBefore/></w:pPr>" + body[end:]
    return _PAGE_BREAK + body


class _Numbering:
    """Gives every record its own w:num instances so list numbering restarts per record."""

    def __init__(self, template: CompiledDocx) -> None:
        # what the template's lists are does not change: work it out once per template
        cached: tuple[str, dict[str, str], dict[str, tuple[str, str]]] | None = \
            template.cache.get("numbering")
        if cached is None:
            cached = template.cache["numbering"] = self._read(template)
        self.xml, self.abstract, self.styles = cached
        self.next_id = max((int(k) for k in self.abstract), default=0) + 1
        self.added: list[str] = []
        # one search for all numbered styles (the common prefix makes it a fast scan)
        self._style_marks = re.compile('<w:pStyle w:val="(?:{})"/>'.format(
            "|".join(re.escape(sid) for sid in self.styles))) if self.styles else None

    @staticmethod
    def _read(template: CompiledDocx) -> tuple[str, dict[str, str], dict[str, tuple[str, str]]]:
        """Return numbering.xml, its w:num → abstractNum map and the styles that number."""
        names = {m.name: m for m in template.members}
        xml = inflate(names["word/numbering.xml"]).decode("utf-8") \
            if "word/numbering.xml" in names else ""
        abstract = dict(re.findall(
            r'<w:num w:numId="(\d+)"[^>]*>(?:(?!</w:num>).)*?<w:abstractNumId w:val="(\d+)"/>',
            xml, re.DOTALL))
        styles: dict[str, tuple[str, str]] = {}
        if abstract and "word/styles.xml" in names:
            root = etree.fromstring(inflate(names["word/styles.xml"]))
            for style in root.iter(f"{_W}style"):
                num = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
                if num is not None and num.get(f"{_W}val") in abstract:
                    lvl = style.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
                    styles[style.get(f"{_W}styleId", "")] = (
                        num.get(f"{_W}val", ""), "0" if lvl is None else lvl.get(f"{_W}val", "0"))
        return xml, abstract, styles

    def restart(self, body: str) -> str:
        """Return `body` with its lists moved to fresh w:num instances that start at 1."""
        if not self.abstract or ("<w:numPr>" not in body and (
                self._style_marks is None or self._style_marks.search(body) is None)):
            return body
        mapping: dict[str, int] = {}
        levels: dict[str, set[int]] = {}

        def new_id(old: str, lvl: str) -> int:
            if old not in mapping:
                mapping[old] = self.next_id
                self.next_id += 1
            levels.setdefault(old, {0}).add(int(lvl))
            return mapping[old]

        def fix(m: re.Match[str]) -> str:
            ppr = m.group(0)
            if "<w:numPr>" in ppr:
                ids = _NUM_ID.search(ppr)
                if ids is None or ids.group(1) not in self.abstract:
                    return ppr
                level = _ILVL.search(ppr)
                num = new_id(ids.group(1), level.group(1) if level else "0")
                return ppr[: ids.start()] + f'<w:numId w:val="{num}"/>' + ppr[ids.end():]
            style = _PSTYLE.search(ppr)
            if style is None or style.group(1) not in self.styles:
                return ppr
            old, lvl = self.styles[style.group(1)]
            at = _BEFORE_NUMPR.match(ppr)
            end = at.end() if at else len("<w:pPr>")
            return (ppr[:end] + f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="'
                    f'{new_id(old, lvl)}"/></w:numPr>' + ppr[end:])

        body = _PPR.sub(fix, body)
        for old, num in mapping.items():
            overrides = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="1"/>'
                                "</w:lvlOverride>" for lvl in sorted(levels[old]))
            self.added.append(f'<w:num w:numId="{num}"><w:abstractNumId '
                              f'w:val="{self.abstract[old]}"/>{overrides}</w:num>')
        return body

    def part(self) -> str | None:
        """Return numbering.xml with the added instances, or None when nothing was added."""
        if not self.added:
            return None
        at = self.xml.find("<w:numIdMacAtCleanup")  # must stay after every w:num
        if at < 0:
            return _insert(self.xml, "</w:numbering>", self.added)
        return self.xml[:at] + "".join(self.added) + self.xml[at:]


class _HeaderVariants:
    """Per-record copies of templated headers/footers, shared between equal renderings."""

    def __init__(self, template: CompiledDocx) -> None:
        self.template = template
        names = {m.name: m for m in template.members}
        self.rels = inflate(names["word/_rels/document.xml.rels"]).decode("utf-8")
        self.types = inflate(names["[Content_Types].xml"]).decode("utf-8")
        self.members = names
        # rId -> (part name, relationship type) for every templated header/footer
        self.by_rid: dict[str, tuple[str, str]] = {}
        for rel in re.finditer(r"<Relationship\b[^>]*/>", self.rels):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group(0)))
            name = "word/" + attrs.get("Target", "").lstrip("/").removeprefix("word/")
            if _HF_TYPE.search(attrs.get("Type", "")) and name in template.templated_parts:
                self.by_rid[attrs["Id"]] = (name, attrs["Type"])
        self.seen: dict[tuple[str, bytes], str] = {}  # (part, digest) -> rId to use
        self.first: dict[str, str] = {}  # part -> rendered XML of its first variant
        self.extra: list[Member] = []
        #: pictures each copy shows (copies are kept compressed, not as text)
        self.pictures: dict[str, set[str]] = {}
        self.new_rels: list[str] = []
        self.new_types: list[str] = []

    def for_record(self, context: Mapping) -> dict[str, str]:
        """Return the rId mapping for one record, creating new parts for new renderings."""
        mapping: dict[str, str] = {}
        for rid, (name, rel_type) in self.by_rid.items():
            xml = self.template.render_part(name, context)
            key = (name, hashlib.blake2b(xml.encode("utf-8"), digest_size=16).digest())
            if key not in self.seen:
                if name not in self.first:
                    self.first[name] = xml
                    self.seen[key] = rid
                else:
                    self.seen[key] = self._add(name, rel_type, xml)
            mapping[rid] = self.seen[key]
        return mapping

    def _add(self, name: str, rel_type: str, xml: str) -> str:
        """Return the rId of a new copy of part `name` holding `xml`."""
        n = len(self.new_rels) + 1
        new_name, rid = f"{name[:-4]}_m{n}.xml", f"rIdMerge{n}"
        self.extra.append(deflate(new_name, xml))
        self.pictures[new_name] = picture_ids(xml)
        rels = self.members.get(f"word/_rels/{name[5:]}.rels")
        if rels is not None:  # the copy needs the original's own relationships (images)
            self.extra.append(dataclasses.replace(rels, name=f"word/_rels/{new_name[5:]}.rels"))
        self.new_rels.append(f'<Relationship Id="{rid}" Type="{rel_type}" '
                             f'Target="{new_name[5:]}"/>')
        ctype = re.search(rf'<Override PartName="/{re.escape(name)}" ContentType="([^"]+)"/>',
                          self.types)
        if ctype:
            self.new_types.append(f'<Override PartName="/{new_name}" '
                                  f'ContentType="{ctype.group(1)}"/>')
        return rid

    def replacements(self) -> dict[str, str]:
        """Return the changed parts: first variants, relationships and content types."""
        out = dict(self.first)
        if self.new_rels:
            out["word/_rels/document.xml.rels"] = _insert(self.rels, "</Relationships>",
                                                          self.new_rels)
        if self.new_types:
            out["[Content_Types].xml"] = _insert(self.types, "</Types>", self.new_types)
        return out


def _insert(xml: str, closing: str, items: list[str]) -> str:
    """Return `xml` with `items` added just before its last `closing` tag."""
    at = xml.rindex(closing)
    return xml[:at] + "".join(items) + xml[at:]


#: the name of the hidden bookmark that starts record n of a print file (Word hides names that
#: start with "_"); LibreOffice turns it into a PDF destination, where a record's pages begin
RECORD_MARK = "_FupinRec{:05d}"
_FIRST_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>(?:<w:pPr>.*?</w:pPr>)?", re.DOTALL)


def mark_record(body: str, number: int) -> str:
    """Return `body` with record `number`'s bookmark at the start of its first paragraph."""
    first = _FIRST_PARAGRAPH.search(body)
    if first is None:
        return body
    mark = (f'<w:bookmarkStart w:id="0" w:name="{RECORD_MARK.format(number)}"/>'
            '<w:bookmarkEnd w:id="0"/>')
    return body[:first.end()] + mark + body[first.end():]


def _unique_bookmarks(body: str, start: int) -> tuple[str, int]:
    """Return `body` with bookmark ids renumbered from `start` (ends follow their starts)."""
    counter = [start]
    open_ids: dict[str, list[int]] = {}

    def repl(m: re.Match[str]) -> str:
        stack = open_ids.setdefault(m.group(3), [])
        if m.group(2) == "Start" or not stack:
            value = counter[0]
            counter[0] += 1
            if m.group(2) == "Start":
                stack.append(value)
        else:
            value = stack.pop()
        return f"{m.group(1)}{value}{m.group(4)}"

    return _BOOKMARK.sub(repl, body), counter[0]


class _PrintFile:
    """The merged document being built: one record after another, streamed into deflate."""

    def __init__(self, template: CompiledDocx, per_page: int) -> None:
        self.template, self.per_page = template, per_page
        self.numbering = _Numbering(template)
        self.headers = _HeaderVariants(template)
        self.out = DeflateWriter()
        self.out.write(template.body_prefix)
        self.next_docpr, self.next_bookmark, self.count = 1001, 1, 0
        self.first: Mapping | None = None
        #: pictures of the data (InlineImage) the records show, by relationship id
        self.pictures: set[str] = set()

    def add(self, context: Mapping, last: bool, body: str | None = None) -> int:
        """Return the record count after rendering one record (unless its `body` is given)
        and appending it (closed by a section or page break as needed)."""
        tpl = self.template
        self.first = context if self.first is None else self.first
        body = tpl.render_body(context) if body is None else body
        self.pictures |= picture_ids(body)
        if tpl.has_docpr or "<wp:docPr" in body:
            body, self.next_docpr = renumber(DOCPR_ID, body, self.next_docpr)
        body = mark_record(body, self.count + 1)
        body, self.next_bookmark = _unique_bookmarks(body, self.next_bookmark)
        body = self.numbering.restart(body)
        if self.per_page == 1:
            rids = self.headers.for_record(context)

            def remap(m: re.Match[str]) -> str:
                return m.group(1) + rids.get(m.group(2), m.group(2)) + m.group(3)

            sectpr = tpl.final_sectpr
            if "<w:sectPr" in body:
                # Several sections per record: the record's first section restarts numbering.
                body = _HF_REF.sub(remap, _SECTPR.sub(lambda m: with_restart(m.group(0)), body,
                                                      count=1))
            else:
                sectpr = with_restart(sectpr)
            sectpr = _HF_REF.sub(remap, sectpr)
            self.out.write(body + sectpr if last else _end_section(body, sectpr))
        else:
            if self.count and self.count % self.per_page == 0:
                body = _break_before(body)
            self.out.write(body + (tpl.final_sectpr if last else ""))
        self.count += 1
        return self.count

    def finish(self) -> bytes:
        """Return the finished .docx."""
        assert self.first is not None
        tpl = self.template
        self.out.write(tpl.body_suffix)
        replacements: dict[str, Content] = dict(self.headers.replacements()
                                                if self.per_page == 1 else {})
        for name in tpl.templated_parts:
            if name != DOCUMENT and name not in replacements:
                replacements[name] = tpl.render_part(name, self.first)
        numbering_xml = self.numbering.part()
        if numbering_xml is not None:
            replacements["word/numbering.xml"] = numbering_xml
        document = self.out.finish(DOCUMENT)
        members = [document if m.name == DOCUMENT else m for m in tpl.members]
        members += self.headers.extra
        used = {DOCUMENT: self.pictures, **self.headers.pictures}
        used.update({name: picture_ids(xml) for name, xml in replacements.items()
                     if isinstance(xml, str) and name.startswith(("word/header", "word/footer"))})
        extra = attach_pictures(members, used, tpl.pictures, replacements)
        result = write_zip(members + extra, replacements)
        assert result is not None
        return result


class PrintFileWriter:
    """Build one .docx holding many records of one template, for printing.

    per_page == 1: each record is a section restarting page numbers at 1; the last one is
    closed by the body's own sectPr, so there is no blank last page. Templated headers and
    footers are rendered per record (equal renderings share one part).
    per_page > 1: records follow each other, a page break before every per_page-th record;
    headers/footers are rendered with the first record.
    Both: lists restart per record (own w:num instances), wp:docPr and bookmark ids are
    renumbered to stay unique (bookmark names are left as they are). The document part is
    deflated as it grows; a record's body may be handed in already rendered for its own file.
    """

    def __init__(self, template: CompiledDocx, per_page: int = 1) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self._file = _PrintFile(template, per_page)
        self._pending: tuple[Mapping, str | None] | None = None

    def add(self, context: Mapping, body: str | None = None) -> None:
        """Append one record; `body` is its rendered body (rendered here when None)."""
        if self._pending is not None:
            self._file.add(*self._pending[:1], last=False, body=self._pending[1])
        self._pending = (context, body)

    def finish(self) -> bytes:
        """Return the finished .docx (the last record closes with the body's own sectPr)."""
        if self._pending is None:
            raise ValueError("a print file needs at least one record")
        self._file.add(self._pending[0], last=True, body=self._pending[1])
        return self._file.finish()


__all__ = ["PrintFileWriter", "RECORD_MARK", "mark_record", "with_restart"]
