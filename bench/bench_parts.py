"""Benchmark: the least a build of N notices can take here, from its steps measured one by one,
against the build itself and the docxtpl loop, all in one run.

A build that keeps every byte and the Jinja templates cannot skip these steps:

    start     a fresh interpreter importing the build
    load      reading, validating and checking the project (before any rendering)
    context   each household's template data
    jinja     Jinja evaluating the notice's Word document part and its text template, nothing
              else (no Word post-processing, no zip)
    deflate   compressing each household's document.xml twice (its own file, its print file)
              at the build's level
    write     one process per core writing the build's very files from memory (the floor of
              bench_notices.py, best of three)

start and load run once; context, jinja and deflate are measured on one core and divided by
the cores (as if they shared the work perfectly); write is already spread over the cores. The
sum is a lower bound: what remains of a build is Word post-processing, print files, hashing,
fingerprints and process management. docxtpl loop / bound is the most any such build could
reach against docxtpl on this machine.

    .venv/bin/python bench/bench_parts.py [--n 10000] [--sample 300]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_notices  # noqa: E402

START = ("import fupin_docs.cli, fupin_docs.output.build, fupin_docs.output.batch, "
         "fupin_docs.documents.builtin")


def timed_start() -> float:
    """Return the best of three: a fresh interpreter importing what a build imports."""
    runs = []
    for _ in range(3):
        tick = time.perf_counter()
        subprocess.run([sys.executable, "-c", START], check=True)
        runs.append(time.perf_counter() - tick)
    return min(runs)


def steps(project: Path) -> dict[str, float]:
    """Return the seconds of load, context, jinja and deflate for every household, one core."""
    import fupin_docs.documents.builtin  # noqa: F401 - registers the kinds
    from fupin_docs.documents.registry import kind
    from fupin_docs.output.batch import word_template
    from fupin_docs.output.build import prepare
    from fupin_docs.render.docx import DOCUMENT
    from fupin_docs.render.env import make_env
    from fupin_docs.render.fastzip import LEVEL
    from fupin_docs.render.text import CompiledText

    notice = kind("notice")
    assert notice.context is not None
    tick = time.perf_counter()
    facts, res, _ = prepare(project, kinds=[notice])
    load = time.perf_counter() - tick
    word = word_template(res.templates, notice, make_env(autoescape=True), None)
    text_env = make_env(autoescape=False, text_dirs=res.templates.text_dirs())
    text = CompiledText(text_env, f"{notice.template}.txt").template
    body = word._parts[DOCUMENT].template  # the compiled Jinja of the document part alone
    assert body is not None
    spent = {"load": load, "context": 0.0, "jinja": 0.0, "deflate": 0.0}
    for household in facts.project.households:
        tick = time.perf_counter()
        ctx = notice.context(facts, household)
        spent["context"] += time.perf_counter() - tick
        tick = time.perf_counter()
        "".join(body.generate(ctx))
        "".join(text.generate(ctx))
        spent["jinja"] += time.perf_counter() - tick
        xml = (word.body_prefix + word.render_body(ctx) + word.final_sectpr
               + word.body_suffix).encode("utf-8")  # not timed: the bytes the build deflates
        tick = time.perf_counter()
        for _ in range(2):
            comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
            comp.compress(xml)
            comp.flush()
        spent["deflate"] += time.perf_counter() - tick
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000, help="households (default 10000)")
    parser.add_argument("--sample", type=int, default=300, help="docxtpl loop sample")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        project = bench_notices.write_project(tmp / "project", args.n, "yaml")
        (tmp / "docxtpl").mkdir()
        docxtpl = bench_notices.child("docxtpl", project=project, out=tmp / "docxtpl",
                                      sample=min(args.n, args.sample))
        per_doc = docxtpl["seconds"] / docxtpl["timed"]
        os.sync()
        built = bench_notices.run_build(project, tmp / "out", None)["seconds"]
        floors = []
        for k in range(3):
            os.sync()
            floors.append(bench_notices.run_floor(tmp / "out", tmp / f"floor{k}")["seconds"])
            shutil.rmtree(tmp / f"floor{k}")
        start = timed_start()
        spent: dict[str, Any] = steps(project)
    write = min(floors)
    serial = start + spent["load"]
    shared = (spent["context"] + spent["jinja"] + spent["deflate"]) / cores
    bound = serial + shared + write
    loop = per_doc * args.n
    print(f"N = {args.n:,} households, {cores} cores; notices (.docx, .txt, print files)")
    print(f"  start (import)          {start:6.2f} s")
    print(f"  load and check          {spent['load']:6.2f} s")
    for step in ("context", "jinja", "deflate"):
        print(f"  {step:<10} one core  {spent[step]:6.2f} s   / {cores} = "
              f"{spent[step] / cores:5.2f} s")
    print(f"  write (floor, best of 3) {write:5.2f} s   (runs: "
          f"{', '.join(f'{f:.2f}' for f in floors)})")
    print(f"least a build can take    {bound:6.2f} s")
    print(f"the build                 {built:6.2f} s   ({built / bound:.2f}× the least)")
    print(f"docxtpl loop              {loop:6.1f} s   ({per_doc * 1000:.1f} ms a document, "
          f"{docxtpl['timed']} timed)")
    print(f"docxtpl / build           {loop / built:6.1f}×")
    print(f"docxtpl / least           {loop / bound:6.1f}×   (no build keeping these bytes and "
          "templates can pass this here)")
    print(f"least / floor             {bound / write:6.1f}×")


if __name__ == "__main__":
    main()
