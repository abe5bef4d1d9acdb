"""`fupin-docs lint`: which files of a build are 公文, to be judged as such, and which are forms."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fupin_docs.documents.registry import Document, kinds

#: the PDFs of a build mirror its Word files under this folder: nothing to lint there
PDF_DIR = "PDF"


def kind_of_file(path: Path) -> Document | None:
    """Return the kind whose output folder holds `path` (its own or, for a print file, the
    folder above), or None for a file that is not a build's output."""
    folders = {k.folder: k for k in kinds()}
    for parent in (path.parent, path.parent.parent):
        if parent.name in folders:
            return folders[parent.name]
    return None


def lint_targets(paths: Iterable[Path]) -> list[tuple[Path, Document | None]]:
    """Return each Word file to consider with its kind: folders are searched for .docx files
    (not their PDF/ copies), files are taken as they are."""
    found: list[tuple[Path, Document | None]] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.docx")
                           if PDF_DIR not in p.relative_to(path).parts[:1]
                           and not p.name.startswith("~$"))
        else:
            files = [path]
        found += [(f, kind_of_file(f)) for f in files]
    return found
