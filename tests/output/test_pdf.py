"""Tests for PDF conversion, the font mapping, the doctor report and the preview page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fupin_docs.commands import doctor, preview
from fupin_docs.errors import FupinError, ToolMissing
from fupin_docs.i18n import set_lang
from fupin_docs.output import pdf
from tests.helpers import png_colors, require_tool

BODY = "为进一步做好教育扶贫工作，我校2024年共资助学生58人，发放资助金额12345.67元。"
POSIX_ONLY = pytest.mark.skipif(sys.platform.startswith("win"), reason="uses a shell script")


@pytest.fixture(autouse=True)
def _chinese_messages():
    """Return (yield) with Chinese messages chosen, whatever the machine's locale."""
    set_lang("zh")
    yield
    set_lang(None)


def make_docx(path: Path, text: str = BODY, east_asian: str = "仿宋_GB2312") -> Path:
    """Return `path` after writing an A4 .docx with one 16 pt body paragraph in `east_asian`."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # the template is US Letter
    run = doc.add_paragraph().add_run(text)
    run.font.size = Pt(16)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr, value in (("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman"),
                        ("w:eastAsia", east_asian), ("w:cs", "Times New Roman")):
        fonts.set(qn(attr), value)
    doc.save(str(path))
    return path


def tool_output(*cmd: str | Path) -> str:
    """Return the stdout of a poppler tool."""
    return subprocess.run([str(c) for c in cmd], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """Return one real PDF converted by LibreOffice, and how long the conversion took."""
    require_tool("soffice", "fonts")
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("pdf")
    docx = make_docx(src / "资助汇报.docx")
    started = time.monotonic()
    made = pdf.convert_folder([docx], out)
    return made[0], time.monotonic() - started


# --- real conversion ------------------------------------------------------------------------

def test_pdf_text_page_size_and_fonts(converted: tuple[Path, float]) -> None:
    require_tool("pdftotext", "pdfinfo", "pdffonts")
    made, seconds = converted
    assert made.name == "资助汇报.pdf" and made.is_file()
    print(f"one conversion took {seconds:.1f} s")

    text = re.sub(r"\s+", "", tool_output("pdftotext", "-enc", "UTF-8", made, "-"))
    assert re.sub(r"\s+", "", BODY) in text

    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", tool_output("pdfinfo", made))
    assert size is not None
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)

    lines = tool_output("pdffonts", made).splitlines()[2:]
    fonts = [line.split()[0].split("+")[-1] for line in lines if line.strip()]
    assert any(f.startswith("FandolFang") for f in fonts), fonts
    # The only CJK text is the 仿宋 body, so any Sans face means the mapping did not apply.
    assert not [f for f in fonts if "sans" in f.lower()], fonts


def test_pdf_is_complete(converted: tuple[Path, float]) -> None:
    made, _ = converted
    data = made.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert not [p for p in made.parent.iterdir() if p.name != made.name]


def test_fonts_conf_maps_official_names(tmp_path: Path) -> None:
    require_tool("fc-match", "fonts")
    env = dict(os.environ, FONTCONFIG_FILE=str(pdf.write_fonts_conf(tmp_path)))
    expected = {"仿宋_GB2312": "FandolFang", "仿宋": "FandolFang", "FangSong": "FandolFang",
                "楷体_GB2312": "AR PL UKai CN", "KaiTi": "AR PL UKai CN",
                "黑体": "Noto Sans CJK SC", "SimHei": "Noto Sans CJK SC",
                "方正小标宋简体": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC",
                "DejaVu Serif": "DejaVu Serif"}  # the system config is still included
    for name, family in expected.items():
        got = subprocess.run(["fc-match", "-f", "%{family}", name], env=env, capture_output=True,
                             check=True).stdout.decode()
        assert family in got.split(","), (name, got)


# --- failures -------------------------------------------------------------------------------

def test_missing_soffice_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("FUPIN_SOFFICE", raising=False)
    monkeypatch.setattr(pdf, "_install_candidates", lambda: [])
    assert pdf.find_soffice() is None
    with pytest.raises(ToolMissing) as info:
        pdf.convert_folder([make_docx(tmp_path / "a.docx")], tmp_path / "out")
    message = info.value.format_message()
    assert "LibreOffice" in message and "sudo make system-deps" in message
    assert "Windows" in message and "macOS" in message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """Return a fake soffice script running `body` (with $OUT = the --outdir) and install it."""
    script = tmp_path / "fake-soffice"
    find_outdir = 'OUT=""; while [ $# -gt 0 ]; do [ "$1" = --outdir ] && OUT="$2"; shift; done'
    script.write_text(f"#!/bin/sh\n{find_outdir}\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(pdf, "find_soffice", lambda: script)
    return script


def _alive(pid: int) -> bool:
    """Return True when process `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@POSIX_ONLY
def test_timeout_kills_and_leaves_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Writes a truncated PDF, then hangs in a child process, like a stuck soffice.bin.
    fake_soffice(tmp_path, monkeypatch, f'printf "%%PDF-1.7 half" > "$OUT/a.pdf"\n'
                 f'sleep 30 & echo $! > "{tmp_path}/child.pid"\nwait')
    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(FupinError) as info:
        pdf.convert_folder([make_docx(tmp_path / "a.docx")], out, timeout=1)
    assert time.monotonic() - started < 10
    assert "超时" in info.value.format_message() and "a.docx" in info.value.format_message()
    assert not list(out.glob("*.pdf"))
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the whole process group must be killed"


@POSIX_ONLY
def test_crash_leaves_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch,
                 'printf "%%PDF-1.7 half" > "$OUT/a.pdf"; echo "segfault" >&2; exit 1')
    out = tmp_path / "out"
    with pytest.raises(FupinError) as info:
        pdf.convert_folder([make_docx(tmp_path / "a.docx")], out)
    message = info.value.format_message()
    assert "退出码 1" in message and "a.docx" in message and "segfault" in message
    assert not list(out.glob("*.pdf"))


@POSIX_ONLY
def test_unconverted_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # soffice exits 0 even when a file fails to load; one good PDF, one truncated, one missing.
    fake_soffice(tmp_path, monkeypatch, 'printf "%%PDF-1.7\\n%%%%EOF\\n" > "$OUT/good.pdf"\n'
                 'printf "%%PDF-1.7 half" > "$OUT/half.pdf"\nexit 0')
    files = [make_docx(tmp_path / f"{n}.docx") for n in ("good", "half", "gone")]
    out = tmp_path / "out"
    with pytest.raises(FupinError) as info:
        pdf.convert_folder(files, out)
    message = info.value.format_message()
    assert "half.docx" in message and "gone.docx" in message and "good.docx" not in message
    assert sorted(p.name for p in out.iterdir()) == ["good.pdf"]


def test_same_pdf_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    a, b = make_docx(tmp_path / "a.docx"), make_docx(tmp_path / "x" / "a.docx")
    with pytest.raises(FupinError, match="同名"):
        pdf.convert_folder([a, b], tmp_path / "out")


# --- doctor and preview ---------------------------------------------------------------------

def test_doctor_report_mentions_each_font() -> None:
    report = doctor.format_report(doctor.diagnose())
    for name in ("LibreOffice", "pdftoppm", "fc-match", "仿宋_GB2312", "楷体_GB2312", "黑体",
                 "小标宋", "宋体"):
        assert name in report, name


def test_doctor_fonts_resolve_to_acceptable_faces() -> None:
    require_tool("fc-match", "fonts")
    by_item = {f.item: f for f in doctor.diagnose()}
    fang = by_item["仿宋_GB2312"]
    assert fang.ok and "FandolFang" in fang.detail, fang
    assert all(by_item[n].ok for n in ("楷体_GB2312", "黑体", "宋体")), by_item
    # A Sans face for 仿宋 is exactly the failure the doctor exists to catch.
    assert not doctor._acceptable("DejaVu Sans", ("fang", "仿宋"), ("sans", "hei", "黑"))


def test_doctor_without_soffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    findings = doctor.diagnose()
    office = next(f for f in findings if f.item == "LibreOffice")
    assert not office.ok
    assert "sudo make system-deps" in doctor.format_report(findings)


def test_preview_writes_index_and_images(tmp_path: Path) -> None:
    require_tool("soffice", "pdftoppm")
    docs = {"汇报材料": make_docx(tmp_path / "汇报.docx"),
            "致家长的一封信": make_docx(tmp_path / "信.docx", "尊敬的家长：您好！", "楷体_GB2312")}
    index = preview.make_previews(docs, tmp_path / "preview")
    html = index.read_text(encoding="utf-8")
    assert index.name == "index.html" and 'charset="utf-8"' in html
    assert "汇报材料" in html and "致家长的一封信" in html and "第 1 页" in html
    assert "http" not in html.replace('lang="zh-CN"', "")  # no external resources
    for image in ("01-1.png", "02-1.png"):
        assert f'src="{image}"' in html
        assert png_colors(tmp_path / "preview" / image) > 1, f"{image} is blank"


def test_preview_needs_pdftoppm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissing, match="poppler-utils"):
        preview.make_previews({"汇报": make_docx(tmp_path / "a.docx")}, tmp_path / "p")


def test_pdf_refuses_wrong_faces_unless_allowed(runner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from fupin_docs.cli import main
    from fupin_docs.output import environment
    from tests.helpers import EXAMPLES

    missing = environment.Finding("仿宋_GB2312", environment.MISSING, "→ DejaVu Sans",
                                  "sudo apt-get install …")
    monkeypatch.setattr(environment, "pdf_font_problems", lambda fonts=None: [missing])
    monkeypatch.setattr(pdf, "find_soffice", lambda: Path("/usr/bin/true"))
    from fupin_docs.output import pdf_pages

    converted: list[Path] = []
    monkeypatch.setattr(pdf_pages, "convert_files", lambda jobs, **kw: converted.extend(jobs)
                        or [])
    out = tmp_path / "out"
    args = ["build", str(EXAMPLES / "扯乐完小"), "-o", str(out), "--only", "report", "--pdf"]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1 and "仿宋_GB2312→ DejaVu Sans" in refused.output
    assert "sudo make system-deps" in refused.output and "--allow-font-fallback" in refused.output
    assert not out.exists() and not converted  # refused before anything was written
    allowed = runner.invoke(main, args + ["--allow-font-fallback"])
    assert allowed.exit_code == 0, allowed.output
    assert [f.name for f in converted] == ["汇报材料.docx"]


def test_a_libreoffice_without_record_marks_converts_households_one_by_one(
        minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older LibreOffice may not keep the bookmarks the PDFs are cut at: every household
    still gets its PDF, converted from its own Word file."""
    from fupin_docs.output import pdf_pages
    from fupin_docs.output.build import BuildOptions, build
    from tests.helpers import pdf_page_texts, require_tool

    require_tool("soffice", "fonts", "pdftotext")
    monkeypatch.setattr(pdf_pages, "record_starts", lambda pdf: [])
    out = tmp_path / "out"
    build(minimal, BuildOptions(out_dir=out, only=("letter", "card"), pdf=True,
                                allow_font_fallback=True))
    for word in out.glob("*/*.docx"):
        pdf = out / "PDF" / word.relative_to(out).with_suffix(".pdf")
        head = word.stem.split("_")[2]
        assert head in "".join(pdf_page_texts(pdf)), word.name
