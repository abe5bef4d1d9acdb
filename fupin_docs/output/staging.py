"""The one module that writes output files: into a staging folder, moved into place at the end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr

MANIFEST = "manifest.json"
def sha256(data: bytes) -> str:
    """Return the hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


class Staging:
    """A folder beside the target that collects a build; it replaces the target only on success.

    A build that fails or is interrupted leaves the previous output exactly as it was, and
    never a half-written file in it.
    """

    def __init__(self, target: Path):
        self.target = Path(target).absolute()
        self.root: Path | None = None
        self.written: dict[str, str] = {}  # relative path -> sha256
        self._folded: set[str] = set()

    def __enter__(self) -> Staging:
        ensure_replaceable(self.target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(self.target)
            # the pid in the name lets a later build tell a killed build's leftovers
            self.root = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-{os.getpid()}-",
                                              dir=self.target.parent))
        except OSError as exc:  # the parent is a file, read-only, on a missing drive …
            raise FupinError(tr(f"无法在 {self.target.parent} 建立输出文件夹：{exc.strerror}",
                                f"cannot create the output folder in {self.target.parent}: "
                                f"{exc.strerror}")) from None
        return self

    def write(self, rel: str, data: bytes) -> None:
        """Write one output; two records may never claim the same path."""
        assert self.root is not None
        self.adopt(rel, write_into(self.root, rel, data))

    def adopt(self, rel: str, digest: str) -> None:
        """Record a file written into the staging folder (by a worker process, say)."""
        # Windows and macOS ignore case: H01 and h01 would be one file there
        if rel in self.written or rel.casefold() in self._folded:
            raise FupinError(tr(f"两份文件要写到同一个位置：{rel}", f"two outputs share {rel}"))
        self.written[rel] = digest
        self._folded.add(rel.casefold())

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.root is not None
        if kind is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        old = None
        try:
            if self.target.exists():
                old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(self.target, old)
            os.replace(self.root, self.target)
        except OSError as exc:  # e.g. a file in the target is open on Windows: put it back
            if old is not None and old.exists() and not self.target.exists():
                os.replace(old, self.target)
            shutil.rmtree(self.root, ignore_errors=True)
            raise FupinError(tr(f"无法替换输出文件夹 {self.target}：{exc.strerror}。"
                                "请关闭其中打开的文件后重试",
                                f"cannot replace {self.target}: {exc.strerror}")) from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Return True when process `pid` still runs (so its staging folder is in use)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours, or a platform that cannot tell: leave it alone
    return True


def remove_stale(target: Path) -> None:
    """Remove staging folders that builds killed outright (kill -9, power cut) left beside
    `target`; if such a build died between its two renames, put the old output back."""
    for folder in target.parent.glob(f".{target.name}.*-*"):
        kind, _, rest = folder.name[len(target.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid.isdigit() or _alive(int(pid)):
            continue
        if kind == "old" and not target.exists():
            os.replace(folder, target)
        else:
            shutil.rmtree(folder, ignore_errors=True)


_made: set[Path] = set()


def write_into(root: Path, rel: str, data: bytes) -> str:
    """Write `data` at `root`/`rel` inside a staging folder; return its sha256."""
    path = root / rel
    if path.parent not in _made:  # 10,000 households share a few folders
        path.parent.mkdir(parents=True, exist_ok=True)
        _made.add(path.parent)
    path.write_bytes(data)
    return sha256(data)


def ensure_replaceable(target: Path) -> None:
    """Refuse to replace a folder that fupin-docs did not make (it has no manifest.json)."""
    if target.is_file():
        raise FupinError(tr(f"输出位置 {target} 是一个文件，请指定文件夹",
                            f"output {target} is a file; give a folder"))
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise FupinError(tr(f"输出文件夹 {target} 里已有其他文件，且不是 fupin-docs 生成的"
                            f"（没有 {MANIFEST}）。为免覆盖，请用 -o 指定一个新文件夹",
                            f"{target} holds files fupin-docs did not write (no {MANIFEST}); "
                            f"choose an empty folder with -o"))


def read_manifest(target: Path) -> dict | None:
    """Return the manifest of a previous build in `target`, if there is a readable one."""
    try:
        return json.loads((target / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def manifest_bytes(manifest: dict) -> bytes:
    """Return the manifest as stable, readable JSON."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
