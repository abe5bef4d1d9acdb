"""Run one hostile case as a user would: the real command in a process of its own, with its
memory capped and its time bounded, and report what it said, how it ended, and what it cost."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import ROOT

#: the address space one case may take (workers each get the same cap)
MEMORY_CAP = 2 * 1024 ** 3
#: a case still running after this many seconds is killed and fails
TIME_CAP = 90.0

#: what runs in the child: an optional fault set up first (`prelude`), then the command line
_CHILD = """\
import sys
{prelude}
from fupin_docs.cli import run
run(sys.argv[1:])
"""


@dataclass(frozen=True)
class Run:
    """A command to run against files a case has prepared, and what must come of it."""

    args: list[str]
    #: the exit code the command must end with
    exit: int = 1
    #: phrases its output must contain (the message, and where)
    says: tuple[str, ...] = ()
    #: phrases its output must not contain (a leaked secret, say)
    never: tuple[str, ...] = ()
    #: Python run in the child before the command: a simulated fault
    prelude: str = ""
    #: files and folders that must be exactly as they were before the command
    keep: tuple[Path, ...] = ()
    #: the output folder, checked for staging and old folders left beside it
    out: Path | None = None
    #: send this signal to the command once it has written into its staging folder
    stop_with: int | None = None
    #: more checks once the command has ended
    verify: Callable[[Outcome], None] | None = None
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: undone after the case whatever its result (a mounted file system, say)
    cleanup: Callable[[], None] | None = None


@dataclass(frozen=True)
class Outcome:
    """How a command ended and what it cost."""

    code: int
    output: str
    seconds: float
    peak_mb: float


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def execute(run: Run) -> Outcome:
    """Run `run` in a process group of its own; kill the group if it passes TIME_CAP."""
    env = {**os.environ, "FUPIN_LANG": "zh", "PYTHONPATH": str(ROOT), **run.env}
    env.pop("SOURCE_DATE_EPOCH", None)
    cwd = run.cwd or Path.cwd()
    log = cwd / f".hostile-{os.getpid()}-{time.monotonic_ns()}.log"
    started = time.perf_counter()
    with open(log, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-c", _CHILD.format(prelude=run.prelude),
                                 *run.args], cwd=cwd, env=env, stdout=sink, stderr=sink,
                                stdin=subprocess.DEVNULL, preexec_fn=_cap_memory,
                                start_new_session=True)
        timer = threading.Timer(TIME_CAP, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            if run.stop_with is not None:
                assert run.out is not None
                _wait_for_staging(run.out, proc)
                os.kill(proc.pid, run.stop_with)
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = log.read_bytes().decode("utf-8", "replace")
    log.unlink()
    if proc.returncode == -signal.SIGKILL and seconds >= TIME_CAP:
        output += f"\n[killed after {TIME_CAP:g} s]"
    # ru_maxrss is in KiB on Linux: the largest of the command and its worker processes
    return Outcome(proc.returncode, output, seconds, usage.ru_maxrss / 1024)


def _wait_for_staging(out: Path, proc: subprocess.Popen) -> None:
    """Return once the command has written a file into a staging folder beside `out`."""
    deadline = time.monotonic() + TIME_CAP
    while proc.poll() is None and time.monotonic() < deadline:
        for folder in out.parent.glob(f".{out.name}.tmp-*"):
            if any(p.is_file() for p in list(folder.rglob("*"))):  # read whole: no open scandir
                return
        time.sleep(0.02)
    raise AssertionError("the command ended before it wrote anything")


def snapshot(path: Path) -> object:
    """Return what is at `path`: a folder's files and modes, a file's bytes, or None."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_file():
        return path.read_bytes()
    if not path.exists():
        return None
    return {p.relative_to(path).as_posix(): (p.read_bytes() if p.is_file() else "dir",
                                             p.stat().st_mode)
            for p in sorted(path.rglob("*"))}


def leftovers(out: Path) -> list[str]:
    """Return the staging and old folders left beside the output folder `out`."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*-*"))
