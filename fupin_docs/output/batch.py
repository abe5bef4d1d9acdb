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
from fupin_docs.output.fingerprint import combine, digest
from fupin_docs.output.naming import MERGED
from fupin_docs.output.staging import Carry, write_into
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
    #: the fingerprint of what every record shares (code, templates, settings …); None: none
    common: str | None = None
    #: the previous build's files that may be carried over
    carry: Carry | None = None


#: what a worker reports per file: (path, sha256, fingerprint of what it was made from)
Written = tuple[str, str, str | None]


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
        self.common, self.carry = setup.common, setup.carry
        self.kinds: list[tuple[Document, CompiledDocx | None, CompiledText | None]] = []
        for kind in setup.kinds:
            word = (word_template(templates, kind, word_env, setup.seal)
                    if "docx" in kind.formats else None)
            text = None
            if "txt" in kind.formats:
                templates.resolve(kind.text_name())  # a clear message when it is missing
                text = CompiledText(text_env, f"{kind.template}.txt")
            self.kinds.append((kind, word, text))

    def run(self, job: UnitJob) -> list[Written]:
        """Render and write every document of one unit; return (path, sha256, fingerprint)
        per file. A file the previous build made from the same fingerprint is carried over.

        Kinds that share a context builder share one context per household, and a builder may
        reuse what another just made for the same household.
        """
        households = self.facts.project.households
        records: list[tuple[str, dict[str, tuple[Mapping[str, Any], str | None]]]] = []
        for stem, index in job.records:
            made: dict[Any, tuple[Mapping[str, Any], str | None]] = {}
            per_kind = {}
            for kind, _, _ in self.kinds:
                assert kind.context is not None
                if kind.context not in made:
                    ctx = kind.context(self.facts, households[index])
                    made[kind.context] = (ctx, digest(ctx) if self.common else None)
                ctx, ctx_fp = made[kind.context]
                per_kind[kind.key] = (ctx, combine([self.common, kind.key, ctx_fp]))
            records.append((stem, per_kind))
        written: list[Written] = []
        for kind, word, text in self.kinds:
            written += self._unit_of_kind(job, kind, word, text, records)
        return written

    def _unit_of_kind(self, job: UnitJob, kind: Document, word: CompiledDocx | None,
                      text: CompiledText | None,
                      records: list[tuple[str, dict[str, tuple[Mapping[str, Any], str | None]]]]
                      ) -> list[Written]:
        """Return what one kind writes for one unit: each household's files, its print file,
        and (for PDFs of a kind printed several to a page) the one-a-page print file."""
        written: list[Written] = []
        merged_rel = f"{kind.folder}/{MERGED}/{job.merged_name}.docx"
        merged_fp = combine([self.common, "print", merged_rel,
                             *(per_kind[kind.key][1] for _, per_kind in records)])
        kept = self._take(merged_rel, merged_fp) if word is not None else None
        merged = (PrintFileWriter(word, kind.paper.records_per_page)
                  if word is not None and kept is None else None)
        # one record a page, laid out once by LibreOffice and cut into the records' PDFs;
        # not when the print file is carried over: its PDFs are carried with it
        single = (PrintFileWriter(word, 1) if word is not None and self.split and kept is None
                  and kind.paper.records_per_page > 1 else None)
        for stem, per_kind in records:
            ctx, fp = per_kind[kind.key]
            if word is not None:
                rel, file_fp = f"{kind.folder}/{stem}.docx", combine([fp, "docx"])
                sha = self._take(rel, file_fp)
                body = None
                if sha is None:  # the body is reused in the print file
                    data, body = word.render_with_body(ctx)
                    sha = write_into(self.root, rel, data)
                elif merged is not None or single is not None:
                    body = word.render_body(ctx)
                for writer in (merged, single):
                    if writer is not None:
                        writer.add(ctx, body)
                written.append((rel, sha, file_fp))
            if text is not None:
                rel, file_fp = f"{kind.folder}/{stem}.txt", combine([fp, "txt"])
                sha = self._take(rel, file_fp) or write_into(self.root, rel, text.render(ctx))
                written.append((rel, sha, file_fp))
        if merged is not None:
            kept = write_into(self.root, merged_rel, merged.finish())
        if kept is not None:
            written.append((merged_rel, kept, merged_fp))
        if single is not None:  # not an output: not listed as written
            write_into(self.root, f"{SPLIT_SOURCES}/{kind.folder}/{job.merged_name}.docx",
                       single.finish())
        return written

    def _take(self, rel: str, fingerprint: str | None) -> str | None:
        """Carry `rel` over from the previous build when made from `fingerprint` there."""
        return self.carry.take(self.root, rel, fingerprint) if self.carry else None


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


def _run(job: UnitJob) -> list[Written]:
    assert _renderer is not None
    return _renderer.run(job)


def render_units(jobs: Iterable[UnitJob], setup: Setup, facts: Facts, *,
                 jobs_count: int | None, total: int,
                 progress: Callable[[int], None] | None = None) -> Iterator[Written]:
    """Yield (path, sha256, fingerprint) of every file written, rendering units on
    `jobs_count` processes."""
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
             ) -> Iterator[tuple[UnitJob, list[Written]]]:
    """Yield each job with its result, keeping at most `limit` jobs in flight (flat memory)."""
    pending: list[tuple[UnitJob, Future[list[Written]]]] = []
    for job in jobs:
        pending.append((job, pool.submit(_run, job)))
        if len(pending) >= limit:
            first, future = pending.pop(0)
            yield first, future.result()
    for job, future in pending:
        yield job, future.result()
