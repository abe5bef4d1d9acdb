"""Benchmark: docxtpl loop vs CompiledDocx (one process and all cores) on one notice template."""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jinja2  # noqa: E402
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402

VARIANTS = {
    "a": "(a) docxtpl render+save loop",
    "b": "(b) CompiledDocx, 1 process",
    "c": "(c) CompiledDocx, all cores",
    "d": "(d) PrintFileWriter, 1 print file",
}


def make_env() -> jinja2.Environment:
    """Return the sandboxed, autoescaping environment the toolkit renders with."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def build_template(path: Path) -> Path:
    """Return `path` after writing a notice-like docxtpl template to it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = ("{{ county }}教育扶贫政策告知单"
                                                 "（{{ household.village }}）")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("{{ county }}教育扶贫政策告知单").bold = True
    for text in [
        "{{ household.head }} 同志（户编号 {{ household.id }}）：",
        "您家位于{{ household.village }}{{ household.group }}，住址：{{ household.address }}。",
        "{%p if household.poor %}",
        "经核实，您家为{{ household.category }}，家庭人口{{ household.size }}人。",
        "{%p endif %}",
        "根据{{ policy }}，现将您家子女享受的资助政策告知如下：",
    ]:
        doc.add_paragraph(text)
    table = doc.add_table(rows=3, cols=5)
    for cell, text in zip(table.rows[0].cells, ["姓名", "学段", "学校", "资助项目", "金额（元）"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for c in household.children %}"
    for cell, text in zip(table.rows[2].cells, ["{{ c.name }}", "{{ c.stage }}", "{{ c.school }}",
                                                "{{ c.item }}", "{{ c.amount }}"]):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    for text in [
        "合计资助金额：{{ household.total }}元（{{ household.total_cn }}）。",
        "帮扶联系教师：{{ teacher.name }}，联系电话：{{ teacher.phone }}。",
        "{%p for note in notes %}",
        "{{ loop.index }}. {{ note }}",
        "{%p endfor %}",
        "如有疑问，请于{{ deadline }}前与{{ school }}联系。",
        "{{ school }}",
        "{{ date }}",
    ]:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def context(i: int, children: int = 2) -> dict:
    """Return a synthetic household context (deterministic in `i`)."""
    stages = ["学前", "小学", "初中", "高中", "中职"]
    kids = [{"name": f"学生{i}-{k}", "stage": stages[(i + k) % 5], "school": f"第{k + 1}中心学校",
             "item": "营养改善计划 & 生活补助", "amount": 500 + 250 * k} for k in range(children)]
    return {"county": "某某县", "policy": "《关于做好教育扶贫工作的通知》",
            "household": {"head": f"户主{i}", "id": f"5201{i:08d}", "village": f"第{i % 40}村",
                          "group": f"{i % 9 + 1}组",
                          "address": f"{i % 9 + 1}组{i % 97}号\n（老屋）",
                          "poor": i % 3 != 0, "category": "脱贫户", "size": 4 + i % 3,
                          "children": kids, "total": sum(k["amount"] for k in kids),
                          "total_cn": "壹仟贰佰伍拾元整"},
            "teacher": {"name": f"教师{i % 50}", "phone": "138 0000 0000"},
            "notes": ["资助资金直接打入一卡通账户。", "如信息有误请及时告知 <学校>。",
                      "严禁任何单位截留、挪用资助资金。"],
            "deadline": "2024年10月31日", "school": "某某县教育局", "date": "2024年9月1日"}


def _chunks(start: int, n: int, size: int, children: int) -> Iterator[list[tuple[int, dict]]]:
    """Return an iterator of (index, context) lists; contexts are made only when needed."""
    for lo in range(start, start + n, size):
        yield [(i, context(i, children)) for i in range(lo, min(lo + size, start + n))]


_WORKER: dict = {}


def _init_worker(template: str) -> None:
    """Return None; compile the template once per worker process."""
    from fupin_docs.render.docx import CompiledDocx

    _WORKER["tpl"] = CompiledDocx(Path(template), make_env())


def _write_chunk(job: tuple[str, list[tuple[int, dict]]]) -> int:
    """Return how many documents of the chunk the worker rendered and wrote."""
    out, chunk = job
    tpl = _WORKER["tpl"]
    for i, ctx in chunk:
        Path(out, f"{i:06d}.docx").write_bytes(tpl.render(ctx))
    return len(chunk)


def run_variant(variant: str, template: Path, n: int, children: int, out: Path) -> dict:
    """Return timing and peak memory of one variant run in this process."""
    from docxtpl import DocxTemplate

    from fupin_docs.render.docx import CompiledDocx
    from fupin_docs.render.merge import PrintFileWriter

    render_s = 0.0
    start = time.perf_counter()
    if variant == "a":
        env = make_env()
        for i in range(n):
            tpl = DocxTemplate(template)
            tpl.render(context(i, children), env)
            tpl.save(out / f"{i:06d}.docx")
    elif variant == "b":
        tpl = CompiledDocx(template, make_env())
        for i in range(n):
            tick = time.perf_counter()
            data = tpl.render(context(i, children))
            render_s += time.perf_counter() - tick
            (out / f"{i:06d}.docx").write_bytes(data)
    elif variant == "c":
        cores = os.cpu_count() or 1
        per_job = max(1, min(200, math.ceil(n / (cores * 8))))
        jobs = ((str(out), chunk) for chunk in _chunks(0, n, per_job, children))
        fork = multiprocessing.get_context("fork")
        with fork.Pool(cores, _init_worker, (str(template),)) as pool:
            done = sum(pool.imap_unordered(_write_chunk, jobs))
        assert done == n
    else:
        tpl = CompiledDocx(template, make_env())
        writer = PrintFileWriter(tpl)
        for i in range(n):
            writer.add(context(i, children))
        data = writer.finish()
        (out / "merged.docx").write_bytes(data)
    seconds = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = sum(f.stat().st_size for f in out.iterdir())
    return {"n": n, "seconds": seconds, "render_s": render_s, "self_mb": self_kb / 1024,
            "worker_mb": child_kb / 1024, "bytes": size}


def main(argv: list[str] | None = None) -> None:
    """Return None after running each variant in its own subprocess (so peak memory is per
    variant) and printing the report."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--template", type=Path,
                    help="docxtpl template to use instead of the synthetic one")
    ap.add_argument("--n", type=int, default=1000, help="households (default 1000)")
    ap.add_argument("--children", type=int, default=2, help="children per household (default 2)")
    ap.add_argument("--docxtpl-sample", type=int, default=300,
                    help="time docxtpl on at most this many documents (default 300)")
    ap.add_argument("--variants", default="abcd", help="which variants to run (default abcd)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each variant this many times and keep the fastest (default 1)")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.template, args.n, args.children, args.out)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-docx-") as tmp:
        template = args.template or build_template(Path(tmp) / "notice.docx")
        results = {}
        for v in args.variants:
            n = min(args.n, args.docxtpl_sample) if v == "a" else args.n
            out = Path(tmp, f"out-{v}")
            out.mkdir()
            for _ in range(args.repeat):
                proc = subprocess.run([sys.executable, __file__, "--variant", v, "--template",
                                       str(template), "--n", str(n), "--children",
                                       str(args.children), "--out", str(out)],
                                      check=True, capture_output=True, text=True)
                run = json.loads(proc.stdout.strip().splitlines()[-1])
                if v not in results or run["seconds"] < results[v]["seconds"]:
                    results[v] = run
                for f in out.iterdir():
                    f.unlink()
    print(f"template: {args.template or 'synthetic notice'}; N = {args.n}; "
          f"{os.cpu_count()} cores; {args.children} children per household; "
          f"best of {args.repeat}")
    base = results["a"]["seconds"] / results["a"]["n"] if "a" in results else None
    print(f"{'variant':34} {'docs':>6} {'total s':>8} {'ms/doc':>8} {'docs/s':>8} "
          f"{'vs (a)':>7} {'peak MB':>8} {'workers MB':>10}")
    for v, r in results.items():
        per = r["seconds"] / r["n"]
        ratio = f"{base / per:6.1f}x" if base else "-"
        label = VARIANTS[v] + (" *" if v == "a" and r["n"] < args.n else "")
        workers = f"{r['worker_mb']:10.0f}" if v == "c" else f"{'-':>10}"
        print(f"{label:34} {r['n']:6d} {r['seconds']:8.2f} {per * 1000:8.3f} {1 / per:8.0f} "
              f"{ratio:>7} {r['self_mb']:8.0f} {workers}")
    if "b" in results:
        b = results["b"]
        print(f"(b) without writing files: {b['render_s'] / b['n'] * 1000:.3f} ms/doc "
              f"(rendering + zipping in memory)")
    if "b" in results and "d" in results:
        print(f"output: {results['b']['bytes'] / results['b']['n'] / 1024:.1f} KB per notice; "
              f"merged print file {results['d']['bytes'] / 2**20:.1f} MB")
    if "a" in results and results["a"]["n"] < args.n:
        print(f"* docxtpl timed on a sample of {results['a']['n']} documents; "
              "its per-document rate is compared.")
    print("ms/doc of (c) is wall time / N over all cores; (d) is ms per merged record. "
          "Peak MB is the process's max RSS; for (c) workers MB is the largest worker.")


if __name__ == "__main__":
    main()
