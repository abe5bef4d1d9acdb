"""What a build draws on besides the school's data: templates, policy table and boilerplate.

Each comes from the first place in one chain that has it: the project itself, its template
pack, the packs that pack extends, and finally the built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_docs import policy
from fupin_docs.packs import PackChain, load_chain
from fupin_docs.policy import PolicyTable
from fupin_docs.project import LoadedProject
from fupin_docs.templates import TemplateSet, builtin_dir

POLICY_FILE = "policies.yaml"


@dataclass
class Resources:
    """The template chain, the policy table in force and the boilerplate, for one project."""

    templates: TemplateSet
    chain: PackChain
    policy: PolicyTable
    #: where the policy table came from, for messages and the manifest
    policy_origin: str
    policy_file: Path | None
    boilerplate: dict[str, Any]

    def input_files(self) -> list[Path]:
        """Return the files besides the project's own that a build read."""
        files = list(self.chain.files)
        if self.policy_file is not None:
            files.append(self.policy_file)
        if self.boilerplate.get("seal"):
            files.append(Path(self.boilerplate["seal"]))  # a new seal must rebuild
        return files


def resources_for(loaded: LoadedProject, pack: str | None = None) -> Resources:
    """Return the resources of `loaded`; `pack` (from the command line) replaces its own pack."""
    ref = pack if pack is not None else loaded.project.pack
    # a path typed on the command line is relative to where it was typed; a name is looked
    # up beside the project like the project's own `pack:`
    typed_path = pack is not None and (pack.startswith(".") or "/" in pack or "\\" in pack)
    base = Path.cwd() if typed_path else loaded.root
    chain = load_chain(ref, base) if ref else PackChain()
    own = [loaded.root / "templates"] if (loaded.root / "templates").is_dir() else []
    templates = TemplateSet(own + chain.template_dirs + [builtin_dir()])
    table, origin, file = _policy(loaded, chain)
    return Resources(templates, chain, table, origin, file, chain.boilerplate())


def _policy(loaded: LoadedProject, chain: PackChain) -> tuple[PolicyTable, str, Path | None]:
    """Return the first policy table along the chain, validated against its own file."""
    if loaded.project.policies is not None:
        table = policy.table_from({"policies": loaded.project.policies}, loaded.positions)
        return table, "project", None
    own = loaded.root / POLICY_FILE
    if own.is_file():
        return policy.load_policy_table(own, POLICY_FILE), POLICY_FILE, own
    for pack in chain.packs:
        if pack.config.policies is not None:
            return policy.table_from(pack.data, pack.positions), pack.display, None
    path = policy.default_policy_path()
    return policy.load_policy_table(path, f"内置/{path.name}"), "builtin", path
