"""Runs rewritten after rendering so that paper keeps what it must: whole names, rare characters.

Two things cannot be said inside a run's text alone:

- A token joined by word joiners (a name, a phone number) is kept on one line by Word, but
  LibreOffice ignores the joiners in text marked Chinese or Japanese. Its own run, marked
  ``w:eastAsia="en-US"`` and never spell-checked, is honoured by both.
- A character of CJK Extension B (𠮷, as in some names) is in none of the official fonts or
  their stand-ins, and LibreOffice does not always fall back for it. Its own run in
  SimSun-ExtB (宋体-ExtB, on every Chinese Windows; fonts.conf maps it to HanaMinB) prints it.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_RARE = "\U00020000-\U0003ffff"
#: a simple run: properties (optional) and one piece of text
_RUN = re.compile(r"(<w:r(?: [^>]*)?>)(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?>"
                  r"([^<]*)</w:t></w:r>", re.DOTALL)
_NEEDS = re.compile(f"[{WORD_JOINER}{_RARE}]")
#: a kept token: characters (an XML entity counts as one) with a word joiner between each
_CHAR = f"(?:&#?\\w+;|[^{WORD_JOINER}&<])"
_KEPT = re.compile(f"{_CHAR}(?:{WORD_JOINER}{_CHAR})+")
_RARE_CHARS = re.compile(f"[{_RARE}]+")
#: a run of nothing but rare characters (what `lint` lets stand in RARE_FONT)
RARE_ONLY = re.compile(f"[{_RARE}{WORD_JOINER}]+")
_RFONTS = re.compile(r"<w:rFonts\b[^>]*/>")
_LANG = re.compile(r"<w:lang\b[^>]*/>")
# w:rPr children that come after w:rFonts / before w:lang and w:noProof, in schema order
_AFTER_RFONTS = re.compile(r"<w:(?:b|bCs|i|iCs|caps|smallCaps|strike|dstrike|outline|shadow|"
                           r"emboss|imprint|noProof|snapToGrid|vanish|webHidden|color|spacing|w|"
                           r"kern|position|sz|szCs|highlight|u|effect|bdr|shd|fitText|vertAlign|"
                           r"rtl|cs|em|lang|eastAsianLayout|specVanish|oMath)\b")
_AFTER_NOPROOF = re.compile(r"<w:(?:snapToGrid|vanish|webHidden|color|spacing|w|kern|position|"
                            r"sz|szCs|highlight|u|effect|bdr|shd|fitText|vertAlign|rtl|cs|em|"
                            r"lang|eastAsianLayout|specVanish|oMath)\b")
_AFTER_LANG = re.compile(r"<w:(?:eastAsianLayout|specVanish|oMath)\b")
RARE_FONT = "SimSun-ExtB"


def _insert(rpr: str, tag: str, before: re.Pattern[str]) -> str:
    """Return the inner XML of a w:rPr with `tag` added at its place in the schema."""
    m = before.search(rpr)
    at = m.start() if m else len(rpr)
    return rpr[:at] + tag + rpr[at:]


def _kept_props(inner: str) -> str:
    """Return rPr contents marked as text whose word joiners LibreOffice must honour."""
    if "<w:noProof" not in inner:
        inner = _insert(inner, "<w:noProof/>", _AFTER_NOPROOF)
    lang = _LANG.search(inner)
    if lang is None:
        return _insert(inner, '<w:lang w:eastAsia="en-US"/>', _AFTER_LANG)
    tag = re.sub(r'\s+w:eastAsia="[^"]*"', "", lang.group(0))
    tag = tag[:-2].rstrip() + ' w:eastAsia="en-US"/>'
    return inner[:lang.start()] + tag + inner[lang.end():]


def _rare_props(inner: str) -> str:
    """Return rPr contents setting the East Asian font to the one that has Extension B."""
    fonts = _RFONTS.search(inner)
    if fonts is None:
        return _insert(inner, f'<w:rFonts w:eastAsia="{RARE_FONT}" w:hint="eastAsia"/>',
                       _AFTER_RFONTS)
    tag = re.sub(r'\s+w:(?:eastAsia|eastAsiaTheme|hint)="[^"]*"', "", fonts.group(0))
    tag = tag[:-2].rstrip() + f' w:eastAsia="{RARE_FONT}" w:hint="eastAsia"/>'
    return inner[:fonts.start()] + tag + inner[fonts.end():]


def _pieces(text: str) -> list[tuple[str, bool, bool]]:
    """Return (text, kept, rare) pieces of a run's text, in order."""
    out: list[tuple[str, bool, bool]] = []
    pos = 0
    for m in _KEPT.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False, False))
        out.append((m.group(0), True, False))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False, False))
    split: list[tuple[str, bool, bool]] = []
    for piece, kept, _ in out:
        at = 0
        for m in _RARE_CHARS.finditer(piece):
            if m.start() > at:
                split.append((piece[at:m.start()], kept, False))
            split.append((m.group(0), kept, True))
            at = m.end()
        if at < len(piece):
            split.append((piece[at:], kept, False))
    return split


def _rewrite(m: re.Match[str]) -> str:
    text = m.group(3)
    if not _NEEDS.search(text):
        return m.group(0)
    opening = m.group(1)
    rpr = m.group(2) or "<w:rPr></w:rPr>"
    inner = rpr[len("<w:rPr>"):-len("</w:rPr>")]
    runs = []
    for piece, kept, rare in _pieces(text):
        props = inner
        if kept:
            props = _kept_props(props)
        if rare:
            props = _rare_props(props)
        head = f"<w:rPr>{props}</w:rPr>" if props else ""
        runs.append(f'{opening}{head}<w:t xml:space="preserve">{piece}</w:t></w:r>')
    return "".join(runs)


#: runs already rewritten, by their XML: the template's own (a phone number) and a family's
#: names come back in every record or several times in one
_REWRITTEN: dict[str, str] = {}


def keep_runs(xml: str) -> str:
    """Return rendered WordprocessingML with kept tokens and rare characters in runs of their
    own (see the module's docstring); XML without either is returned as it is.

    Only the runs holding such a character are looked at: the same result as rewriting every
    simple run (a run's text holds no "<", so the run around a character opens at the last
    ``<w:r>`` or ``<w:r `` before it), without a call per run of the document.
    """
    found = _NEEDS.search(xml)
    if found is None:
        return xml
    out: list[str] = []
    done = 0  # out holds xml[:done]
    while found is not None:
        at = found.start()
        start = max(xml.rfind("<w:r>", done, at), xml.rfind("<w:r ", done, at))
        run = _RUN.match(xml, start) if start >= 0 else None
        if run is None or run.end() <= at:  # not in a simple run's text: left as it is
            found = _NEEDS.search(xml, at + 1)
            continue
        whole = run.group(0)
        rewritten = _REWRITTEN.get(whole)
        if rewritten is None:
            if len(_REWRITTEN) >= 4096:
                _REWRITTEN.clear()
            rewritten = _REWRITTEN[whole] = _rewrite(run)
        out += (xml[done:start], rewritten)
        done = run.end()
        found = _NEEDS.search(xml, done)
    out.append(xml[done:])
    return "".join(out)
