"""Per-record PDFs cut out of a print file's PDF: each page is laid out once, by LibreOffice,
and each household's file is the pages between its record mark and the next one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr
from fupin_docs.render.merge import RECORD_MARK

_MARK = re.compile("/?" + re.escape(RECORD_MARK.split("{")[0]) + r"(\d+)$")


def record_starts(pdf: Path) -> list[int]:
    """Return the 0-based page on which each record of a print file's PDF begins."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    starts: dict[int, int] = {}
    for name, destination in reader.named_destinations.items():
        found = _MARK.match(str(name))
        if found:
            starts[int(found.group(1))] = reader.get_destination_page_number(destination)
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


__all__ = ["record_starts", "split_records"]
