"""The manifest of a build: what it made from what, sealed so that a later build knows the
folder is fupin-docs's own; and the stamps that let it trust an unchanged file unread."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr

MANIFEST = "manifest.json"
#: each output's size and time when written: a rebuild trusts a file whose stamp is unchanged
#: instead of reading it again (kept apart from the manifest, which stays reproducible)
STAMPS = ".stamps.json"
#: what the manifest says made it; with the seal it tells our folders from anyone else's
GENERATOR = "fupin-docs"
_SEAL_SALT = b"fupin-docs manifest seal v1\n"
#: files Word, WPS and LibreOffice leave beside a document while it is open
_LOCK_FILE = ("~$", ".~lock.")


def sha256(data: bytes) -> str:
    """Return the hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def ensure_replaceable(target: Path) -> None:
    """Refuse to replace a folder unless fupin-docs wrote all of it, as its signed manifest
    says: a folder of someone else's, a file added or an output edited since is never lost."""
    if target.is_file():
        raise FupinError(tr(f"输出位置 {target} 是一个文件，请指定文件夹",
                            f"output {target} is a file; give a folder"))
    if not target.is_dir() or _empty(target):
        return
    manifest = read_manifest(target)
    if manifest is None:
        raise FupinError(tr(f"输出文件夹 {target} 里已有其他文件，且不是 fupin-docs 生成的"
                            f"（没有 fupin-docs 签名的 {MANIFEST}）。"
                            "为免覆盖，请用 -o 指定一个新文件夹",
                            f"{target} holds files fupin-docs did not write (no {MANIFEST} "
                            f"signed by fupin-docs); choose an empty folder with -o"))
    outputs = manifest.get("outputs", {})
    stamps = read_stamps(target)
    added, edited = [], []
    for rel, entry in _files(target):
        if rel in (MANIFEST, STAMPS):
            continue
        if rel not in outputs or entry.is_symlink():
            added.append(rel)
        elif not intact(Path(entry.path), rel, manifest, stamps, entry.stat(follow_symlinks=False)):
            edited.append(rel)
    locks = [rel for rel in added if Path(rel).name.startswith(_LOCK_FILE)]
    if locks:
        raise FupinError(tr(f"输出文件夹 {target} 中有文件正在 Word/WPS/LibreOffice 中打开"
                            f"（{_some(locks)}）。请先关闭这些文件再生成",
                            f"files in {target} are open in an office program; close them"))
    if added:
        raise FupinError(tr(f"输出文件夹 {target} 里有不是 fupin-docs 生成的文件：{_some(added)}。"
                            "为免丢失，未做任何改动。"
                            "请把这些文件移到别处，或用 -o 指定一个新文件夹",
                            f"{target} holds files fupin-docs did not write: {_some(added)}; "
                            f"nothing was changed. Move them away or choose another folder"))
    if edited:
        raise FupinError(tr(f"输出文件夹 {target} 中有文件在生成后被修改过：{_some(edited)}。"
                            "为免丢失这些修改，未做任何改动。请把改过的文件另存到别处（或删除），再重新生成",
                            f"files in {target} were changed after they were built: "
                            f"{_some(edited)}; nothing was changed. Save them elsewhere (or "
                            f"delete them) and build again"))


def _files(folder: Path, prefix: str = "") -> list[tuple[str, os.DirEntry[str]]]:
    """Return every file and link under `folder` (links to folders are not followed) with
    its path relative to it, in sorted order; one lstat per file (20,000 in a big build)."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=lambda entry: entry.name)
    for entry in listed:
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            found += _files(Path(entry.path), rel + "/")
        else:
            found.append((rel, entry))
    return found


def stamp(path: Path, info: os.stat_result | None = None) -> str:
    """Return a file's size and modification time: any edit changes them."""
    info = info or path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def read_stamps(target: Path) -> dict[str, str]:
    """Return the stamps the last build in `target` left (none when unreadable)."""
    try:
        found = json.loads((target / STAMPS).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def intact(path: Path, rel: str, manifest: dict, stamps: dict[str, str],
           info: os.stat_result | None = None) -> bool:
    """Return True when the output `rel` at `path` (whose stat may be given) is as the build
    of `manifest` wrote it: its stamp unchanged, or else its bytes (a copy keeps the bytes,
    not the time)."""
    try:
        if stamps.get(rel) == stamp(path, info):
            return True
        return sha256(path.read_bytes()) == manifest["outputs"].get(rel)
    except OSError:
        return False


def _empty(folder: Path) -> bool:
    """Return True when `folder` holds nothing."""
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _some(items: list[str], shown: int = 5) -> str:
    """Return up to `shown` names, and how many more there are."""
    text = "、".join(items[:shown])
    return text + (tr(f" 等 {len(items)} 个", f" and {len(items) - shown} more")
                   if len(items) > shown else "")


def read_manifest(target: Path) -> dict | None:
    """Return the manifest of a previous build in `target`, when fupin-docs wrote and sealed it."""
    try:
        manifest = json.loads((target / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(manifest, dict) or not isinstance(manifest.get("outputs"), dict)
            or manifest.get("seal") != _seal(manifest)):
        return None
    return manifest


def _seal(manifest: dict) -> str:
    """Return the seal of a manifest: a hash of everything else in it, under our salt."""
    body = {k: v for k, v in manifest.items() if k != "seal"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256(_SEAL_SALT + text.encode())


def manifest_bytes(manifest: dict) -> bytes:
    """Return the manifest as stable, readable JSON, sealed so later builds know it is ours."""
    sealed = {**manifest, "generator": GENERATOR}
    sealed["seal"] = _seal(sealed)
    return (json.dumps(sealed, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
