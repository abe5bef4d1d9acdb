"""The writer and its manifest: sealed manifests, write errors as messages, links, leftovers."""

from __future__ import annotations

import errno
import json
import os
import pickle
from pathlib import Path

import pytest

from fupin_docs.errors import FupinError
from fupin_docs.output.manifest import MANIFEST, manifest_bytes, read_manifest
from fupin_docs.output.staging import Staging, WriteFailed, remove_stale, write_into


def _sealed(folder: Path, outputs: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).write_bytes(manifest_bytes({"tool": "fupin-docs x", "outputs": outputs}))


def test_a_sealed_manifest_reads_back_and_a_changed_one_does_not(tmp_path: Path) -> None:
    _sealed(tmp_path, {})
    assert read_manifest(tmp_path) is not None
    data = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    data["outputs"]["别人的.docx"] = "0" * 64
    (tmp_path / MANIFEST).write_text(json.dumps(data), "utf-8")
    assert read_manifest(tmp_path) is None


def test_write_errors_name_the_file_and_survive_a_worker_process() -> None:
    error = WriteFailed("联系卡/上村_H01_李大.docx", OSError(errno.ENOSPC, "No space left"))
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, WriteFailed) and again.message == error.message
    assert "上村_H01_李大.docx" in error.message and "磁盘已满" in error.message
    assert "怎么改" in error.message


def test_the_writer_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    (tmp_path / "stage").mkdir()
    (tmp_path / "stage" / "a.txt").symlink_to(outside)
    with pytest.raises(FupinError):
        write_into(tmp_path / "stage", "a.txt", b"x")
    assert not outside.exists()


def test_a_failed_build_leaves_nothing_and_keeps_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Staging(out) as staging:
        staging.write("a.txt", b"first")
        staging.write(MANIFEST, manifest_bytes({"outputs": dict(staging.written)}))
    out.chmod(0o751)
    with pytest.raises(RuntimeError), Staging(out) as staging:
        staging.write("a.txt", b"second")
        raise RuntimeError("boom")
    assert (out / "a.txt").read_bytes() == b"first" and out.stat().st_mode & 0o777 == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with Staging(out) as staging:  # and a build that succeeds keeps the folder's mode
        staging.write("a.txt", b"third")
    assert (out / "a.txt").read_bytes() == b"third" and out.stat().st_mode & 0o777 == 0o751


def test_an_unlocked_staging_folder_is_stale_whatever_its_pid(tmp_path: Path) -> None:
    """A pid can be reused by an unrelated process; the folder's lock cannot."""
    out = tmp_path / "out"
    stale = tmp_path / f".out.tmp-{os.getppid()}-abc"  # a live pid, but no build holds it
    (stale / "sub").mkdir(parents=True)
    remove_stale(out)
    assert not stale.exists()


def test_a_killed_swap_is_undone(tmp_path: Path) -> None:
    old = tmp_path / ".out.old-1"
    old.mkdir()
    (old / "a.txt").write_text("kept")
    remove_stale(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text() == "kept"
