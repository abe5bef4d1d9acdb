"""County template packs: pack.yaml, the `extends` chain, and what a chain supplies."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from fupin_docs.data.model import Strict
from fupin_docs.data.photos import LOGO_BOX_MM, LOGO_DPI, PhotoError, photo_file, print_copy
from fupin_docs.data.positions import Positions
from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.data.validate import validate_as
from fupin_docs.data.values import looks_like_path
from fupin_docs.data.yamlfile import load_file
from fupin_docs.errors import DataError, FupinError, Location, Problem
from fupin_docs.i18n import tr

PACK_FILE = "pack.yaml"
PACKS_ENV = "FUPIN_PACKS"


class Boilerplate(Strict):
    """模板包提供的固定用语：各校共用，学校资料中写了的以学校为准。"""

    county: str | None = Field(None, description="县或师的名称，如 师宗县、第五师")
    bureau: str | None = Field(None, description="教育主管部门，如 师宗县教育局、第五师教育局")
    bureau_short: str | None = Field(None, description="简称，如 县教育局、师市教育局")
    signing_unit: str | None = Field(None, description="默认落款单位")
    county_word: str | None = Field(None, description="县一级的叫法：县、师")
    town_word: str | None = Field(None, description="乡镇一级的叫法：乡镇、团")
    unit_word: str | None = Field(None, description="基层单位叫法：村、自然村、连队")
    letterhead: str | None = Field(None, description="文头（告知单、一封信顶部的单位名称）")
    documents: dict[str, str] = Field(default_factory=dict,
                                      description="政策文件文号，如 资助政策: 师教通〔2017〕65号")
    seal: str | None = Field(None, description="电子印章图片（相对 pack.yaml 的路径）")
    logo: str | None = Field(None, description="标志图片（相对 pack.yaml 的路径），印在政策告知单"
                                               "页眉的左上角，高 10 毫米；公文（汇报材料、"
                                               "一封信）按 GB/T 9704 不加页眉，不印标志")


class TemplateLimits(Strict):
    """模板运行的限度：出错或恶意的模板不能卡住或耗尽电脑。一般不用改。"""

    seconds: float = Field(30, gt=0, le=3600, description="每份文书渲染的最长时间（秒），默认 30")
    output_chars: int = Field(20_000_000, ge=1000,
                              description="每份文书生成的最多字数，默认 2000 万")
    string_chars: int = Field(2_000_000, ge=1000,
                              description="模板中一段文字的最多字数，默认 200 万")
    range_items: int = Field(100_000, ge=10, description="range() 最多的项数，默认 10 万")


class PackFile(Strict):
    """pack.yaml：一个县（师）的模板包。"""

    name: str = Field(description="模板包名称，如 师宗县教育局模板包")
    extends: str | None = Field(None, description="所扩展的上级模板包（名称或路径）")
    description: str | None = Field(None, description="说明")
    policies: Any = Field(None, description="本县资助政策表（格式同 policies.yaml 的 policies:）")
    boilerplate: Boilerplate = Field(default_factory=Boilerplate, description="固定用语")
    limits: TemplateLimits | None = Field(None, description="模板运行的限度（一般不用写）")


@dataclass
class Pack:
    """One loaded pack: its folder, settings and where each setting was written."""

    folder: Path
    config: PackFile
    data: dict[str, Any]
    positions: Positions

    @property
    def display(self) -> str:
        return f"{self.folder.name}/{PACK_FILE}"


@dataclass
class PackChain:
    """A pack and the packs it extends, most specific first."""

    packs: list[Pack] = field(default_factory=list)

    @property
    def template_dirs(self) -> list[Path]:
        return [p.folder / "templates" for p in self.packs if (p.folder / "templates").is_dir()]

    @property
    def files(self) -> list[Path]:
        return [p.folder / PACK_FILE for p in self.packs]

    def limits(self) -> dict[str, Any]:
        """Return the template limits the most specific pack sets (each setting on its own)."""
        found: dict[str, Any] = {}
        for pack in reversed(self.packs):
            if pack.config.limits is not None:
                found.update(pack.config.limits.model_dump(exclude_unset=True))
        return found

    def boilerplate(self) -> dict[str, Any]:
        """Return each boilerplate value from the most specific pack that sets it."""
        merged: dict[str, Any] = {name: None for name in Boilerplate.model_fields}
        merged["documents"] = {}
        for pack in reversed(self.packs):
            values = pack.config.boilerplate.model_dump(exclude_none=True)
            merged["documents"] = {**merged["documents"], **values.pop("documents", {})}
            merged.update(values)
        seals = [(p.folder, p.config.boilerplate.seal) for p in self.packs
                 if p.config.boilerplate.seal]
        if seals:
            merged["seal"] = str(seals[0][0] / seals[0][1])
        logos = [(p.folder, p.config.boilerplate.logo) for p in self.packs
                 if p.config.boilerplate.logo]
        if logos:
            merged["logo"] = str(logos[0][0] / logos[0][1])
        merged["name"] = self.packs[0].config.name if self.packs else ""
        return merged


def search_path(base: Path) -> list[Path]:
    """Return the folders where a pack named without a path is looked for."""
    dirs = [base / "packs", base.parent / "packs", base.parent]
    dirs += [Path(p) for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p]
    return dirs


def resolve(ref: str, base: Path) -> Path:
    """Return the folder of the pack `ref`: a path (relative to `base`) or a name to search."""
    candidates = [base / ref] if looks_like_path(ref) else [d / ref for d in search_path(base)]
    for folder in candidates:
        if folder.is_dir():
            if not (folder / PACK_FILE).is_file():
                raise FupinError(tr(f"文件夹 {folder} 不是模板包：缺少 {PACK_FILE}",
                                    f"{folder} is not a template pack: no {PACK_FILE}"))
            return folder.resolve()
    searched = "\n".join(f"  - {c}" for c in candidates)
    raise FupinError(tr(f"找不到模板包 “{ref}”，已查找：\n{searched}\n"
                        f"可在 {PACKS_ENV} 环境变量中添加查找位置",
                        f"template pack '{ref}' not found; searched:\n{searched}"))


def load_chain(ref: str | None, base: Path) -> PackChain:
    """Return the chain of packs starting at `ref`; loops and broken packs are errors."""
    chain = PackChain()
    seen: list[Path] = []
    while ref:
        folder = resolve(ref, base)
        if folder in seen:
            names = " → ".join(p.name for p in seen + [folder])
            raise FupinError(tr(f"模板包的 extends 形成循环：{names}。{chain.packs[-1].display} "
                                f"第{_line(chain.packs[-1], 'extends')}行",
                                f"template packs extend each other in a loop: {names}"))
        seen.append(folder)
        pack = _load(folder)
        chain.packs.append(pack)
        ref, base = pack.config.extends, folder
    return chain


def _line(pack: Pack, key: str) -> int | None:
    loc = pack.positions.of_value((key,))
    return loc.line if loc else None


def _load(folder: Path) -> Pack:
    """Return the pack in `folder`, validated, with located problems."""
    display = f"{folder.name}/{PACK_FILE}"
    if not Roots([folder]).allows(folder / PACK_FILE):
        message, _ = outside_message("模板包设置", PACK_FILE, Roots([folder]))
        raise DataError([Problem(message, Location(display))])
    loaded = load_file(folder / PACK_FILE, display)
    problems: list[Problem] = list(loaded.problems)
    if loaded.data is not None and not isinstance(loaded.data, dict):
        problems.append(Problem(tr("pack.yaml 顶层应是“字段: 值”的形式",
                                   "pack.yaml must be a mapping"),
                                loaded.positions.of_value(())))
    if problems:
        raise DataError(problems)
    config, problems = validate_as(PackFile, loaded.data, loaded.positions)
    if config is None:
        raise DataError(problems)
    seal = config.boilerplate.seal
    where = loaded.positions.of_value(("boilerplate", "seal"))
    if seal and not Roots([folder]).allows(folder / seal):
        message, _ = outside_message("印章图片", seal, Roots([folder]))
        raise DataError([Problem(message, where, tr("把印章图片放进模板包的文件夹",
                                                    "put the seal image inside the pack"))])
    if seal and not (folder / seal).is_file():
        raise DataError([Problem(tr(f"印章图片不存在：{seal}", f"seal image not found: {seal}"),
                                 where, tr("路径相对于 pack.yaml 所在文件夹",
                                           "relative to pack.yaml"))])
    if seal and (folder / seal).read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise DataError([Problem(tr(f"印章图片应为透明背景的 PNG 文件：{seal}",
                                    f"the seal must be a PNG "
                                    f"with a transparent background: {seal}"),
                                 where, tr("用图片软件另存为 PNG（背景透明），以免遮住文字",
                                           "save it as a transparent PNG"))])
    logo = config.boilerplate.logo
    if logo:
        try:
            file = photo_file(folder, logo, Roots([folder]), tr("标志图片", "logo"))
            print_copy(file, LOGO_BOX_MM, LOGO_DPI)
        except PhotoError as exc:
            hint = exc.hint if Roots([folder]).allows(folder / logo) else tr(
                "把标志图片放进模板包的文件夹（路径相对于 pack.yaml）",
                "put the logo inside the pack")
            raise DataError([Problem(exc.message, loaded.positions.of_value(
                ("boilerplate", "logo")), hint)]) from None
    return Pack(folder, config, loaded.data, loaded.positions)
