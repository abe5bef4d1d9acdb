"""Write a new project skeleton whose YAML is commented in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from fupin_docs.data.resources import builtin_dir
from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr

SCHEMA = "schema.json"


def write_skeleton(directory: Path) -> list[Path]:
    """Copy the commented starter files into `directory`; never overwrite a file."""
    source = builtin_dir() / "init"
    files = sorted(p for p in source.iterdir() if p.is_file())
    names = [f.name for f in files] + [SCHEMA]
    clashes = [directory / n for n in names if (directory / n).exists()]
    if clashes:
        raise FupinError(tr(f"{directory} 中已有 {'、'.join(p.name for p in clashes)}，"
                            f"为免覆盖未做任何改动",
                            f"{directory} already has {', '.join(p.name for p in clashes)}; "
                            f"nothing was changed"))
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for f in files:
        target = directory / f.name
        target.write_bytes(f.read_bytes())
        written.append(target)
    # the YAML files point editors (VS Code YAML) at this schema for completion
    (directory / SCHEMA).write_text(schema_json(), encoding="utf-8")
    return written + [directory / SCHEMA]


def schema_json() -> str:
    """Return the JSON Schema of a project file, for editors."""
    from fupin_docs.data.model import Project

    data = Project.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = tr("扶贫文书项目资料", "fupin-docs project")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
