"""Benchmark: the PDF step of `build --pdf`, measured in one run against
(a) the way it was done before: one `soffice --convert-to pdf` call per output folder, every
    Word file of the folder laid out on its own, and
(b) the floor: one LibreOffice process converting only the school's documents and the print
    files (every page laid out once, nothing cut).
It also times the daily case: `build --pdf` again after one household's address changed,
against the full `build --pdf`.

    .venv/bin/python bench/bench_pdf.py [PROJECT]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fupin_docs.output.build import BuildOptions, build  # noqa: E402
from fupin_docs.output.naming import MERGED  # noqa: E402
from fupin_docs.output.pdf import convert_files, convert_folder  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "data_examples" / "扯乐完小"


def timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def move_one_household(project: Path) -> None:
    """Change the first household's address (or give it one), as a secretary's daily edit."""
    path = project / "households.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("  - id: ")
    after_id = text.index("\n", first) + 1
    end = text.find("  - id: ", after_id)
    rest = text[after_id:] if end < 0 else text[after_id:end]
    block = re.sub(r"^    address: .*\n", "", rest, count=1, flags=re.MULTILINE)
    moved = "    address: 新搬到的地方三组\n" + block
    path.write_text(text[:after_id] + moved + ("" if end < 0 else text[end:]), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", nargs="?", type=Path, default=EXAMPLE)
    source = parser.parse_args().project
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        project = tmp / "project"
        shutil.copytree(source, project)
        docx_only = timed(lambda: build(project, BuildOptions(out_dir=tmp / "docx")))
        with_pdf = timed(lambda: build(project, BuildOptions(out_dir=tmp / "pdf", pdf=True)))
        move_one_household(project)
        again = timed(lambda: build(project, BuildOptions(out_dir=tmp / "pdf", pdf=True)))
        files = sorted((tmp / "docx").rglob("*.docx"))
        by_folder: dict[Path, list[Path]] = {}
        for f in files:
            by_folder.setdefault(f.parent, []).append(f)

        def before() -> None:
            for parent, group in by_folder.items():
                convert_folder(group, tmp / "before" / parent.relative_to(tmp / "docx"))

        # every file but the households' own (those have their pages in a print file)
        household_folders = {f.parent.parent for f in files if f.parent.name == MERGED}
        laid_once = [f for f in files if f.parent not in household_folders]

        def floor() -> None:
            convert_files({f: tmp / "floor" / f"{i}.pdf" for i, f in enumerate(laid_once)})

        old, least = timed(before), timed(floor)
    step = with_pdf - docx_only
    print(f"project: {source.name}, {len(files)} Word files, {len(laid_once)} laid out once")
    print(f"build without PDF            {docx_only:7.1f} s")
    print(f"build --pdf                  {with_pdf:7.1f} s   (PDF step {step:.1f} s)")
    print(f"before: soffice per folder   {old:7.1f} s   (build --pdf was then about "
          f"{docx_only + old:.1f} s)")
    print(f"floor: print files only      {least:7.1f} s")
    print(f"build --pdf, before / now    {(docx_only + old) / with_pdf:7.1f}×   (target ≥ 4×)")
    print(f"PDF step / floor             {step / least:7.2f}    (target ≤ 1.3)")
    print(f"build --pdf after one edit   {again:7.1f} s   ({again / with_pdf:.0%} of build --pdf; "
          "the edited village's PDFs made, the rest carried over)")


if __name__ == "__main__":
    main()
