"""The PDFs of a build, each page laid out once: one LibreOffice process converts the school's
documents and the print files, and each household's PDF is cut out of its print file's PDF,
the pages between its record mark and the next one. A rebuild carries over the PDFs of the
Word files it carried over."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from fupin_docs.documents.registry import Document, Scope
from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr
from fupin_docs.output.batch import SPLIT_SOURCES, UnitJob
from fupin_docs.output.fingerprint import combine
from fupin_docs.output.naming import MERGED
from fupin_docs.output.pdf import convert_files
from fupin_docs.output.staging import Carry
from fupin_docs.render.merge import RECORD_MARK

# LibreOffice writes the "_" of a name as its code, 5F: /5FFupinRec00001
log = logging.getLogger(__name__)
_MARK = re.compile(r"/?(?:_|#?5F)" + re.escape(RECORD_MARK.split("{")[0].lstrip("_"))
                   + r"(\d+)$")


def record_starts(pdf: Path) -> list[int]:
    """Return the 0-based page on which each record of a print file's PDF begins."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    starts: dict[int, int] = {}
    for name, destination in reader.named_destinations.items():
        found = _MARK.match(str(name))
        page = reader.get_destination_page_number(destination) if found else None
        if found and page is not None:
            starts[int(found.group(1))] = page
    return [starts[n] for n in sorted(starts)]


def split_records(pdf: Path, targets: Sequence[Path]) -> list[Path]:
    """Write record i of the print file `pdf` to targets[i]; return the files written.

    Raise FupinError when the marks do not match the records (a template that lost them).
    """
    from pypdf import PdfReader, PdfWriter

    starts = record_starts(pdf)
    reader = PdfReader(pdf)
    count = len(reader.pages)
    if len(starts) != len(targets) or starts != sorted(starts) or (starts and starts[0] != 0):
        raise FupinError(tr(f"无法从 {pdf.name} 中分出每户的页（找到 {len(starts)} 处记录标记，"
                            f"应有 {len(targets)} 处）",
                            f"cannot cut {pdf.name} into records ({len(starts)} marks, "
                            f"{len(targets)} records)"))
    ends = [*starts[1:], count]
    for target, first, end in zip(targets, starts, ends):
        writer = PdfWriter()
        for page in reader.pages[first:max(end, first + 1)]:
            writer.add_page(page)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            writer.write(out)
    return list(targets)


#: what build_pdfs reports per PDF under the output: (sha256 when carried over, else None;
#: the fingerprint it was made from, None when it has none)
PdfMade = dict[str, tuple[str | None, str | None]]


def build_pdfs(root: Path, written: Mapping[str, str], kinds: Sequence[Document],
               units: Sequence[UnitJob], pdf_dir: str, *, made_with: str = "",
               prints: Mapping[str, str] | None = None, carry: Carry | None = None) -> PdfMade:
    """Make the PDFs under `root`/`pdf_dir` for the Word files `written` (path -> sha256) of
    `kinds`: PDF/<folder>/<name>.pdf for each <folder>/<name>.docx, in one LibreOffice process.

    A PDF the previous build made from the same Word file with the same LibreOffice and fonts
    (`made_with`) is carried over instead: a school document's by its sha256, a print file's
    and its households' by the print file's fingerprint (`prints`).
    """
    by_folder = {k.folder: k for k in kinds if "docx" in k.formats}
    stems = {u.merged_name: [stem for stem, _ in u.records] for u in units}
    jobs: dict[Path, Path] = {}
    cuts: list[tuple[Path, list[Path]]] = []
    uncut: dict[Path, Path] = {}
    fingerprints: dict[str, str | None] = {}
    result: PdfMade = {}
    for rel in sorted(written):
        folder, _, name = rel.rpartition("/")
        kind = by_folder.get(folder.split("/")[0])
        if kind is None or not name.endswith(".docx"):
            continue
        pdf_rel = f"{pdf_dir}/{folder}/{name[:-5]}.pdf"
        if kind.scope is not Scope.household:
            own = {pdf_rel: combine(["pdf", made_with, written[rel]])}
        elif folder == f"{kind.folder}/{MERGED}":
            made_from = (prints or {}).get(rel)
            targets = [f"{pdf_dir}/{kind.folder}/{stem}.pdf" for stem in stems[name[:-5]]]
            own = {pdf_rel: combine(["pdf", made_with, made_from])}
            own.update({target: combine(["pdf", made_with, made_from, str(i), target])
                        for i, target in enumerate(targets)})
        else:
            continue  # a household's own Word file: its PDF is cut out of its print file's
        fingerprints.update(own)
        if carry is not None and all(carry.has(pdf, fp) for pdf, fp in own.items()):
            taken = {pdf: (carry.take(root, pdf, fp), fp) for pdf, fp in own.items()}
            if all(digest is not None for digest, _ in taken.values()):
                result.update(taken)
                continue
            for linked in taken:  # one went missing meanwhile: make them all, not through links
                (root / linked).unlink(missing_ok=True)
        jobs[root / rel] = root / pdf_rel
        if kind.scope is not Scope.household:
            continue
        records = [root / target for target in targets]
        single = root / SPLIT_SOURCES / kind.folder / name
        if kind.paper.records_per_page == 1:
            cuts.append((root / pdf_rel, records))
        elif single.is_file():  # several to a page: cut from the same records one a page
            pdf = root / SPLIT_SOURCES / pdf_dir / kind.folder / f"{name[:-5]}.pdf"
            jobs[single] = pdf
            cuts.append((pdf, records))
        else:  # the print file was carried over without its PDFs: lay each household out
            uncut.update({root / kind.folder / f"{Path(t).stem}.docx": t for t in records})
    made = convert_files(jobs)
    no_marks: dict[Path, Path] = {}
    for source, pages in cuts:
        try:
            made += split_records(source, pages)
        except FupinError:  # a LibreOffice that keeps no bookmarks: lay the households out
            no_marks.update({root / page.relative_to(root / pdf_dir).with_suffix(".docx"):
                             page for page in pages})
    if no_marks:
        log.warning(tr(f"这个 LibreOffice 没有保留记录标记，{len(no_marks)} 户的 PDF "
                       "改为逐户转换（较慢）",
                       f"this LibreOffice keeps no record marks: {len(no_marks)} households' "
                       "PDFs converted one by one (slower)"))
    made += convert_files({**uncut, **no_marks})
    shutil.rmtree(root / SPLIT_SOURCES, ignore_errors=True)
    for path in made:
        if SPLIT_SOURCES not in path.relative_to(root).parts:
            pdf_rel = path.relative_to(root).as_posix()
            result[pdf_rel] = (None, fingerprints.get(pdf_rel))
    return result


__all__ = ["PdfMade", "build_pdfs", "record_starts", "split_records"]
