"""Every hostile case, run as a user would run it, within its memory and time caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.hostile.cases import CASES, GROUPS, Case
from tests.hostile.harness import TIME_CAP, Run, execute, leftovers, snapshot

#: what one case may cost at most, measured (the caps in the harness stop a runaway)
SECONDS, PEAK_MB = 45.0, 300.0


def test_every_group_has_cases() -> None:
    assert {c.group for c in CASES} == set(GROUPS)
    assert len({c.id for c in CASES}) == len(CASES)
    assert SECONDS < TIME_CAP


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    run = case.make(tmp_path)
    try:
        _judge(run)
    finally:
        if run.cleanup is not None:
            run.cleanup()


def _judge(run: Run) -> None:
    """Run the command and hold it to everything every case must meet, then to its own."""
    before = {path: snapshot(path) for path in run.keep}
    outcome = execute(run)
    text = outcome.output

    assert "内部错误" not in text and "Traceback" not in text, text
    assert outcome.code == run.exit, f"exit {outcome.code}, expected {run.exit}:\n{text}"
    for phrase in run.says:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
    for phrase in run.never:
        assert phrase not in text, f"{phrase!r} printed:\n{text}"
    for path, state in before.items():
        assert snapshot(path) == state, f"{path} changed"
    if run.out is not None:
        assert not leftovers(run.out), leftovers(run.out)
    assert outcome.seconds < SECONDS, f"{outcome.seconds:.1f} s"
    assert outcome.peak_mb < PEAK_MB, f"{outcome.peak_mb:.0f} MB"
    if run.verify is not None:
        run.verify(outcome)


def test_the_readme_lists_every_case() -> None:
    """The README's reliability table is the one list a user reads: it must not fall behind."""
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [c.about for c in CASES if f"| {c.about} |" not in readme]
    assert not missing, f"run python -m tests.hostile and update the README: {missing}"
