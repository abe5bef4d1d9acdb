"""Render the per-household documents in parallel, one unit (village, 连队) per task."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_docs.data.resources import TemplateSet
from fupin_docs.documents.registry import SEAL_MEDIA, Document
from fupin_docs.facts.facts import Facts
from fupin_docs.output.naming import MERGED
from fupin_docs.output.staging import write_into
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env
from fupin_docs.render.limits import DEFAULT, Limits
from fupin_docs.render.merge import PrintFileWriter
from fupin_docs.render.text import CompiledText

log = logging.getLogger(__name__)
#: below this many households a pool of processes costs more than it saves
POOL_THRESHOLD = 50
#: where, with --pdf, the one-record-a-page print files of kinds printed several to a page
#: go (inside the staging folder, never an output): their PDF is cut into the records' PDFs
SPLIT_SOURCES = ".pdf-sources"


@dataclass(frozen=True)
class UnitJob:
    """One unit's households, rendered by one worker: (file stem, household index) pairs."""

    unit: str
    records: tuple[tuple[str, int], ...]
    #: file name of the unit's print file, unique among the units of the build
    merged_name: str = ""


@dataclass(frozen=True)
class Setup:
    """What each worker needs: the kinds to render, their templates, where to write."""

    kinds: tuple[Document, ...]
    template_dirs: tuple[Path, ...]
    root: Path
    #: the pack's seal image (PNG), switching 公文 documents to the seal layout
    seal: bytes | None = None
    #: the bounds on every render (time, size)
    limits: Limits = DEFAULT
    #: PDFs will be made: also write SPLIT_SOURCES for kinds printed several to a page
    split_sources: bool = False


def word_template(templates: TemplateSet, kind: Document, env: Any, seal: bytes | None
                  ) -> CompiledDocx:
    """Return the compiled Word template of `kind`; with a seal, its seal layout with it in."""
    path = templates.resolve(kind.docx_name(seal=seal is not None))
    log.info("%s：Word 模板 %s", kind.label, path)
    compiled = CompiledDocx(path, env, path.name)
    if seal is not None and kind.gongwen:
        compiled.replace_media(SEAL_MEDIA, seal)
    return compiled


class Renderer:
    """The compiled templates of one process, and the facts it renders from."""

    def __init__(self, setup: Setup, facts: Facts) -> None:
        templates = TemplateSet(list(setup.template_dirs))
        word_env = make_env(autoescape=True, limits=setup.limits)
        text_env = make_env(autoescape=False, text_dirs=templates.text_dirs(),
                            limits=setup.limits)
        self.root, self.facts, self.split = setup.root, facts, setup.split_sources
        self.kinds: list[tuple[Document, CompiledDocx | None, CompiledText | None]] = []
        for kind in setup.kinds:
            word = (word_template(templates, kind, word_env, setup.seal)
                    if "docx" in kind.formats else None)
            text = None
            if "txt" in kind.formats:
                templates.resolve(kind.text_name())  # a clear message when it is missing
                text = CompiledText(text_env, f"{kind.template}.txt")
            self.kinds.append((kind, word, text))

    def run(self, job: UnitJob) -> list[tuple[str, str]]:
        """Render and write every document of one unit; return (path, sha256) per file.

        Household by household, every kind in turn: kinds that share a context builder share
        one context, and a builder may reuse what another just made for the same household.
        """
        households = self.facts.project.households
        merged = {kind.key: PrintFileWriter(word, kind.paper.records_per_page)
                  for kind, word, _ in self.kinds if word is not None}
        # one record a page, laid out once by LibreOffice and cut into the records' PDFs
        single = {kind.key: PrintFileWriter(word, 1) for kind, word, _ in self.kinds
                  if word is not None and self.split and kind.paper.records_per_page > 1}
        written = []
        for stem, index in job.records:
            made: dict[Any, Mapping[str, Any]] = {}
            for kind, word, text in self.kinds:
                assert kind.context is not None
                ctx = made.get(kind.context)
                if ctx is None:
                    ctx = made[kind.context] = kind.context(self.facts, households[index])
                if word is not None:
                    data, body = word.render_with_body(ctx)  # the body is reused in the print file
                    merged[kind.key].add(ctx, body)
                    if kind.key in single:
                        single[kind.key].add(ctx, body)
                    rel = f"{kind.folder}/{stem}.docx"
                    written.append((rel, write_into(self.root, rel, data)))
                if text is not None:
                    rel = f"{kind.folder}/{stem}.txt"
                    written.append((rel, write_into(self.root, rel, text.render(ctx))))
        for kind, word, _ in self.kinds:
            if word is not None:
                rel = f"{kind.folder}/{MERGED}/{job.merged_name}.docx"
                written.append((rel, write_into(self.root, rel, merged[kind.key].finish())))
        for key, writer in single.items():  # not outputs: not listed as written
            kind = next(k for k, _, _ in self.kinds if k.key == key)
            write_into(self.root, f"{SPLIT_SOURCES}/{kind.folder}/{job.merged_name}.docx",
                       writer.finish())
        return written


# -- worker processes: the renderer is made once per process by the pool's initializer, from
# -- what the initializer is handed (under fork the facts are shared, not copied)
_renderer: Renderer | None = None


def _init_worker(setup: Setup, facts: Facts) -> None:
    global _renderer
    # Ctrl-C goes to the whole process group: the main process reports it, workers stay quiet
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the main process's stop handlers are not the workers': a stopped worker just ends
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _renderer = Renderer(setup, facts)


def _run(job: UnitJob) -> list[tuple[str, str]]:
    assert _renderer is not None
    return _renderer.run(job)


def render_units(jobs: Iterable[UnitJob], setup: Setup, facts: Facts, *,
                 jobs_count: int | None, total: int,
                 progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, str]]:
    """Yield (path, sha256) of every file written, rendering units on `jobs_count` processes."""
    workers = jobs_count or os.cpu_count() or 1
    started = time.perf_counter()
    if workers == 1 or total < POOL_THRESHOLD:
        log.info("每户文件：%d 户，在本进程中生成", total)
        renderer = Renderer(setup, facts)
        for job in jobs:
            yield from renderer.run(job)
            if progress:
                progress(len(job.records))
        log.info("每户文件用时 %.2f 秒", time.perf_counter() - started)
        return
    log.info("每户文件：%d 户，%d 个进程（%s）", total, workers, multiprocessing.get_start_method())
    # workers fork from this process: freezing the loaded data keeps their copy shared
    gc.collect()  # what loading left behind goes before the workers copy this process
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(setup, facts)) as pool:
            for job, result in _bounded(jobs, pool, 2 * workers):
                yield from result
                if progress:
                    progress(len(job.records))
    finally:
        gc.unfreeze()
    log.info("每户文件用时 %.2f 秒", time.perf_counter() - started)


def _bounded(jobs: Iterable[UnitJob], pool: ProcessPoolExecutor, limit: int
             ) -> Iterator[tuple[UnitJob, list[tuple[str, str]]]]:
    """Yield each job with its result, keeping at most `limit` jobs in flight (flat memory)."""
    pending: list[tuple[UnitJob, Future[list[tuple[str, str]]]]] = []
    for job in jobs:
        pending.append((job, pool.submit(_run, job)))
        if len(pending) >= limit:
            first, future = pending.pop(0)
            yield first, future.result()
    for job, future in pending:
        yield job, future.result()
