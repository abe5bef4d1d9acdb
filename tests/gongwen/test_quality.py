"""Quality of the 公文 documents: GB/T 9704 lint, PDF through LibreOffice, doctor and preview."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm

from fupin_docs.cli import main
from fupin_docs.commands import doctor
from fupin_docs.documents.registry import Scope, kind, kinds
from fupin_docs.gongwen.lint import format_departures, lint_docx
from fupin_docs.output import pdf
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import (
    CHELE_FIGURES,
    EXAMPLES,
    STRESS,
    has_ink,
    plain,
    require_tool,
    tree_snapshot,
)

POSIX_ONLY = pytest.mark.skipif(sys.platform.startswith("win"), reason="uses a shell script")
#: a school's kinds (a county's are built and judged in tests/county)
SCHOOL_KINDS = [k for k in kinds() if k.scope is not Scope.county]
GONGWEN = [k for k in SCHOOL_KINDS if k.gongwen]
PT_PER_MM = 72 / 25.4
#: the 版心 on an A4 page in PDF points: 37 mm from the top, 35 mm from the bottom
BODY_TOP, BODY_BOTTOM = 37 * PT_PER_MM, (297 - 35) * PT_PER_MM


def squeeze(text: str) -> str:
    """Return `text` without any whitespace (pdftotext spaces digits and breaks lines)."""
    return re.sub(r"\s+", "", text)


def tool(*cmd: str | Path) -> str:
    """Return the stdout of a poppler tool as text."""
    return subprocess.run([str(c) for c in cmd], capture_output=True, check=True,
                          timeout=120).stdout.decode("utf-8", errors="replace")


# --- lint -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def examples_built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return the output folder of each bundled example, built with its 公文-form documents."""
    outs = {}
    for name in ("扯乐完小", "九十一团学校", STRESS.name):
        out = tmp_path_factory.mktemp("lint") / name
        project = STRESS if name == STRESS.name else EXAMPLES / name
        build(project, BuildOptions(out_dir=out, only=tuple(d.key for d in GONGWEN)))
        outs[name] = out
    return outs


@pytest.mark.parametrize("name", ["扯乐完小", "九十一团学校", STRESS.name])
def test_every_gongwen_document_passes_lint(examples_built: dict[str, Path], name: str) -> None:
    out = examples_built[name]
    for doc in GONGWEN:
        files = sorted((out / doc.folder).rglob("*.docx"))  # per household and merged print
        assert files, doc.folder
        found = {f.relative_to(out).as_posix(): lint_docx(f) for f in files}
        bad = {rel: format_departures(d) for rel, d in found.items() if d}
        assert not bad, "\n".join(f"{rel}:\n{text}" for rel, text in bad.items())
    letters = list((out / kind("letter").folder).glob("*.docx"))
    households = 5 if name == STRESS.name else 10
    assert len(letters) >= households  # one per household: the loop above really checked them


def test_cli_lint_good_file(runner: CliRunner, examples_built: dict[str, Path]) -> None:
    report = examples_built["扯乐完小"] / "汇报材料/汇报材料.docx"
    result = runner.invoke(main, ["lint", str(report)])
    assert result.exit_code == 0, result.output
    assert "未发现不合规之处" in result.output


def test_cli_lint_planted_departure(runner: CliRunner, examples_built: dict[str, Path],
                                    tmp_path: Path) -> None:
    good = examples_built["扯乐完小"] / "汇报材料/汇报材料.docx"
    bad = tmp_path / "改过边距.docx"
    document = docx.Document(str(good))
    for section in document.sections:
        section.top_margin, section.left_margin = Mm(25), Mm(20)
    document.save(str(bad))
    result = runner.invoke(main, ["lint", str(good), str(bad)])
    assert result.exit_code == 1
    assert "[边距]" in result.output and "上边距应为 37±1 毫米，实为 25.0 毫米" in result.output
    assert "左边距" in result.output and "改过边距.docx" in result.output
    assert "未发现不合规之处" in result.output  # the good file is still reported
    assert "Traceback" not in result.output


def test_cli_lint_not_a_word_file(runner: CliRunner, tmp_path: Path) -> None:
    fake = tmp_path / "通知.docx"
    fake.write_text("这是一个改了扩展名的文本文件", encoding="utf-8")
    result = runner.invoke(main, ["lint", str(fake)])
    assert result.exit_code == 1
    assert "通知.docx" in result.output and "不是 Word 文档" in result.output
    assert "Traceback" not in result.output


# --- build --pdf ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chele_pdf(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Return a `build --pdf --only report,letter` of 扯乐完小, counting LibreOffice runs."""
    require_tool("soffice", "fonts", "pdftotext", "pdffonts", "pdfinfo")
    out = tmp_path_factory.mktemp("pdf") / "out"
    launches: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(cmd, *args, **kwargs):
        if "--convert-to" in cmd:
            launches.append(list(cmd))
        return real_popen(cmd, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf.subprocess, "Popen", popen)
        started = time.monotonic()
        result = CliRunner().invoke(main, ["--lang", "zh", "build", str(EXAMPLES / "扯乐完小"),
                                           "-o", str(out), "--only", "report,letter", "--pdf"])
        seconds = time.monotonic() - started
    assert result.exit_code == 0, result.output
    print(f"build --pdf (report + letters) took {seconds:.1f} s")
    return SimpleNamespace(out=out, launches=launches, seconds=seconds,
                           report=out / "PDF/汇报材料/汇报材料.pdf")


def test_one_libreoffice_run_lays_each_page_out_once(chele_pdf: SimpleNamespace) -> None:
    out = chele_pdf.out
    [launch] = chele_pdf.launches  # one LibreOffice process for the whole build
    given = sorted(Path(arg).name for arg in launch if arg.endswith(".docx"))
    # the school's documents and the print files; a household's own PDF is cut from its
    # print file's, so no page is laid out twice
    laid_once = sorted(p.name for p in out.rglob("*.docx")
                       if p.parent.name in ("汇报材料", "合并打印"))
    assert given == laid_once and "汇报材料.docx" in given
    # every .docx has its PDF at PDF/<folder>/<name>.pdf, listed in the manifest
    manifest = (out / "manifest.json").read_text("utf-8")
    for word in out.rglob("*.docx"):
        rel = f"PDF/{word.relative_to(out).with_suffix('.pdf').as_posix()}"
        assert (out / rel).is_file() and f'"{rel}"' in manifest, rel


def test_report_pdf_is_a4_and_holds_the_text(chele_pdf: SimpleNamespace) -> None:
    info = tool("pdfinfo", chele_pdf.report)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and (round(float(size[1])), round(float(size[2]))) == (595, 842)
    text = squeeze(tool("pdftotext", "-enc", "UTF-8", chele_pdf.report, "-"))
    assert not [f for f in CHELE_FIGURES if f not in text]
    # Every paragraph, punctuation included: LibreOffice's hanging punctuation once dropped a
    # "，" that fell just past the 28th character of a line.
    body = re.sub(r"—\d+—", "", text)
    word = docx.Document(str(chele_pdf.out / "汇报材料/汇报材料.docx"))
    missing = [p.text for p in word.paragraphs if squeeze(plain(p.text)) not in body]
    assert not missing


def test_report_pdf_fonts(chele_pdf: SimpleNamespace) -> None:
    rows = [line.split() for line in tool("pdffonts", chele_pdf.report).splitlines()[2:]]
    faces = {row[0].split("+")[-1]: row for row in rows if row}
    fang = [row for face, row in faces.items() if face.startswith("FandolFang")]
    assert fang and all(row[-5] == "yes" for row in fang), faces  # embedded (column "emb")
    # 黑体 (the "一、" headings) legitimately maps to Noto Sans CJK SC; any other Sans face,
    # DejaVu Sans above all, means the official font names were not mapped.
    assert not [f for f in faces if "sans" in f.lower() and not f.startswith("NotoSansCJK")]
    # ... and the Sans face carries the level-1 headings and nothing else.
    require_tool("pdftohtml")
    root = ET.fromstring(tool("pdftohtml", "-xml", "-i", "-stdout", "-q", chele_pdf.report))
    sans = {f.get("id") for f in root.iter("fontspec") if "Sans" in f.get("family", "")}
    in_sans = squeeze("".join("".join(t.itertext()) for t in root.iter("text")
                              if t.get("font") in sans))
    word = docx.Document(str(chele_pdf.out / "汇报材料/汇报材料.docx"))
    headings = squeeze("".join(p.text for p in word.paragraphs if p.style.name == "一级标题"))
    assert headings and in_sans == headings


def text_rows(pdf_file: Path, page: int) -> list[tuple[float, str]]:
    """Return (vertical centre in pt, text) per printed line of `page`, top to bottom."""
    out = tool("pdftotext", "-f", page, "-l", page, "-bbox", pdf_file, "-")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                       r"(.*?)</word>", out)
    rows: list[list] = []
    for _x, top, bottom, text in sorted(words, key=lambda w: (float(w[1]), float(w[0]))):
        centre = (float(top) + float(bottom)) / 2
        if rows and abs(centre - rows[-1][0]) < 5:
            rows[-1][1].append(text)
        else:
            rows.append([centre, [text]])
    return [(centre, "".join(parts)) for centre, parts in rows]


def test_full_body_page_holds_22_lines(chele_pdf: SimpleNamespace) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", tool("pdfinfo", chele_pdf.report))[1])
    assert pages >= 3  # so page 2 is a full page with a page after it
    rows = text_rows(chele_pdf.report, 2)
    body = [(y, t) for y, t in rows if BODY_TOP <= y <= BODY_BOTTOM]
    footer = [t for y, t in rows if y > BODY_BOTTOM]
    assert footer == ["—2—"]
    # GB/T 9704 §5.2.4: 22 lines fill the 版心, so no full page may hold more; a full page
    # may hold up to two fewer when a heading is kept with its paragraph on the next page.
    assert 20 <= len(body) <= 22, [t for _, t in body]
    pitch = statistics.median(b[0] - a[0] for a, b in zip(body, body[1:]))
    assert abs(pitch - 28.95) < 0.5  # 225 mm / 22
    # 28 characters on a full line of 汉字 (lines with digits hold a few more or fewer)
    cjk = [t for _, t in body if re.fullmatch(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+", t)]
    assert cjk and max(len(t) for t in cjk) == 28, cjk


@POSIX_ONLY
def test_failed_conversion_keeps_previous_output(runner: CliRunner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    args = ["build", str(EXAMPLES / "扯乐完小"), "-o", str(out), "--only", "report"]
    assert runner.invoke(main, args).exit_code == 0
    before = tree_snapshot(out)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'soffice crashed' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "find_soffice", lambda: fake)
    # the fonts are not what this is about: a machine without them converts all the same
    result = runner.invoke(main, args + ["--pdf", "--allow-font-fallback"])
    assert result.exit_code == 1
    assert "LibreOffice 转换 PDF 失败（退出码 1）" in result.output
    assert "soffice crashed" in result.output and "Traceback" not in result.output
    assert tree_snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "soffice"]  # no staging left


def test_pdf_without_libreoffice_stops_before_rendering(runner: CliRunner, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(EXAMPLES / "扯乐完小"), "-o", str(out), "--pdf"])
    # the fix installs the fonts too: LibreOffice alone would set the body in a sans face
    assert result.exit_code == 1 and "sudo make system-deps" in result.output
    assert not out.exists() and "Traceback" not in result.output


# --- doctor and preview ---------------------------------------------------------------------

def test_doctor_names_every_official_font(runner: CliRunner) -> None:
    result = runner.invoke(main, ["doctor"])
    for name in ("LibreOffice", "仿宋_GB2312", "楷体_GB2312", "黑体", "小标宋", "宋体",
                 "Times New Roman"):
        assert name in result.output, name
    assert result.exit_code == (1 if doctor.blocking(doctor.diagnose()) else 0)


def test_doctor_exit_code(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = doctor.Finding("LibreOffice", doctor.OK, "/usr/bin/soffice")
    no_poppler = doctor.Finding("pdftoppm", doctor.MISSING, "未找到", needed_for_pdf=False)
    no_fang = doctor.Finding("仿宋_GB2312", doctor.MISSING, "→ DejaVu Sans")
    monkeypatch.setattr(doctor, "diagnose", lambda: [ok, no_poppler])
    result = runner.invoke(main, ["doctor"])
    assert result.exit_code == 0 and "生成 PDF 所需的都已具备" in result.output
    monkeypatch.setattr(doctor, "diagnose", lambda: [ok, no_poppler, no_fang])
    result = runner.invoke(main, ["doctor"])
    assert result.exit_code == 1 and "[缺少] 仿宋_GB2312" in result.output


def test_preview_shows_every_document_type(runner: CliRunner, tmp_path: Path) -> None:
    require_tool("soffice", "fonts", "pdftoppm")  # the page count holds with the right faces
    target = tmp_path / "预览"
    result = runner.invoke(main, ["preview", str(EXAMPLES / "扯乐完小"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    index = target / "index.html"
    assert result.output.strip().splitlines()[-1] == str(index)
    html = index.read_text("utf-8")
    for doc in SCHOOL_KINDS:  # every kind, workbooks included, with every page of one record
        assert f"<h2>{doc.label}<small>" in html, doc.label
    assert "上扯_H01_黄德明.docx" in html  # the first household's letter, notice and card
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) >= len(SCHOOL_KINDS) + 4 and len(set(images)) == len(images)
    report_pages = [i for i in images if i.startswith("01-")]
    assert len(report_pages) == 5  # the report's five pages, each drawn
    blank = [name for name in images if not has_ink(target / name)]
    assert not blank
    assert sorted(p.name for p in target.iterdir()) == sorted(["index.html", *images])
