"""Helpers shared by the tests: project trees, the bundled examples, golden files, tools, PNGs."""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import textwrap
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data_examples"
GOLDEN = Path(__file__).resolve().parent / "golden"

#: figures the 扯乐完小 report must state (from the source document)
CHELE_FIGURES = ["7名教师", "7个自然村", "192户", "850人", "130人", "全部为寄宿生", "49人", "42户",
                 "四个教学班", "14人", "10人", "13人", "每位联挂7名学生", "10户45人", "33户143人",
                 "35户160人", "36户158人", "32户152人", "30户138人", "16户54人", "2018年7月"]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`; return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


MINIMAL = {
    # flush left, so that every line keeps its number in the messages tests look for
    "school.yaml": """\
school:
  name: 测试县测试镇测试小学
  short_name: 测试小学
  county: 测试县
  town: 测试镇
  report_date: 2018-07
teachers:
  - {id: T01, name: 张明华, role: 校长, phone: "13800000001"}
  - {id: T02, name: 王建国, role: 教师, phone: "13800000002"}
units:
  - {id: 上村, name: 上村, households: 20, people: 80}
pairings:
  - {teacher: T01, households: [H01]}
  - {teacher: T02, households: [H02]}
households:
  - id: H01
    head: 李大
    unit: 上村
    phone: "13900000001"
    children:
      - {name: 李小一, gender: 男, birth_date: 2010-03-05, stage: 小学, grade: 2, boarding: 是}
  - id: H02
    head: 王二
    unit: 上村
    children:
      - {name: 王小二, gender: 女, birth_date: 2011-05-20, stage: 小学, grade: 1}
""",
}


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes (to prove nothing changed), but the
    stamps a build keeps of its files' times (a cache, not an output)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".stamps.json"}


def in_ci() -> bool:
    """Return True when running in CI, where every system tool must be present."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _missing(name: str) -> bool:
    """Return True when the system tool `name` (or, for "fonts", the font stand-ins) is absent."""
    from fupin_docs.output.pdf import find_soffice

    if name == "soffice":
        return find_soffice() is None
    if name == "fonts":  # the free faces that stand in for 仿宋、黑体、楷体、小标宋
        from fupin_docs.output.environment import pdf_font_problems

        return shutil.which("fc-match") is None or bool(pdf_font_problems())
    return shutil.which(name) is None


def require_tool(*names: str) -> None:
    """Skip when a system tool is missing, except in CI, where a missing tool fails the test.

    In CI a missing LibreOffice or poppler means the PDF path silently stopped being tested,
    so it must fail; on a developer's machine a skip with the reason is enough. "soffice" is
    looked for the way `fupin-docs` does (FUPIN_SOFFICE, PATH, the usual install folders);
    "fonts" stands for the stand-ins of the official faces that `make system-deps` installs.
    """
    missing = [n for n in names if _missing(n)]
    if not missing:
        return
    message = f"missing system tool(s): {', '.join(missing)} (run: make system-deps)"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def golden(request: pytest.FixtureRequest, name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/<name>; rewrite it with --update-golden."""
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {name}; run pytest --update-golden"
    assert actual == path.read_text("utf-8")


# ---------------------------------------------------------------- PNG pages


def png_rows(path: Path) -> Iterator[tuple[bytes, int]]:
    """Yield each decoded pixel row with the bytes per pixel (non-interlaced, 8-bit PNGs)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, width, bpp = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, color, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    prev = bytearray(stride)
    for start in range(0, len(raw), stride + 1):
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        yield bytes(line), bpp
        prev = line


def png_colors(path: Path) -> int:
    """Return how many distinct pixel values a PNG has."""
    seen: set[bytes] = set()
    for line, bpp in png_rows(path):
        seen.update(line[i:i + bpp] for i in range(0, len(line), bpp))
    return len(seen)


def has_ink(path: Path) -> bool:
    """Return True when a PNG has a dark pixel (text), not just a white page."""
    for line, bpp in png_rows(path):
        colour = min(3, bpp)
        if any(max(line[i:i + colour]) < 100 for i in range(0, len(line), bpp)):
            return True
    return False


# ---------------------------------------------------------------- print files


def merge(template: object, contexts: object, per_page: int = 1) -> bytes:
    """Return one print file of `template` holding every context (PrintFileWriter, once)."""
    from fupin_docs.render.merge import PrintFileWriter

    writer = PrintFileWriter(template, per_page)  # type: ignore[arg-type]
    for context in contexts:  # type: ignore[attr-defined]
        writer.add(context)
    return writer.finish()


# ---------------------------------------------------------------- Word files read back

#: U+2060, which Word templates put inside names and numbers so that no line breaks there
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """Return text read from a .docx without the word joiners that keep tokens whole."""
    return text.replace(WORD_JOINER, "")


# ---------------------------------------------------------------- PDF pages read back

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: the stress project: six children in one household, long and rare names, a long address
STRESS = FIXTURES / "压力测试学校"


def squeeze(text: str) -> str:
    """Return `text` without white space, word joiners or hyphens (how text is compared with
    what pdftotext reads back: it adds spaces at font changes and drops hyphens at line ends)."""
    return re.sub(r"[\s\u2060\u3000\-]", "", text)


def run_tool(*args: str | Path) -> str:
    """Return what a poppler tool prints."""
    done = subprocess.run([str(a) for a in args], capture_output=True, check=True)
    return done.stdout.decode("utf-8", errors="replace")


def pdf_page_count(pdf: Path) -> int:
    """Return the number of pages of `pdf`."""
    return int(re.search(r"^Pages:\s+(\d+)", run_tool("pdfinfo", pdf), re.MULTILINE)[1])


def pdf_page_texts(pdf: Path) -> list[str]:
    """Return the text of each page of `pdf`, in reading order (pdftotext -raw)."""
    return run_tool("pdftotext", "-raw", pdf, "-").split("\f")[:pdf_page_count(pdf)]


def pdf_lines(pdf: Path) -> list[tuple[int, str]]:
    """Return (page, text) of every line poppler lays out, its words joined (-bbox-layout)."""
    out = run_tool("pdftotext", "-bbox-layout", pdf, "-")
    found = []
    for number, page in enumerate(re.split(r"<page\b", out)[1:], start=1):
        for line in re.findall(r"<line\b.*?</line>", page, re.DOTALL):
            words = re.findall(r"<word\b[^>]*>(.*?)</word>", line, re.DOTALL)
            found.append((number, html.unescape("".join(words))))
    return found


def pdf_fonts(pdf: Path) -> set[str]:
    """Return the families embedded in `pdf` (subset prefixes cut off)."""
    rows = run_tool("pdffonts", pdf).splitlines()[2:]
    return {row.split()[0].split("+")[-1] for row in rows if row.strip()}


def docx_texts(path: Path) -> list[str]:
    """Return every paragraph of a .docx, table cells included, as printed (no word joiners)."""
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        # the cells' elements themselves, held: an id() is reused once its object is freed, and
        # would pass over cells never seen
        seen: list[object] = []
        for row in table.rows:
            for cell in row.cells:
                if not any(cell._tc is tc for tc in seen):  # a merged cell is one cell
                    seen.append(cell._tc)
                    texts += [p.text for p in cell.paragraphs]
    return [plain(t) for t in texts]
