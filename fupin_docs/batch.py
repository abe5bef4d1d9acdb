"""Render the per-household documents in parallel, one unit (village, 连队) per task."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_docs import documents
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.merge import PrintFileWriter
from fupin_docs.render.text import CompiledText
from fupin_docs.templates import TemplateSet, make_env
from fupin_docs.writer import write_into

MERGED = "合并打印"


@dataclass(frozen=True)
class UnitJob:
    """One unit's households: (file stem, context) pairs, rendered by one worker."""

    unit: str
    #: (file stem, context) — or (file stem, household index), the context then being made
    #: where the job runs, from the project the worker shares with the main process
    records: tuple[tuple[str, dict[str, Any] | int], ...]
    #: file name of the unit's print file, unique among the units of the build
    merged_name: str = ""


@dataclass(frozen=True)
class Setup:
    """What each worker needs to compile the templates once."""

    template_dirs: tuple[Path, ...]
    keys: tuple[str, ...]
    root: Path
    #: the pack's seal image (PNG), switching 公文 documents to the seal layout
    seal: bytes | None = None


SEAL_SUFFIX = "-seal"
SEAL_MEDIA = "word/media/image1.png"


def word_template(templates: TemplateSet, doc: documents.DocType, env, seal: bytes | None
                  ) -> CompiledDocx:
    """Return the compiled Word template of `doc`; with a seal, its seal layout with the seal in."""
    if seal is not None and doc.gongwen:
        path = templates.resolve(f"docx/{doc.template}{SEAL_SUFFIX}.docx")
        compiled = CompiledDocx(path, env, path.name)
        compiled.replace_media(SEAL_MEDIA, seal)
        return compiled
    path = templates.resolve(f"docx/{doc.template}.docx")
    return CompiledDocx(path, env, path.name)


class _Renderer:
    """The compiled templates of one process."""

    def __init__(self, setup: Setup):
        templates = TemplateSet(list(setup.template_dirs))
        word_env = make_env(autoescape=True)
        text_env = make_env(autoescape=False, loader=templates.text_loader())
        self.root = setup.root
        self.docs = []
        for key in setup.keys:
            doc = documents.BY_KEY[key]
            templates.resolve(f"text/{doc.template}.txt")
            self.docs.append((doc, word_template(templates, doc, word_env, setup.seal),
                              CompiledText(text_env, f"{doc.template}.txt")))

    def run(self, job: UnitJob) -> list[tuple[str, str]]:
        """Render and write every document of one unit; return (path, sha256) per file."""
        written = []
        records = [(stem, item if isinstance(item, dict) else _contexts.context_at(item))
                   for stem, item in job.records]
        for doc, word, text in self.docs:
            merged = PrintFileWriter(word, doc.per_page)
            for stem, ctx in records:
                data, body = word.render_with_body(ctx)  # the body is reused in the print file
                merged.add(ctx, body)
                for rel, blob in ((f"{doc.folder}/{stem}.docx", data),
                                  (f"{doc.folder}/{stem}.txt", text.render(ctx))):
                    written.append((rel, write_into(self.root, rel, blob)))
            rel = f"{doc.folder}/{MERGED}/{job.merged_name}.docx"
            written.append((rel, write_into(self.root, rel, merged.finish())))
        return written


_worker: _Renderer | None = None
#: the household contexts of the build, set before the pool forks so workers share them
_contexts: Any = None


def _init(setup: Setup) -> None:
    global _worker
    # Ctrl-C goes to the whole process group: the main process reports it, workers stay quiet
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = _Renderer(setup)


def _run(job: UnitJob) -> list[tuple[str, str]]:
    assert _worker is not None
    return _worker.run(job)


def render_units(jobs: Iterable[UnitJob], setup: Setup, contexts: Any, *,
                 jobs_count: int | None, total: int,
                 progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, str]]:
    """Yield (path, sha256) of every file written, rendering units on `jobs_count` processes.

    Jobs name households by index; where workers are forked they make the contexts themselves
    (in parallel, nothing pickled), elsewhere the main process makes them before sending.
    """
    global _contexts
    _contexts = contexts
    workers = jobs_count or os.cpu_count() or 1
    if workers == 1 or total < 50:  # a pool costs more than it saves on a small school
        renderer = _Renderer(setup)
        for job in jobs:
            yield from renderer.run(job)
            if progress:
                progress(len(job.records))
        return
    # workers fork from this process: freezing the loaded data keeps their copy shared
    gc.collect()  # what loading left behind goes before the workers copy this process
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(setup,)) as pool:
            if multiprocessing.get_start_method() != "fork":
                jobs = (_with_contexts(job, contexts) for job in jobs)
            for job, result in zip_jobs(jobs, pool):
                yield from result
                if progress:
                    progress(len(job.records))
    finally:
        gc.unfreeze()


def _with_contexts(job: UnitJob, contexts: Any) -> UnitJob:
    """Return `job` with its households' contexts in place of their indexes."""
    return UnitJob(job.unit, tuple((stem, item if isinstance(item, dict) else
                                    contexts.context_at(item)) for stem, item in job.records),
                   job.merged_name)


def zip_jobs(jobs: Iterable[UnitJob], pool: ProcessPoolExecutor
             ) -> Iterator[tuple[UnitJob, list[tuple[str, str]]]]:
    """Yield each job with its result, keeping at most a few jobs in flight (flat memory)."""
    pending: list[tuple[UnitJob, Any]] = []
    limit = 2 * (pool._max_workers or 1)  # noqa: SLF001 — the pool's size, to bound the queue
    for job in jobs:
        pending.append((job, pool.submit(_run, job)))
        if len(pending) >= limit:
            first, future = pending.pop(0)
            yield first, future.result()
    for job, future in pending:
        yield job, future.result()
