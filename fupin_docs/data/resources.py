"""What a build draws on besides the school's data: templates, policy table and boilerplate.

Each comes from the first place in one chain that has it: the project itself, its template
pack, the packs that pack extends, and finally the built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_docs.data import policy_table
from fupin_docs.data.packs import PackChain, load_chain
from fupin_docs.data.policy_table import PolicyTable
from fupin_docs.data.project import LoadedProject
from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.data.values import looks_like_path
from fupin_docs.errors import DataError, Location, Problem, TemplateProblem
from fupin_docs.i18n import tr

POLICY_FILE = "policies.yaml"
#: the two folders of a template chain: Word templates and text templates
KINDS = ("docx", "text")


def builtin_dir() -> Path:
    """Return the folder of the built-in templates: in the wheel, or at the top of a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_templates"  # where the wheel puts the top-level templates/ folder
    return packaged if (packaged / "docx").is_dir() else here.parent / "templates"


class TemplateSet:
    """An ordered list of template folders: the first that has a name supplies it."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = [Path(d) for d in dirs]

    def resolve(self, name: str) -> Path:
        """Return the file for `name` (e.g. ``docx/report.docx``); list every folder searched."""
        parts = Path(name).parts
        if ".." in parts or Path(name).is_absolute():
            raise TemplateProblem.plain(tr(f"模板名不能含 “..”：{name}",
                                           f"bad template name: {name}"))
        for folder in self.dirs:
            candidate = folder / name
            if candidate.is_file():
                if not self.confined(folder, candidate):
                    raise TemplateProblem.plain(
                        tr(f"模板 {name} 是指向 {folder.parent} 以外的链接，为安全起见不读取",
                           f"template {name} links out of {folder.parent}; not read"),
                        Location(str(candidate)),
                        tr("把模板文件本身放进模板文件夹", "put the template itself in the folder"))
                return candidate
        searched = "\n".join(f"  - {d / name}" for d in self.dirs)
        raise TemplateProblem.plain(tr(f"找不到模板 {name}，已查找：\n{searched}",
                                       f"template {name} not found; searched:\n{searched}"))

    @staticmethod
    def confined(folder: Path, path: Path) -> bool:
        """Return True when `path` (links followed) lies inside the project or pack that owns
        the template folder `folder`."""
        return Roots([folder.parent]).allows(path)

    def display(self, name: str) -> str:
        """Return how messages name template `name`: its folder in the chain, then the name."""
        path = self.resolve(name)
        for folder in self.dirs:
            if path == folder / name:
                if folder == builtin_dir():
                    return tr(f"内置模板 {name}", f"built-in {name}")
                return f"{folder.parent.name}/{folder.name}/{name}"
        return str(path)

    def has(self, name: str) -> bool:
        """Return True when some folder of the chain supplies `name`."""
        return any((folder / name).is_file() for folder in self.dirs)

    def listing(self) -> dict[str, Path]:
        """Return every template name with the file that supplies it."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            for kind in KINDS:
                sub = folder / kind
                if sub.is_dir():
                    for f in sorted(sub.iterdir()):
                        if (f.is_file() and not f.name.startswith(("~$", "."))
                                and self.confined(folder, f)):
                            found[f"{kind}/{f.name}"] = f
        return dict(sorted(found.items()))

    def text_dirs(self) -> list[Path]:
        """Return the text folders of the chain, most specific first (for {% include %})."""
        return [d / "text" for d in self.dirs if (d / "text").is_dir()]


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

    @property
    def limits(self) -> dict[str, Any]:
        """Return the template limits the pack chain sets (render.limits.Limits fields)."""
        return self.chain.limits()

    def input_files(self) -> list[Path]:
        """Return the files besides the project's own that a build read."""
        files = list(self.chain.files)
        if self.policy_file is not None:
            files.append(self.policy_file)
        if self.boilerplate.get("seal"):
            files.append(Path(self.boilerplate["seal"]))  # a new seal must rebuild
        if self.boilerplate.get("logo"):
            files.append(Path(self.boilerplate["logo"]))
        return files


def resources_for(loaded: LoadedProject, pack: str | None = None) -> Resources:
    """Return the resources of `loaded`; `pack` (from the command line) replaces its own pack."""
    ref = pack if pack is not None else loaded.project.pack
    # a path typed on the command line is relative to where it was typed; a name is looked
    # up beside the project like the project's own `pack:`
    base = Path.cwd() if pack is not None and looks_like_path(pack) else loaded.root
    chain = load_chain(ref, base) if ref else PackChain()
    own = [loaded.root / "templates"] if (loaded.root / "templates").is_dir() else []
    templates = TemplateSet(own + chain.template_dirs + [builtin_dir()])
    table, origin, file = _policy(loaded, chain)
    return Resources(templates, chain, table, origin, file, chain.boilerplate())


def default_policy_path() -> Path:
    """Return the built-in example policy table."""
    return builtin_dir() / POLICY_FILE


def _policy(loaded: LoadedProject, chain: PackChain) -> tuple[PolicyTable, str, Path | None]:
    """Return the first policy table along the chain, validated against its own file."""
    if loaded.project.policies is not None:
        table = policy_table.table_from({"policies": loaded.project.policies}, loaded.positions)
        return table, "project", None
    own = loaded.root / POLICY_FILE
    if own.is_file() and loaded.roots is not None and not loaded.roots.allows(own):
        message, hint = outside_message("资助政策表", POLICY_FILE, loaded.roots)
        raise DataError([Problem(message, Location(POLICY_FILE), hint)])
    if own.is_file():
        return policy_table.load_policy_table(own, POLICY_FILE), POLICY_FILE, own
    for pack in chain.packs:
        if pack.config.policies is not None:
            return policy_table.table_from(pack.data, pack.positions), pack.display, None
    path = default_policy_path()
    return policy_table.load_policy_table(path, f"内置/{path.name}"), "builtin", path
