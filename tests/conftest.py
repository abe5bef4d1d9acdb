"""Shared fixtures: a CLI runner, tiny project trees, the bundled examples, golden files."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fupin_docs.i18n import set_lang

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data_examples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output")


@pytest.fixture(autouse=True)
def chinese_messages():
    """Every test starts with Chinese messages, whatever the machine's locale."""
    set_lang("zh")
    yield
    set_lang(None)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`; return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


MINIMAL = {
    "school.yaml": textwrap.dedent("""
        school:
          name: 测试县测试镇测试小学
          short_name: 测试小学
          county: 测试县
          town: 测试镇
          report_date: 2018-07
        teachers:
          - {id: T01, name: 张老师, role: 校长, phone: "13800000001"}
          - {id: T02, name: 王老师, role: 教师, phone: "13800000002"}
        units:
          - {id: 上村, name: 上村, households: 20, people: 80}
        pairings:
          - {teacher: T01, households: [H01]}
          - {teacher: T02, households: [H02]}
        households:
          - id: H01
            head: 李大
            unit: 上村
            phone: "13900000001"
            children:
              - {name: 李小一, gender: 男, birth_date: 2010-03-05, stage: 小学, grade: 2, boarding: 是}
          - id: H02
            head: 王二
            unit: 上村
            children:
              - {name: 王小二, gender: 女, birth_date: 2011-05-20, stage: 小学, grade: 1}
        """).lstrip("\n"),
}


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """Return a small valid project folder."""
    return write_tree(tmp_path / "proj", MINIMAL)


@pytest.fixture
def example(tmp_path: Path):
    """Return a function copying a bundled example into tmp_path (so tests may change it)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(EXAMPLES / name, target)
        return target

    return copy


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes (to prove nothing changed)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def require_tool(*names: str) -> None:
    """Skip when a system tool is missing, except in CI, where a missing tool fails the test.

    In CI a missing LibreOffice or poppler means the PDF path silently stopped being tested,
    so it must fail; on a developer's machine a skip with the reason is enough. "soffice" is
    looked for the way `fupin-docs` does (FUPIN_SOFFICE, PATH, the usual install folders).
    """
    from fupin_docs.pdf import find_soffice

    missing = [n for n in names
               if (find_soffice() is None if n == "soffice" else shutil.which(n) is None)]
    if not missing:
        return
    message = f"missing system tool(s): {', '.join(missing)} (run: make system-deps)"
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(message)
    pytest.skip(message)


def golden(request: pytest.FixtureRequest, name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/<name>; rewrite it with --update-golden."""
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {name}; run pytest --update-golden"
    assert actual == path.read_text("utf-8")
