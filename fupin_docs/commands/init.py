"""Write a new project skeleton whose YAML is commented in Chinese."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fupin_docs.data.resources import builtin_dir
from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr

SCHEMA = "schema.json"


def write_skeleton(directory: Path) -> list[Path]:
    """Copy the commented starter files into `directory`; never overwrite a file, and never
    write through a link (a dangling one would lead outside the folder)."""
    source = builtin_dir() / "init"
    files = sorted(p for p in source.iterdir() if p.is_file())
    names = [f.name for f in files] + [SCHEMA]
    clashes = [directory / n for n in names if os.path.lexists(directory / n)]
    if clashes:
        raise FupinError(tr(f"{directory} 中已有 {'、'.join(p.name for p in clashes)}，"
                            f"为免覆盖未做任何改动",
                            f"{directory} already has {', '.join(p.name for p in clashes)}; "
                            f"nothing was changed"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file, or a link to nowhere, in the way
        raise FupinError(tr(f"无法建立文件夹 {directory}：{exc.strerror}。请换一个文件夹名",
                            f"cannot create {directory}: {exc.strerror}")) from None
    contents = {f.name: f.read_bytes() for f in files}
    # the YAML files point editors (VS Code YAML) at this schema for completion
    contents[SCHEMA] = schema_json().encode("utf-8")
    written: list[Path] = []
    for name, data in contents.items():
        target = directory / name
        try:
            with open(target, "xb") as out:  # O_EXCL: a link in the way is refused, not followed
                out.write(data)
        except OSError as exc:
            for done in written:  # all or nothing: no half-made project
                done.unlink()
            raise FupinError(tr(f"无法写入 {target}：{exc.strerror}，未做任何改动",
                                f"cannot write {target}: {exc.strerror}; nothing was "
                                "changed")) from None
        written.append(target)
    return written


def schema_json() -> str:
    """Return the JSON Schema of a project file, for editors."""
    from fupin_docs.data.model import Project

    data = Project.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = tr("扶贫文书项目资料", "fupin-docs project")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
