"""Check a Word file against the GB/T 9704-2012 layout rules that can be read from its XML."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import _Element

from fupin_docs.errors import FupinError
from fupin_docs.gongwen.measures import CHAR_SPACING, LINE, ZI, signature_indents
from fupin_docs.gongwen.oxml import Resolver, as_int, font_getter, toggle_getter, val_getter
from fupin_docs.i18n import tr
from fupin_docs.render.fastzip import ZipBomb, check_zip
from fupin_docs.render.runs import RARE_FONT, RARE_ONLY

FANGSONG = {"仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "方正仿宋_GBK", "方正仿宋简体"}
HEITI = {"黑体", "SimHei", "方正黑体_GBK", "方正黑体简体"}
KAITI = {"楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi", "方正楷体_GBK", "方正楷体简体"}
SONGTI = {"宋体", "SimSun"}
HEADING_FONTS = {1: (HEITI, "黑体"), 2: (KAITI, "楷体"), 3: (FANGSONG, "仿宋"),
                 4: (FANGSONG, "仿宋")}

TITLE_STYLES = {"公文标题", "Title", "title", "标题"}
SIGNATURE_STYLES = {"署名", "发文机关署名"}
DATE_STYLES = {"成文日期"}
FLUSH_STYLES = {"顶格", "主送", "主送机关"}
HEADING_STYLES = {"一级标题": 1, "二级标题": 2, "三级标题": 3, "四级标题": 4,
                  "heading 1": 1, "heading 2": 2, "heading 3": 3, "heading 4": 4}

_NUMERALS = "[一二三四五六七八九十]+"
HEADING_PATTERNS = ((1, re.compile(rf"^({_NUMERALS})、")), (2, re.compile(rf"^（({_NUMERALS})）")),
                    (3, re.compile(r"^(\d+)\.(?!\d)")), (4, re.compile(r"^（(\d+)）")))
_HALF_WIDTH_HEADING = re.compile(rf"^\(({_NUMERALS}|\d+)\)")
_LONE_DATE = re.compile(r"^\d{4}年\d{1,2}月(\d{1,2}日)?$")
_DATE = re.compile(r"(?<!\d)(\d{2,4})年(\d{1,2})月(?:(\d{1,2})日)?")
_ATTACHMENT_MARK = re.compile(r"^附件\s*\d*$")
_SALUTE = re.compile(r"^敬礼[！!]?$")
_PAGE_NUMBER = re.compile(r"^— ?\d+ ?—$")
_TWIPS_PER_MM = 1440 / 25.4


@dataclass(frozen=True)
class Departure:
    """One place where the document departs from GB/T 9704-2012."""

    rule: str        # short rule id, e.g. "边距", "正文字体", "页码"
    message: str
    where: str = ""  # the paragraph (number and opening text), section or footer concerned


@dataclass
class _Para:
    """A body paragraph with what the checker decided it is."""

    el: _Element
    number: int
    text: str
    style: str
    kind: str = "body"  # blank control title heading mark flush signature date body
    level: int = 0
    ordinal: int | None = None

    @property
    def where(self) -> str:
        """Return e.g. 第3段“一、资助对象” for messages."""
        snippet = self.text if len(self.text) <= 16 else self.text[:16] + "…"
        return tr(f"第{self.number}段“{snippet}”", f"paragraph {self.number} “{snippet}”")


def lint_docx(path: Path) -> list[Departure]:
    """Return the departures from GB/T 9704-2012 found in the Word file at `path`.

    Checked: page size and margins of every section; the 22 × 28 grid (docGrid, or exact
    28.95 pt line spacing with −0.25 pt character spacing); fonts and sizes of every text run
    resolved through run, paragraph style, basedOn chain and docDefaults; theme fonts;
    zh-CN language; title; headings; indents; page-number footers; dates; signature.

    Body paragraphs (the document's own, not table cells) are classified in this order:
    empty → blank line; starting with ``{%`` → template control line, skipped; style 公文标题
    or Title → title; style 署名 → 署名; style 成文日期, or a lone date such as "2024年1月5日"
    → 成文日期; style 顶格 / 主送, or a lone "敬礼" → flush-left line; "附件" or "附件2"
    alone → attachment mark (not checked); text starting "一、", "（一）", "1." or "（1）" →
    heading of level 1–4; style 一级标题 / 二级标题 / 三级标题 (or heading 1–4) → heading
    of that level, as in a template's "{{ n }}、…". Then: the text line right above a
    成文日期 is the 署名; without a title style, the first text line is the title when
    centred; a centred line right after an attachment mark is that attachment's title; the
    first text line after the title ending in "：" is the 主送机关 (flush-left). Everything
    else is body text (正文). Indents that are Jinja placeholders are not checked.
    """
    doc = _open(Path(path))
    res = Resolver(doc.styles.element)
    out, native_grid = _check_sections(doc)
    out += _check_defaults(doc, res)
    paras = _classify(doc, res)
    for para in paras:
        out += _check_paragraph(para, res, native_grid)
    out += _check_ordinals(paras)
    out += _check_signatures(paras, res)
    out += _check_page_numbers(doc, res)
    out += _check_dates(doc, paras)
    return out


def format_departures(departures: Iterable[Departure]) -> str:
    """Return the departures as lines for the terminal, or a line saying there are none."""
    lines = [f"[{d.rule}] " + (d.where + tr("：", ": ") if d.where else "") + d.message
             for d in departures]
    return "\n".join(lines) if lines else tr("未发现不合规之处。", "no departures")


def _open(path: Path) -> Document:
    """Return the Word document at `path`, or raise FupinError saying why it is not one."""
    if not path.is_file():
        raise FupinError(tr(f"找不到文件：{path}", f"no such file: {path}"))
    if not zipfile.is_zipfile(path):
        raise FupinError(tr(f"{path} 不是 Word 文档（.docx）：它不是 zip 格式的文件。",
                            f"{path} is not a Word document (.docx): it is not a zip file."))
    with zipfile.ZipFile(path) as archive:
        if "word/document.xml" not in archive.namelist():
            raise FupinError(tr(f"{path} 不是 Word 文档（.docx）：其中没有 word/document.xml。",
                                f"{path} is not a Word document (.docx): no word/document.xml."))
    try:
        check_zip(path, inflated=True)
    except ZipBomb as exc:
        raise FupinError(str(exc)) from None
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as exc:
        raise FupinError(tr(f"{path} 无法作为 Word 文档打开：{exc}",
                            f"{path} cannot be opened as a Word document: {exc}")) from exc


def _mm(twips: int) -> str:
    """Return twips as millimetres with one decimal."""
    return f"{twips / _TWIPS_PER_MM:.1f}"


def _check_sections(doc: Document) -> tuple[list[Departure], bool]:
    """Return page, margin and grid departures, and whether every section has Word's char grid."""
    out: list[Departure] = []
    native = True
    for n, section in enumerate(doc.sections, 1):
        sp, where = section._sectPr, tr(f"第{n}节", f"section {n}")
        size = sp.find(qn("w:pgSz"))
        w, h = (None, None) if size is None else (as_int(size.get(qn("w:w"))),
                                                  as_int(size.get(qn("w:h"))))
        if size is None or w is None or h is None or abs(w - 11906) > 28 or abs(h - 16838) > 28:
            shown = tr("未设置", "not set") if w is None or h is None else \
                f"{_mm(w)}×{_mm(h)} " + tr("毫米", "mm")
            out.append(Departure("页面", tr(f"纸张应为 A4 纵向（210×297 毫米），实为 {shown}",
                                           f"paper must be A4 portrait (210×297 mm), is {shown}"),
                                 where))
        elif size.get(qn("w:orient")) == "landscape":
            out.append(Departure("页面", tr("页面应为纵向", "page must be portrait"), where))
        margins = sp.find(qn("w:pgMar"))
        for side, mm, zh in (("top", 37, "上"), ("bottom", 35, "下"), ("left", 28, "左"),
                             ("right", 26, "右")):
            value = None if margins is None else as_int(margins.get(qn(f"w:{side}")))
            if value is None or abs(value / _TWIPS_PER_MM - mm) > 1:
                shown = "?" if value is None else _mm(value)
                out.append(Departure("边距", tr(f"{zh}边距应为 {mm}±1 毫米，实为 {shown} 毫米",
                                               f"{side} margin must be {mm}±1 mm, is {shown} mm"),
                                     where))
        if margins is not None and as_int(margins.get(qn("w:gutter"))) not in (None, 0):
            out.append(Departure("边距", tr("装订线应为 0", "gutter must be 0"), where))
        grid = sp.find(qn("w:docGrid"))
        kind = None if grid is None else grid.get(qn("w:type"))
        pitch = None if grid is None else as_int(grid.get(qn("w:linePitch")))
        char_space = None if grid is None else as_int(grid.get(qn("w:charSpace")))
        if kind == "linesAndChars" and pitch == LINE and char_space is not None \
                and -860 <= char_space <= -840:
            continue
        native = False
        if kind == "linesAndChars" or (kind in ("lines", "snapToChars") and pitch != LINE):
            out.append(Departure("行距", tr(
                f"文档网格应为每页 22 行（linePitch 579），每行 28 字时 charSpace 应在 −860 至 −840"
                f" 之间；实为 linePitch {pitch}、charSpace {char_space}",
                f"document grid must be 22 lines (linePitch 579) and, with characters, charSpace "
                f"−860…−840; is linePitch {pitch}, charSpace {char_space}"), where))
    return out, native


def _check_defaults(doc: Document, res: Resolver) -> list[Departure]:
    """Return language and theme-font departures (docDefaults, used styles, direct fonts)."""
    out: list[Departure] = []
    lang = None if res.default_rpr is None else res.default_rpr.find(qn("w:lang"))
    east = None if lang is None else lang.get(qn("w:eastAsia"))
    if east != "zh-CN":
        out.append(Departure("语言", tr(f"文档默认东亚语言应为 zh-CN（中文），实为 {east}",
                                       f"default East Asian language must be zh-CN, is {east}")))
    roots = [doc.element] + [rel.target_part.element for rel in doc.part.rels.values()
                             if rel.reltype.endswith(("/footer", "/header"))]
    used = {res.default_para}
    for root in roots:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used |= {el.get(qn("w:val")) for el in root.iter(qn(tag))}
    themed = [] if res.default_rpr is None or not _has_theme(res.default_rpr) else ["docDefaults"]
    seen: set[str] = set()
    for style_id in sorted(s for s in used if s):
        for style in res.chain(style_id):
            sid = style.get(qn("w:styleId")) or ""
            if sid not in seen and _has_theme(style):
                themed.append(res.style_name(sid) or sid)
            seen.add(sid)
    if themed:
        out.append(Departure("主题字体", tr(
            f"字体不应引用主题字体（w:*Theme 属性），见：{'、'.join(themed)}",
            f"fonts must not refer to theme fonts (w:*Theme), found in: {', '.join(themed)}")))
    for root in roots:
        for rfonts in root.iter(qn("w:rFonts")):
            if _has_theme(rfonts.getparent()):
                p = next(rfonts.iterancestors(qn("w:p")), None)
                text = "" if p is None else _text(p)[:16]
                out.append(Departure("主题字体", tr("文字直接引用了主题字体",
                                                   "text refers to a theme font directly"),
                                     f"“{text}”"))
    return out


def _has_theme(element: _Element) -> bool:
    """Return whether `element`'s own w:rFonts (under w:rPr for styles) has a theme attribute."""
    rpr = element if element.tag == qn("w:rPr") else element.find(qn("w:rPr"))
    rfonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return rfonts is not None and any(str(k).endswith(("Theme", "theme")) for k in rfonts.attrib)


def _text(p: _Element) -> str:
    """Return the text of paragraph `p` (its w:t elements)."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _body_paragraphs(container: _Element) -> list[_Element]:
    """Return the container's own paragraphs in order, also inside content controls."""
    out: list[_Element] = []
    for child in container:
        if child.tag == qn("w:p"):
            out.append(child)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                out += _body_paragraphs(content)
    return out


def _jc(res: Resolver, p: _Element) -> str:
    """Return the resolved alignment of `p` as "left", "right", "center", "both", …."""
    value = res.first(res.para_levels(p), val_getter("w:jc")) or "left"
    return {"start": "left", "end": "right"}.get(value, value)


def _merged(levels: list[_Element], tag: str) -> dict[str, str]:
    """Return the attributes of `tag` merged over `levels`, the nearest level winning each."""
    merged: dict[str, str] = {}
    for level in reversed(levels):
        child = level.find(qn(tag))
        if child is not None:
            merged.update({str(k).split("}")[-1]: str(v) for k, v in child.attrib.items()})
    return merged


def _first_line(res: Resolver, p: _Element) -> float:
    """Return the first-line indent in 字 (negative when hanging)."""
    ind = _merged(res.para_levels(p), "w:ind")
    for chars, twips, sign in (("hangingChars", "hanging", -1), ("firstLineChars", "firstLine", 1)):
        in_chars, in_twips = as_int(ind.get(chars)), as_int(ind.get(twips))
        if in_chars:
            return sign * in_chars / 100
        if in_twips:
            return sign * in_twips / ZI
    return 0.0


def _side_indent(res: Resolver, p: _Element, side: str) -> int | None:
    """Return the "left" or "right" indent in twips (None when not a number, e.g. a Jinja tag)."""
    ind = _merged(res.para_levels(p), "w:ind")
    other = {"left": "start", "right": "end"}[side]
    for name in (side, other):
        chars = as_int(ind.get(name + "Chars"))
        if chars:
            return chars * ZI // 100
    raw = ind.get(side, ind.get(other, "0"))
    return as_int(raw)


def _classify(doc: Document, res: Resolver) -> list[_Para]:
    """Return the body paragraphs, each with its kind decided as lint_docx describes."""
    paras = [_Para(p, n, _text(p).strip(), res.style_name(res.para_style_id(p)))
             for n, p in enumerate(_body_paragraphs(doc.element.body), 1)]
    for para in paras:
        text, style = para.text, para.style
        if not text:
            para.kind = "blank"
        elif text.startswith("{%"):
            para.kind = "control"
        elif style in TITLE_STYLES:
            para.kind = "title"
        elif style in SIGNATURE_STYLES:
            para.kind = "signature"
        elif style in DATE_STYLES or _LONE_DATE.match(text):
            para.kind = "date"
        elif style in FLUSH_STYLES or _SALUTE.match(text):
            para.kind = "flush"
        elif _ATTACHMENT_MARK.match(text):
            para.kind = "mark"
        else:
            for level, pattern in HEADING_PATTERNS:
                match = pattern.match(text)
                if match:
                    para.kind, para.level = "heading", level
                    para.ordinal = _ordinal(match.group(1))
                    break
            else:
                if style in HEADING_STYLES:  # e.g. a template's "{{ n }}、…" heading
                    para.kind, para.level = "heading", HEADING_STYLES[style]
    texts = [p for p in paras if p.kind not in ("blank", "control")]
    for before, after in zip(texts, texts[1:]):
        if after.kind == "date" and before.kind == "body" and len(before.text) <= 40:
            before.kind = "signature"
        if before.kind == "mark" and after.kind == "body" and _jc(res, after.el) == "center":
            after.kind = "title"
    if texts and not any(p.kind == "title" for p in paras) and texts[0].kind == "body" \
            and _jc(res, texts[0].el) == "center":
        texts[0].kind = "title"
    rest = [p for p in texts if p.kind != "title"]
    if rest and rest[0].kind == "body" and rest[0].text.endswith(("：", ":")):
        rest[0].kind = "flush"  # 主送机关
    return paras


def _ordinal(numeral: str) -> int | None:
    """Return the value of "3" or of a Chinese numeral up to 九十九 ("十二"), else None."""
    if numeral.isdigit():
        return int(numeral)
    value = {d: i for i, d in enumerate("一二三四五六七八九", 1)}
    tens, sep, ones = numeral.partition("十")
    if not sep:
        return value.get(numeral)
    if (tens and tens not in value) or (ones and ones not in value):
        return None
    return value.get(tens, 1) * 10 + value.get(ones, 0)


def _text_runs(p: _Element) -> list[tuple[int, _Element]]:
    """Return (text offset, run) for the runs holding text, outside text boxes."""
    out, offset = [], 0
    for r in p.iter(qn("w:r")):
        if next(r.iterancestors(qn("w:p")), None) is not p:
            continue
        text = "".join(t.text or "" for t in r.findall(qn("w:t")))
        if text:
            out.append((offset, r))
            offset += len(text)
    return out


def _font_label(name: str | None) -> str:
    """Return a resolved font name as shown in messages (theme fonts spelled out)."""
    if name and name.startswith("theme:"):
        return tr(f"主题字体（{name[6:]}）", f"theme font ({name[6:]})")
    return name or tr("未设置", "not set")


def _line_label(rule: str, line: int) -> str:
    """Return a w:spacing line setting as Word's paragraph dialog shows it."""
    if rule == "auto":
        return tr(f" {line / 240:g} 倍行距", f" {line / 240:g} lines")
    label = tr("固定值", "exactly") if rule == "exact" else tr("最小值", "at least")
    return f" {label} {line / 20:g} " + tr("磅", "pt")


def _check_paragraph(para: _Para, res: Resolver, native: bool) -> list[Departure]:
    """Return the spacing, font, size, indent and alignment departures of one paragraph."""
    out: list[Departure] = []

    def add(rule: str, zh: str, en: str) -> None:
        out.append(Departure(rule, tr(zh, en), para.where))
    if para.kind in ("control", "mark"):
        return out
    p, levels = para.el, res.para_levels(para.el)
    if para.kind == "title":
        runs = _text_runs(p)
        easts = {_font_label(res.first(res.run_levels(p, r), font_getter("eastAsia")))
                 for _, r in runs}
        sizes = {as_int(res.first(res.run_levels(p, r), val_getter("w:sz"))) or 20 for _, r in runs}
        if any("小标宋" not in e for e in easts):
            add("标题", f"标题应为小标宋体，实为{'、'.join(sorted(easts))}",
                f"title must be in 小标宋, is {', '.join(sorted(easts))}")
        if sizes - {44}:
            add("标题", "标题应为2号字（22磅）", "title must be 22 pt (2号)")
        if _jc(res, p) != "center" or _first_line(res, p):
            add("标题", "标题应居中且不缩进", "title must be centred without indent")
        return out
    spacing = _merged(levels, "w:spacing")
    line, rule = as_int(spacing.get("line")), spacing.get("lineRule", "auto")
    if not ((rule == "exact" and line is not None and abs(line - LINE) <= 1)
            or (native and rule == "auto" and line in (None, 240))):
        shown = _line_label(rule, 240 if line is None else line)
        add("行距", f"行距应为固定值 28.95 磅，实为{shown}",
            f"line spacing must be exactly 28.95 pt, is {shown}")
    if any(as_int(spacing.get(k)) for k in ("before", "after", "beforeLines", "afterLines")) or \
            any(spacing.get(k) in ("1", "true", "on") for k in ("beforeAutospacing",
                                                                 "afterAutospacing")):
        add("行距", "段前、段后间距应为 0", "space before and after must be 0")
    if para.kind == "blank":
        return out
    boundary = len(para.text)
    if para.kind == "heading" and "。" in para.text:
        boundary = para.text.index("。") + 1  # "（一）加强领导。" may run on as body text
    wrong_fonts, heading_fonts, sizes, bold, char_spacing = set(), set(), set(), False, set()
    for offset, r in _text_runs(p):
        run_levels = res.run_levels(p, r)
        east = res.first(run_levels, font_getter("eastAsia"))
        text = "".join(t.text or "" for t in r.findall(qn("w:t")))
        if east == RARE_FONT and RARE_ONLY.fullmatch(text):
            continue  # a character the official faces lack, in the face that has it
        if para.kind == "heading" and offset < boundary:
            fonts, _ = HEADING_FONTS[para.level]
            if east not in fonts:
                heading_fonts.add(_font_label(east))
            bold = bold or bool(res.first(run_levels, toggle_getter("w:b")))
        elif east not in FANGSONG:
            wrong_fonts.add(_font_label(east))
        sizes.add(as_int(res.first(run_levels, val_getter("w:sz"))) or 20)
        char_spacing.add(as_int(res.first(run_levels, val_getter("w:spacing"))) or 0)
    if wrong_fonts:
        shown = "、".join(sorted(wrong_fonts))
        add("正文字体", f"正文应为仿宋_GB2312，实为{shown}",
            f"body text must be 仿宋_GB2312, is {shown}")
    if heading_fonts:
        want, shown = HEADING_FONTS[para.level][1], "、".join(sorted(heading_fonts))
        add("层次标题字体", f"第{para.level}层标题应为{want}，实为{shown}",
            f"level-{para.level} heading must be {want}, is {shown}")
    if bold:
        add("层次标题加粗", "层次标题不应加粗", "headings must not be bold")
    if sizes - {32}:
        shown = "、".join(f"{s / 2:g}" for s in sorted(sizes))
        add("正文字号", f"应为3号字（16磅），实为 {shown} 磅",
            f"must be 16 pt (3号), is {shown} pt")
    if not native and char_spacing - {CHAR_SPACING}:
        add("字距", "文字字距应为 −0.25 磅（w:spacing −5），以保证每行 28 字",
            "character spacing must be −0.25 pt (w:spacing −5) for 28 characters per line")
    if para.kind in ("body", "heading"):
        first = _first_line(res, p)
        if abs(first - 2) > 0.07:
            add("首行缩进", f"首行应缩进 2 字，实为 {first:g} 字",
                f"first line must be indented 2 字, is {first:g}")
        align = _jc(res, p)
        if align != "both" and not (para.kind == "heading" and align == "left"):
            add("对齐", f"正文应两端对齐，实为 {align}", f"body text must be justified, is {align}")
    return out


def _check_ordinals(paras: list[_Para]) -> list[Departure]:
    """Return departures for heading ordinals that skip or repeat, or use half-width brackets."""
    out: list[Departure] = []
    expected = {1: 1, 2: 1, 3: 1, 4: 1}
    for para in paras:
        if para.kind == "mark":  # an attachment restarts its numbering
            expected = dict.fromkeys(expected, 1)
        elif para.kind == "body" and _HALF_WIDTH_HEADING.match(para.text):
            out.append(Departure("层次序数", tr("层次序数应使用全角括号“（）”",
                                               "heading ordinals need full-width brackets （）"),
                                 para.where))
        elif para.kind == "heading" and para.ordinal is not None:
            if para.ordinal != expected[para.level]:
                out.append(Departure("层次序数", tr(
                    f"第{para.level}层序数应为第 {expected[para.level]} 个，"
                    f"实为第 {para.ordinal} 个",
                    f"level-{para.level} ordinal should be {expected[para.level]}, "
                    f"is {para.ordinal}"), para.where))
            expected[para.level] = para.ordinal + 1
            for deeper in range(para.level + 1, 5):
                expected[deeper] = 1
    return out


def _check_signatures(paras: list[_Para], res: Resolver) -> list[Departure]:
    """Return departures of each 署名 + 成文日期 pair from §7.3.5."""
    out: list[Departure] = []
    live = [p for p in paras if p.kind != "control"]
    for i, date in enumerate(live):
        if date.kind != "date":
            continue
        if "{{" not in date.text and not re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date.text):
            out.append(Departure("成文日期", tr("成文日期应写全年、月、日",
                                               "the date must give year, month and day"),
                                 date.where))
        sig = live[i - 1] if i else None
        if sig is None or sig.kind != "signature":
            out.append(Departure("署名", tr("成文日期上一行应为发文机关署名",
                                           "the line above the date must be the signing unit"),
                                 date.where))
            continue
        for para in (sig, date):
            if _first_line(res, para.el) or _jc(res, para.el) != "right":
                out.append(Departure("署名", tr("署名和成文日期应右对齐、不首行缩进",
                                               "signature and date: right-aligned, no indent"),
                                     para.where))
        r_sig, r_date = _side_indent(res, sig.el, "right"), _side_indent(res, date.el, "right")
        if r_sig is None or r_date is None:
            continue  # indents are render-time placeholders
        before = live[:i - 1]
        seal = any(p.el.find(f".//{qn('w:drawing')}") is not None for p in (sig, *before[-1:]))
        want = signature_indents(sig.text, date.text, seal=seal)
        if abs(r_sig - want[0]) > 80 or abs(r_date - want[1]) > 80:
            rule_zh = "成文日期右空四字、署名居中于其上" if seal else \
                "成文日期首字比署名首字右移二字"
            rule_en = "date 4 字 from the right, unit centred over it" if seal else \
                "date starts 2 字 right of the unit's first character"
            out.append(Departure("署名", tr(
                f"署名应右空 {want[0] / ZI:g} 字、成文日期右空 {want[1] / ZI:g} 字（{rule_zh}），"
                f"实为 {r_sig / ZI:g} 字、{r_date / ZI:g} 字",
                f"unit should be {want[0] / ZI:g} 字 and date {want[1] / ZI:g} 字 from the right "
                f"({rule_en}), are {r_sig / ZI:g} and {r_date / ZI:g}"), sig.where))
        blanks = 0
        for p in reversed(before):
            if p.kind != "blank":
                break
            blanks += 1
        if not seal and blanks != 1:
            out.append(Departure("署名", tr(f"署名前应空一行，实为空 {blanks} 行",
                                           f"one blank line must precede the unit, found {blanks}"),
                                 sig.where))
    return out


def _field_text(p: _Element) -> tuple[str, bool]:
    """Return the paragraph's text with PAGE fields shown as "1", and whether it has one."""
    parts: list[str] = []
    has_page = False
    fields: list[dict] = []  # open complex fields: {"instr": str, "result": bool}
    is_page = lambda instr: instr.split()[:1] == ["PAGE"]  # noqa: E731
    for el in p.iter(qn("w:fldSimple"), qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if el.tag == qn("w:fldSimple") and is_page(el.get(qn("w:instr"), "").upper()):
            parts.append("1")
            has_page = True
        elif el.tag == qn("w:fldChar"):
            kind = el.get(qn("w:fldCharType"))
            if kind == "begin":
                fields.append({"instr": "", "result": False})
            elif kind == "separate" and fields:
                fields[-1]["result"] = True
            elif kind == "end" and fields:
                if is_page(fields.pop()["instr"].upper()):
                    parts.append("1")
                    has_page = True
        elif el.tag == qn("w:instrText") and fields:
            fields[-1]["instr"] += el.text or ""
        elif el.tag == qn("w:t"):
            in_page = any(is_page(f["instr"].upper()) for f in fields)
            simple = next(el.iterancestors(qn("w:fldSimple")), None)
            if not in_page and (simple is None or not is_page(simple.get(qn("w:instr"), "")
                                                               .upper())):
                parts.append(el.text or "")
    return "".join(parts), has_page


def _check_page_numbers(doc: Document, res: Resolver) -> list[Departure]:
    """Return departures of the odd/even page-number footers from §7.5."""
    out: list[Departure] = []
    flag = doc.settings.element.find(qn("w:evenAndOddHeaders"))
    if flag is None or flag.get(qn("w:val"), "1") in ("0", "false", "off"):
        out.append(Departure("页码", tr("未设置奇偶页不同的页脚（w:evenAndOddHeaders）",
                                       "odd and even footers are not enabled (evenAndOddHeaders)")))
    for n, section in enumerate(doc.sections, 1):
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            label = tr("奇数页页脚", "odd-page footer") if odd else \
                tr("偶数页页脚", "even-page footer")
            where = tr(f"第{n}节{label}", f"section {n} {label}")
            if footer.is_linked_to_previous:
                if n == 1:
                    out.append(Departure("页码", tr(f"缺少{label}", f"no {label}"), where))
                continue
            out += _check_footer([p._p for p in footer.paragraphs], odd, res, where)
    return out


def _check_footer(paras: list[_Element], odd: bool, res: Resolver, where: str) -> list[Departure]:
    """Return departures of one footer: "— n —", side, 1 字 inset, 4号 宋体."""
    numbered = [(p, text) for p in paras for text, has in [_field_text(p)] if has]
    if not numbered:
        return [Departure("页码", tr("页脚中没有页码域（PAGE）", "the footer has no PAGE field"),
                          where)]
    out: list[Departure] = []
    p, shown = numbered[0][0], numbered[0][1].strip()
    if not _PAGE_NUMBER.match(shown):
        out.append(Departure("页码", tr(f"页码应为“— 1 —”的形式，实为“{shown}”",
                                       f"page number must look like “— 1 —”, is “{shown}”"), where))
    side = "right" if odd else "left"
    inset = _side_indent(res, p, side)
    if _jc(res, p) != side or inset is None or not 240 <= inset <= 360:
        out.append(Departure("页码", tr(
            f"{'单' if odd else '双'}页码应居{'右' if odd else '左'}空一字",
            f"{'odd' if odd else 'even'} page numbers go {side}, 1 字 in"), where))
    runs = [r for r in p.iter(qn("w:r"))
            if r.find(qn("w:t")) is not None or r.find(qn("w:instrText")) is not None]
    for r in runs:
        levels = res.run_levels(p, r)
        fonts = {res.first(levels, font_getter(slot)) for slot in ("eastAsia", "ascii")}
        size = as_int(res.first(levels, val_getter("w:sz"))) or 20
        if size != 28 or not fonts <= SONGTI:
            out.append(Departure("页码", tr("页码应为4号（14磅）宋体",
                                           "page numbers must be 14 pt 宋体"), where))
            break
    return out


def _check_dates(doc: Document, paras: list[_Para]) -> list[Departure]:
    """Return departures for dates with leading zeros, short years or impossible values."""
    out: list[Departure] = []
    cells = [(p, tr("表格中", "in a table")) for p in doc.element.body.iter(qn("w:p"))
             if next(p.iterancestors(qn("w:tbl")), None) is not None]
    for p, where in [(para.el, para.where) for para in paras] + cells:
        for match in _DATE.finditer(_text(p)):
            year, month, day = match.groups()
            if len(year) == 3 or (len(year) == 2 and day is None):
                continue  # "300年" or "18年7月" is more likely a span of years than a date
            problem = None
            if month.startswith("0") or (day or "").startswith("0"):
                problem = tr("不应编虚位（月、日前不加 0）", "has a leading zero")
            elif not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
                problem = tr("不是有效日期", "is not a valid date")
            elif len(year) == 2:
                problem = tr("年份应写全（4 位）", "needs a four-digit year")
            if problem:
                out.append(Departure("日期", tr(f"日期“{match.group(0)}”{problem}",
                                               f"date “{match.group(0)}” {problem}"), where))
    return out


__all__ = ["Departure", "lint_docx", "format_departures"]
