"""Shared fixtures: a CLI runner, tiny project trees, the bundled examples, the message language."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fupin_docs.i18n import set_lang
from tests.helpers import EXAMPLES, MINIMAL, write_tree


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output")


@pytest.fixture(autouse=True)
def chinese_messages() -> Iterator[None]:
    """Every test starts with Chinese messages, whatever the machine's locale."""
    set_lang("zh")
    yield
    set_lang(None)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """Return a small valid project folder."""
    return write_tree(tmp_path / "proj", MINIMAL)


@pytest.fixture
def example(tmp_path: Path) -> Callable[[str], Path]:
    """Return a function copying a bundled example into tmp_path (so tests may change it)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(EXAMPLES / name, target)
        return target

    return copy
