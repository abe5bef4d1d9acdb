"""The one module that writes output files: into a staging folder, moved into place at the end."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr
from fupin_docs.output.manifest import STAMPS, ensure_replaceable, sha256, stamp

try:  # POSIX: a staging folder in use is locked; a killed build's lock is gone with it
    import fcntl
except ImportError:  # Windows: the pid in the folder's name tells instead
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


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
        self._lock: int | None = None

    def __enter__(self) -> Staging:
        try:
            # an output reached through a link is built beside the folder it really is, so
            # the swap replaces that folder and not the link
            if self.target.is_symlink():
                self.target = self.target.resolve()
            ensure_replaceable(self.target)
            self.target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(self.target)
            # the pid in the name lets a later build tell a killed build's leftovers
            self.root = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-{os.getpid()}-",
                                              dir=self.target.parent))
        except OSError as exc:  # the parent is a file, read-only, on a missing drive …
            raise FupinError(tr(f"无法在 {self.target.parent} 建立输出文件夹：{_reason(exc)}\n"
                                f"  怎么改：{_fix(exc)}",
                                f"cannot create the output folder in {self.target.parent}: "
                                f"{exc.strerror}\n  how to fix: {_fix(exc)}")) from None
        self._lock = _lock_folder(self.root)
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

    def write_stamps(self) -> None:
        """Write the stamp of every file written so far (renaming the folder keeps them)."""
        assert self.root is not None
        stamps = {rel: stamp(self.root / rel) for rel in sorted(self.written)}
        write_into(self.root, STAMPS, json.dumps(stamps, ensure_ascii=False).encode())

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.root is not None
        with _signals_held():  # a second Ctrl-C or a SIGTERM must not cut the clean-up short
            try:
                if kind is None:
                    self._swap()
            finally:
                _unlock(self._lock)
                _remove(self.root)

    def _swap(self) -> None:
        """Put the staging folder in the target's place, keeping the target's permissions."""
        assert self.root is not None
        old = None
        try:
            mode = _folder_mode(self.target)
            if self.target.exists():
                old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
                _remove(old)
                os.replace(self.target, old)
            os.replace(self.root, self.target)
            os.chmod(self.target, mode)  # mkdtemp made it 700
        except OSError as exc:  # e.g. a file in the target is open on Windows: put it back
            if old is not None and old.exists() and not self.target.exists():
                os.replace(old, self.target)
            raise FupinError(tr(f"无法替换输出文件夹 {self.target}：{_reason(exc)}。"
                                "原来的输出保持不变；请关闭其中打开的文件后重试",
                                f"cannot replace {self.target}: {exc.strerror}; the previous "
                                "output is unchanged")) from None
        if old is not None and not _remove(old):
            log.warning(tr(f"新的输出已生成，但旧的输出 {old} 删不掉"
                           "（其中有文件正被打开或没有权限）。"
                           "关闭这些文件后可手动删除；下次生成时也会自动删除",
                           f"the new output is in place, but the old one at {old} could not be "
                           "removed; the next build removes it"))


def _folder_mode(target: Path) -> int:
    """Return the permissions the output folder should have: its own, or the umask's."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o777 & ~mask


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the body runs (POSIX); they arrive right after it."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _remove(folder: Path) -> bool:
    """Remove `folder` and everything in it, read-only files too; return True when gone."""

    def retry(function: Callable[..., Any], path: str, _info: Any) -> None:
        try:
            os.chmod(path, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            function(path)
        except OSError:
            pass

    if folder.is_symlink():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder, onerror=retry)
    return not os.path.lexists(folder)


def _lock_folder(folder: Path) -> int | None:
    """Hold a lock on `folder` for as long as this process lives (None where unsupported)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError:
        return None


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _in_use(folder: Path, pid: int) -> bool:
    """Return True when a running build still owns `folder`."""
    if pid == os.getpid():
        return True
    if fcntl is not None:  # the lock is exact: a reused pid cannot keep a folder alive
        fd = _lock_folder(folder)
        if fd is not None:
            _unlock(fd)
            return False
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours, or a platform that cannot tell: leave it alone
    return True


def remove_stale(target: Path) -> None:
    """Remove staging folders that builds killed outright (kill -9, power cut) left beside
    `target`; if such a build died between its two renames, put the old output back."""
    for folder in target.parent.glob(f".{target.name}.*-*"):
        kind, _, rest = folder.name[len(target.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid.isdigit() or folder.is_symlink():
            continue
        if kind == "old":  # only ever there between two renames: its build is gone
            if int(pid) == os.getpid():
                continue
            if not target.exists():
                os.replace(folder, target)
                continue
        elif _in_use(folder, int(pid)):
            continue
        _remove(folder)


_made: set[Path] = set()


def write_into(root: Path, rel: str, data: bytes) -> str:
    """Write `data` at `root`/`rel` inside a staging folder; return its sha256.

    A full disk, a missing permission or a name too long is a message naming the file.
    """
    path = root / rel
    try:
        if path.parent not in _made:  # 10,000 households share a few folders
            path.parent.mkdir(parents=True, exist_ok=True)
            _made.add(path.parent)
        with open(path, "xb") as f:  # never through a link, never over another file
            f.write(data)
    except FileExistsError:
        raise FupinError(tr(f"两份文件要写到同一个位置：{rel}",
                            f"two outputs share {rel}")) from None
    except OSError as exc:
        raise WriteFailed(rel, exc) from None
    return sha256(data)


def carry_into(root: Path, rel: str, previous: Path) -> bool:
    """Put the previous build's file `previous` at `root`/`rel` unchanged: a second name for
    the same file where the disk allows (no bytes copied), else a copy. Return False when
    `previous` is gone (someone deleted it from the output): then it is made anew."""
    path = root / rel
    try:
        if path.parent not in _made:
            path.parent.mkdir(parents=True, exist_ok=True)
            _made.add(path.parent)
        try:
            os.link(previous, path)
        except OSError as exc:  # another disk, or a file system without links
            if isinstance(exc, FileNotFoundError) and not os.path.lexists(previous):
                return False
            shutil.copyfile(previous, path)
    except OSError as exc:
        raise WriteFailed(rel, exc) from None
    return True


class Carry:
    """What a rebuild may take over from the previous output: each file with its fingerprint
    and sha256, and where it is."""

    def __init__(self, folder: Path, manifest: dict | None) -> None:
        self.folder = folder
        outputs = (manifest or {}).get("outputs", {})
        prints = (manifest or {}).get("fingerprints", {})
        self.known = {rel: (fp, outputs[rel]) for rel, fp in prints.items() if rel in outputs}

    def _made_from(self, rel: str, fingerprint: str | None) -> str | None:
        """Return the sha256 of `rel` when the previous build made it from `fingerprint`."""
        known = self.known.get(rel)
        if fingerprint is None or known is None or known[0] != fingerprint:
            return None
        return known[1]

    def has(self, rel: str, fingerprint: str | None) -> bool:
        """Return True when the previous build made `rel` from `fingerprint` and it is there."""
        return self._made_from(rel, fingerprint) is not None and (self.folder / rel).is_file()

    def take(self, root: Path, rel: str, fingerprint: str | None) -> str | None:
        """Carry `rel` over into `root` when the previous build made it from the same
        fingerprint; return its sha256, or None when it must be made anew."""
        digest = self._made_from(rel, fingerprint)
        if digest is None or not carry_into(root, rel, self.folder / rel):
            return None
        return digest


class WriteFailed(FupinError):
    """An output could not be written; the previous output is left as it was."""

    def __init__(self, rel: str, exc: OSError | str, hint: str | None = None) -> None:
        if isinstance(exc, str):  # unpickled in the main process from a worker's message
            super().__init__(exc)
            return
        reason, fix = _reason(exc), _fix(exc)
        super().__init__(tr(f"无法写入输出文件“{rel}”：{reason}。原来的输出保持不变。\n"
                            f"  怎么改：{fix}",
                            f"cannot write the output '{rel}': {exc.strerror}; the previous "
                            f"output is unchanged.\n  how to fix: {fix}"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (WriteFailed, ("", self.message))


def _reason(exc: OSError) -> str:
    """Return what went wrong, as a user would say it."""
    return {errno.ENOSPC: tr("磁盘已满", "the disk is full"),
            errno.EDQUOT: tr("磁盘配额已用完", "the disk quota is used up"),
            errno.EACCES: tr("没有写入权限", "permission denied"),
            errno.EPERM: tr("没有写入权限", "permission denied"),
            errno.EROFS: tr("磁盘是只读的", "the disk is read-only"),
            errno.ENAMETOOLONG: tr("文件名或路径太长", "the file name or path is too long"),
            }.get(exc.errno or 0, exc.strerror or str(exc))


def _fix(exc: OSError) -> str:
    """Return what the user can do about `exc`."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return tr("腾出磁盘空间，或用 -o 输出到另一个磁盘，再重新生成",
                  "free some space, or build onto another disk with -o")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return tr("用 -o 指定一个自己有写入权限的文件夹",
                  "choose a folder you may write to with -o")
    if exc.errno == errno.ENAMETOOLONG:
        return tr("用 -o 指定一个路径较短的文件夹（如 D:\\输出），或把过长的名字改短",
                  "choose an output folder with a shorter path, or shorten the long names")
    return tr("检查输出文件夹所在的磁盘后重新生成", "check the disk and build again")
