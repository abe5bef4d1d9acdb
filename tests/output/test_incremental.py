"""Incremental rebuilds: after an edit, a rebuild rewrites only what the edit touched and ends
byte-identical to a clean full build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fupin_docs.output.build import BuildOptions, build
from tests.helpers import (
    EXAMPLES,
    pdf_page_count,
    pdf_page_texts,
    require_tool,
    squeeze,
    tree_snapshot,
)

CHELE = EXAMPLES / "扯乐完小"
ONLY = ("letter", "notice", "card", "duty", "public", "ledger")


def _households(project: Path) -> str:
    return (project / "households.yaml").read_text("utf-8")


def edit_one(project: Path) -> None:
    """A family moved: one household's address."""
    text = _households(project)
    first = text.index("  - id: ")
    second = text.index("  - id: ", first + 1)
    block = text[first:second]
    old = block.split("    address: ", 1)[1].split("\n", 1)[0]
    moved = block.replace(f"    address: {old}", "    address: 新搬到的地方三组", 1)
    (project / "households.yaml").write_text(text[:first] + moved + text[second:], "utf-8")


def add_one(project: Path) -> None:
    text = _households(project)
    unit = text.split("unit: ", 1)[1].split("\n", 1)[0]
    (project / "households.yaml").write_text(
        text.rstrip("\n") + f"\n  - id: H99\n    head: 新来户\n    unit: {unit}\n"
        "    children:\n      - {name: 新来的孩子, gender: 女, birth_date: 2011-02-03, "
        "stage: 小学, grade: 1}\n", "utf-8")


def remove_one(project: Path) -> None:
    text = _households(project)
    first = text.index("  - id: ")
    last = text.rindex("  - id: ")
    # the last household, unless a pairing names it: then the first one that none names
    (project / "households.yaml").write_text(text[:last] if last > first else text, "utf-8")


def change_template(project: Path) -> None:
    source = (CHELE.parent.parent / "templates" / "text" / "letter.txt").read_text("utf-8")
    target = project / "templates" / "text" / "letter.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    assert "尊敬的" in source
    target.write_text(source.replace("尊敬的", "敬爱的", 1), "utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "edit": edit_one, "add": add_one, "remove": remove_one, "template": change_template}


def _build(project: Path, out: Path) -> int:
    return build(project, BuildOptions(out_dir=out, only=ONLY, jobs=1)).rewritten


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("incremental")
    project = root / "project"
    shutil.copytree(CHELE, project)
    _build(project, root / "out")
    return project, root / "out"


@pytest.mark.parametrize("change", list(EDITS))
def test_a_rebuild_equals_a_clean_build(first_build: tuple[Path, Path], tmp_path: Path,
                                        change: str) -> None:
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(first_build[0], project)
    shutil.copytree(first_build[1], out)
    before = tree_snapshot(out)
    EDITS[change](project)
    rewritten = _build(project, out)
    _build(project, tmp_path / "clean")
    after = tree_snapshot(out)
    assert after == tree_snapshot(tmp_path / "clean")
    changed = {rel for rel in after if before.get(rel) != after[rel]} - {"manifest.json"}
    gone = set(before) - set(after)
    assert rewritten == len(changed) and changed
    households = [rel for rel in changed if "/" in rel and "合并打印" not in rel
                  and rel.count("/") == 1 and rel.split("/")[0] in ("致家长的一封信", "政策告知单",
                                                                    "联系卡")]
    if change == "edit":  # that household's own files and its village's print files only
        stems = {Path(rel).stem for rel in households}
        assert len(stems) == 1, stems
        prints = {rel for rel in changed if "合并打印" in rel}
        assert len({Path(rel).name for rel in prints}) == 1, prints
    elif change == "template":  # the letter's text files: every one, and nothing else
        assert all(rel.startswith("致家长的一封信/") and rel.endswith(".txt")
                   for rel in changed), changed
    elif change == "remove":
        assert gone and all(rel.count("/") >= 1 for rel in gone)


def test_unchanged_files_are_carried_not_rewritten(first_build: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    """A carried file is the previous one under a second name: same inode, no bytes copied."""
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(first_build[0], project)
    shutil.copytree(first_build[1], out)
    edit_one(project)
    inodes = {p: p.stat().st_ino for p in out.rglob("*.docx")}
    _build(project, out)
    kept = [p for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino]
    assert len(kept) > len(inodes) * 0.8


def test_the_build_says_what_it_rewrote(first_build: tuple[Path, Path], tmp_path: Path,
                                         runner) -> None:
    from fupin_docs.cli import main

    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(first_build[0], project)
    shutil.copytree(first_build[1], out)
    edit_one(project)
    result = runner.invoke(main, ["build", str(project), "-o", str(out), "--only",
                                  ",".join(ONLY)])
    assert result.exit_code == 0, result.output
    assert "重写" in result.output and "个未变" in result.output


def test_a_changed_code_fingerprint_remakes_everything(first_build: tuple[Path, Path],
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from fupin_docs.output import build as build_module

    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(first_build[0], project)
    shutil.copytree(first_build[1], out)
    monkeypatch.setattr(build_module, "code_fingerprint", lambda: "another version")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", "1530403200"))
    inodes = {p: p.stat().st_ino for p in out.rglob("*.docx")}
    _build(project, out)
    assert not any(p.stat().st_ino == ino for p, ino in inodes.items() if p.exists())


def test_a_deleted_output_is_made_again(first_build: tuple[Path, Path], tmp_path: Path) -> None:
    """Someone deleted a household's file from the output: the rebuild makes it again."""
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(first_build[0], project)
    shutil.copytree(first_build[1], out)
    gone = sorted((out / "政策告知单").glob("*.docx"))[-1]
    gone.unlink()
    edit_one(project)
    _build(project, out)
    _build(project, tmp_path / "clean")
    assert tree_snapshot(out) == tree_snapshot(tmp_path / "clean")


# -- with PDFs: the PDFs of what was carried over are carried over with it

def _pdf_build(project: Path, out: Path) -> int:
    options = BuildOptions(out_dir=out, only=("notice", "card", "public"), jobs=1, pdf=True)
    return build(project, options).rewritten


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    require_tool("soffice", "fonts", "pdftotext", "pdfinfo")
    root = tmp_path_factory.mktemp("incremental-pdf")
    project = root / "project"
    shutil.copytree(CHELE, project)
    _pdf_build(project, root / "out")
    return project, root / "out"


def _pdfs(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes())
            for p in sorted((out / "PDF").rglob("*.pdf"))}


def _copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """Return a copy of the built project and output; the output's files are links to the
    built ones, as a rebuild's carried files are (so that inodes tell what was carried)."""
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(built[0], project)
    shutil.copytree(built[1], out, copy_function=os.link)
    return project, out


def test_a_pdf_rebuild_remakes_only_the_edited_village(pdf_build: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    project, out = _copy(pdf_build, tmp_path)
    before = _pdfs(out)
    edit_one(project)
    _pdf_build(project, out)
    after = _pdfs(out)
    assert set(after) == set(before)
    remade = {rel for rel in after if after[rel][0] != before[rel][0]}
    # the edited household's village: its notices and cards, each kind's print file
    villages = {Path(rel).stem.split("_")[0] for rel in remade if "合并打印" not in rel}
    assert len(villages) == 1, villages
    village = villages.pop()
    expected = {rel for rel in after if Path(rel).stem.split("_")[0] == village
                and rel.split("/")[1] in ("政策告知单", "联系卡")}
    assert remade == expected and len(remade) > 4
    assert all(after[rel][1] == before[rel][1] for rel in after if rel not in remade)
    edited = sorted(rel for rel in remade if rel.startswith("PDF/政策告知单/")
                    and "合并打印" not in rel)[0]
    assert "新搬到的地方三组" in squeeze("".join(pdf_page_texts(out / edited)))
    # page for page what a clean build lays out
    _pdf_build(project, tmp_path / "clean")
    clean = _pdfs(tmp_path / "clean")
    assert set(clean) == set(after)
    for rel in sorted(remade) + [next(iter(sorted(set(after) - remade)))]:
        assert pdf_page_texts(out / rel) == pdf_page_texts(tmp_path / "clean" / rel), rel


def test_a_pdf_deleted_from_the_output_is_made_again(pdf_build: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    """A card's PDF of another village was deleted: its print file is carried over without
    it, so that village's cards are laid out one by one, each on its own page."""
    project, out = _copy(pdf_build, tmp_path)
    edited_unit = _households(project).split("unit: ", 1)[1].split("\n", 1)[0]
    gone = next(p for p in sorted((out / "PDF" / "联系卡").glob("*.pdf"), reverse=True)
                if not p.stem.startswith(f"{edited_unit}_"))
    gone.unlink()
    edit_one(project)
    _pdf_build(project, out)
    assert gone.is_file() and pdf_page_count(gone) == 1
    head = gone.stem.split("_")[2]
    assert head in squeeze("".join(pdf_page_texts(gone)))


def test_new_fonts_remake_every_pdf(pdf_build: tuple[Path, Path], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another LibreOffice or other faces make other pages: nothing is carried over."""
    from fupin_docs.output import pdf

    project, out = _copy(pdf_build, tmp_path)
    before = _pdfs(out)
    real = pdf.converter_fingerprint
    monkeypatch.setattr(pdf, "converter_fingerprint", lambda fonts: real([*fonts, "新字体"]))
    _pdf_build(project, out)
    after = _pdfs(out)
    assert set(after) == set(before)
    assert not any(after[rel][0] == before[rel][0] for rel in after)


def test_a_pdf_gone_while_carrying_is_made_again(pdf_build: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF that disappears between the check and the carrying (someone deleting files in the
    output during the build): its print file's PDFs are made again, and the previous output's
    files, which the carried ones are links to, are never written through."""
    from fupin_docs.output.staging import Carry

    project, out = _copy(pdf_build, tmp_path)  # out's files are links to pdf_build's
    linked = _pdfs(pdf_build[1])
    gone = sorted((out / "PDF" / "政策告知单").glob("*.pdf"))[-1]
    gone.unlink()
    monkeypatch.setattr(Carry, "has", lambda self, rel, fingerprint: True)
    edit_one(project)
    _pdf_build(project, out)
    assert gone.is_file() and pdf_page_count(gone) >= 1
    assert set(_pdfs(out)) == set(linked)
    assert _pdfs(pdf_build[1]) == linked  # nothing was written through a link
