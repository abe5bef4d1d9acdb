"""Preview: every page of one record of each document kind as PNGs, and an index.html."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from fupin_docs.documents.registry import Scope, kinds
from fupin_docs.errors import FupinError, ToolMissing
from fupin_docs.i18n import tr
from fupin_docs.output.pdf import convert_folder, find_soffice, soffice_missing_message

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 24px; background: #f3f3f3; color: #222; }
h1 { font-size: 20px; font-weight: normal; }
h2 { font-size: 16px; font-weight: normal; margin: 28px 0 8px; }
h2 small { color: #777; font-size: 12px; margin-left: 12px; }
.pages { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; background: #fff; padding: 8px; border: 1px solid #ddd; }
figure img { height: 420px; width: auto; border: 1px solid #ccc; display: block; }
figcaption { margin-top: 6px; font-size: 12px; color: #777; text-align: center; }
"""


def pdftoppm_missing_message() -> str:
    """Return the message shown when pdftoppm (poppler) is not installed."""
    return tr(
        "没有找到 pdftoppm，无法生成预览图。请安装 poppler：\n"
        "  Debian/Ubuntu：sudo apt-get install poppler-utils\n"
        "  macOS：brew install poppler\n"
        "  Windows：安装 poppler（如 conda install poppler），并把它的 bin 目录加入 PATH",
        "pdftoppm was not found, so previews cannot be drawn. Install poppler:\n"
        "  Debian/Ubuntu: sudo apt-get install poppler-utils\n"
        "  macOS: brew install poppler\n"
        "  Windows: install poppler (e.g. conda install poppler) and add its bin folder to PATH",
    )


def _render_pages(pdftoppm: str, pdf: Path, stem: Path, timeout: float = 120) -> list[Path]:
    """Return the PNGs of every page of `pdf`, drawn at 60 dpi as `stem`-1.png, -2.png …"""
    cmd = [pdftoppm, "-png", "-r", "60", str(pdf), str(stem)]
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise FupinError(tr(f"生成预览图超时：{pdf.name}",
                            f"Preview timed out: {pdf.name}")) from None
    pages = sorted(stem.parent.glob(f"{stem.name}-*.png"),
                   key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if done.returncode != 0 or not pages:
        said = done.stderr.decode("utf-8", errors="replace").strip()
        raise FupinError(tr(f"无法为 {pdf.name} 生成预览图。{said}",
                            f"Could not draw a preview of {pdf.name}. {said}"))
    return pages


def _page(items: list[tuple[str, str, list[str]]]) -> str:
    """Return the HTML of the preview page; items are (label, source file name, page images)."""
    figures = "\n".join(
        f'  <section>\n    <h2>{html.escape(label)}<small>{html.escape(source)}　'
        f"{len(images)} 页</small></h2>\n    <div class=\"pages\">\n"
        + "\n".join(f'      <figure><img src="{html.escape(image)}" alt="{html.escape(label)} '
                    f'第{n}页"><figcaption>第 {n} 页</figcaption></figure>'
                    for n, image in enumerate(images, start=1))
        + "\n    </div>\n  </section>"
        for label, source, images in items)
    title = tr("文书预览", "Document preview")
    note = tr("每种文书一份（每户一份的文书取第一户）的每一页，由 LibreOffice 排版，"
              "字体为免费替代字体。打印前请逐页核对。",
              "Every page of one record of each document, laid out by LibreOffice with free "
              "stand-in fonts. Check them before printing.")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{title}</h1>\n<p>{html.escape(note)}</p>\n{figures}\n</body>\n</html>\n")


def make_previews(docs: dict[str, Path], out_dir: Path) -> Path:
    """Return the path of index.html showing every page of each document (label → file).

    All documents go through LibreOffice in one run; the images are named 01-1.png, 01-2.png …
    in the order of `docs`, so labels of any length or script are safe in file names and URLs.
    """
    if not docs:
        raise FupinError(tr("没有可预览的文书。", "Nothing to preview."))
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissing(pdftoppm_missing_message())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("[0-9][0-9]-*.png"):
        old.unlink()  # a previous preview's pages: this one may have fewer
    items: list[tuple[str, str, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="fupin-preview-") as tmp_name:
        tmp = Path(tmp_name)
        sources = [Path(source) for source in docs.values()]
        for source in sources:
            if not source.is_file():
                raise FupinError(tr(f"找不到要预览的文件：{source}",
                                    f"File to preview not found: {source}"))
        # Convert the files themselves, so errors name them; only documents that share a file
        # name (in different folders) go through prefixed copies, as their PDFs would collide.
        stems = [s.stem.casefold() for s in sources]
        inputs = list(sources)
        for i, source in enumerate(sources):
            if stems.count(stems[i]) > 1:
                inputs[i] = tmp / f"{i + 1:02d}-{source.name}"
                shutil.copyfile(source, inputs[i])
        pdfs = convert_folder(inputs, tmp / "pdf")
        for i, (label, source, pdf) in enumerate(zip(docs, sources, pdfs), start=1):
            images = []
            for page in _render_pages(pdftoppm, pdf, tmp / f"{i:02d}"):
                shutil.copyfile(page, out_dir / page.name)
                images.append(page.name)
            items.append((label, source.name, images))
    index = out_dir / "index.html"
    partial = out_dir / ".index.html.part"
    partial.write_text(_page(items), encoding="utf-8")
    os.replace(partial, index)
    return index


def first_documents(project: Path, built: Path, files: dict[str, str]) -> dict[str, Path]:
    """Return label → .docx for each document type in the build at `built` (files: its outputs).

    One-per-school documents are taken as they are; for per-household ones the first
    household's file, in the order the merged print files use (units as listed, then
    households as written); for one-per-child ones the first by name (preview_project
    writes a blank form when the build made none).
    """
    from fupin_docs.data.project import load_project
    from fupin_docs.output.naming import file_stem

    model = load_project(project).project
    first = next(((h, u.name) for u in model.units for h in model.households if h.unit == u.id),
                 None)
    picked: dict[str, Path] = {}
    for kind in kinds():
        suffix = "docx" if "docx" in kind.formats else "xlsx" if "xlsx" in kind.formats else None
        if suffix is None:
            continue
        if kind.per_household:
            if first is None:
                continue
            rel = f"{kind.folder}/{file_stem(*first)}.{suffix}"
        elif kind.scope is Scope.child:  # the first of its records (or its blank form)
            rel = next((r for r in sorted(files)
                        if r.startswith(f"{kind.folder}/") and r.endswith(f".{suffix}")), "")
        else:
            rel = f"{kind.folder}/{kind.label}.{suffix}"
        if rel in files:
            picked[kind.label] = built / rel
    return picked


def preview_project(project: Path, out_dir: Path) -> Path:
    """Return index.html in `out_dir` after building `project` into a temporary folder.

    Shows page 1 of the report, the duty table and the first household's letter, notice
    and card (every Word document type the project produces).
    """
    from fupin_docs.output.build import BuildOptions, build

    if shutil.which("pdftoppm") is None:
        raise ToolMissing(pdftoppm_missing_message())
    if find_soffice() is None:
        raise ToolMissing(soffice_missing_message())
    from fupin_docs.county.model import is_county

    if is_county(Path(project)):
        return preview_county(Path(project), out_dir)
    keys = tuple(k.key for k in kinds()
                 if k.scope in (Scope.school, Scope.household, Scope.child))
    with tempfile.TemporaryDirectory(prefix="fupin-preview-build-") as tmp:
        built = Path(tmp) / "build"
        result = build(Path(project), BuildOptions(out_dir=built, only=keys))
        files = blank_forms(Path(project), built, result.files)
        return make_previews(first_documents(Path(project), built, files), out_dir)


def preview_county(county: Path, out_dir: Path) -> Path:
    """Return index.html in `out_dir` showing every page of each county kind (the first
    school's list for a kind of one per school), after building the county into a temporary
    folder."""
    from fupin_docs.county.build import CountyOptions, build_county

    with tempfile.TemporaryDirectory(prefix="fupin-preview-build-") as tmp:
        built = Path(tmp) / "build"
        result = build_county(county, CountyOptions(out_dir=built))
        picked: dict[str, Path] = {}
        for kind in kinds(Scope.county):
            suffix = "docx" if "docx" in kind.formats else "xlsx"
            rel = next((r for r in result.files if r.startswith(f"{kind.folder}/")
                        and r.endswith(f".{suffix}")), None)  # the county's order
            if rel is not None:
                picked[kind.label] = built / rel
        return make_previews(picked, out_dir)


def blank_forms(project: Path, built: Path, files: dict[str, str]) -> dict[str, str]:
    """Return `files` with a blank form of each one-per-child kind the build made none of
    (no child needed one), written into the preview's own build at `built`, so that the
    preview shows every kind."""
    wanted = [k for k in kinds(Scope.child) if "docx" in k.formats and k.context is not None
              and not any(rel.startswith(f"{k.folder}/") for rel in files)]
    if not wanted:
        return files
    from fupin_docs.output.batch import word_template
    from fupin_docs.output.build import prepare
    from fupin_docs.render.env import make_env
    from fupin_docs.render.limits import DEFAULT

    facts, res, _ = prepare(project, kinds=wanted)
    found = dict(files)
    for kind in wanted:
        assert kind.context is not None
        env = make_env(autoescape=True, limits=facts.limits or DEFAULT)
        data = word_template(res.templates, kind, env, None).render(kind.context(facts, None))
        rel = f"{kind.folder}/{kind.label}（空白）.docx"
        (built / rel).parent.mkdir(parents=True, exist_ok=True)
        (built / rel).write_bytes(data)
        found[rel] = ""
    return found


__all__ = ["first_documents", "make_previews", "pdftoppm_missing_message", "preview_county",
           "preview_project"]
