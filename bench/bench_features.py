"""Benchmark: ms per document for each docxtpl feature of the compatibility suite, docxtpl's
``DocxTemplate(path).render(ctx)`` + ``save()`` against the compiled fast path, in one run.

    .venv/bin/python bench/bench_features.py [--n 50]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docxtpl import DocxTemplate, RichText  # noqa: E402

from fupin_docs.render.docx import CompiledDocx  # noqa: E402
from fupin_docs.render.env import make_env  # noqa: E402
from tests.render.test_docxtpl_compat import FEATURES, Feature, _template  # noqa: E402


def per_document(work: object, n: int) -> float:
    """Return the best of three runs of `work` n times, in ms per call."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(n):
            work()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - started) / n * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50, help="documents per measurement")
    n = parser.parse_args().n
    print(f"{'feature':<20} {'docxtpl ms':>11} {'fast ms':>9} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for feature in FEATURES:
            slow, fast = measure(feature, _template(feature, Path(folder)), n)
            print(f"{feature.id:<20} {slow:>11.2f} {fast:>9.2f} {slow / fast:>6.1f}×",
                  flush=True)


def measure(feature: Feature, path: Path, n: int) -> tuple[float, float]:
    """Return ms per document of `feature`'s template: (docxtpl, fast path)."""
    env = make_env(autoescape=True)

    def with_docxtpl() -> None:
        tpl = DocxTemplate(path)
        tpl.render(feature.context(tpl), env, autoescape=True)
        tpl.save(io.BytesIO())

    compiled = CompiledDocx(path, env)
    context = feature.context(DocxTemplate(path))
    if "link" in context:  # the link's relationship must be the fast path's own
        context["link"] = RichText("教育局", url_id=compiled.build_url_id("http://jyj.example/"))
    return per_document(with_docxtpl, n), per_document(lambda: compiled.render(context), n)

if __name__ == "__main__":
    main()
