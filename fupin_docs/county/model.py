"""county.yaml: the county, its stated figures, and where its schools are.

The schools are the sub-folders of the county's folder that are school projects, or the paths
listed under ``schools:``. A path may leave the county's folder only into a folder the county
names under ``roots:`` (or one given with --root): whatever its YAML says, a county reads
nothing else. Every school may read its own folder, the county's and those roots.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, Field

from fupin_docs.county import COUNTY_FILE
from fupin_docs.data import values
from fupin_docs.data.imports.merge import WORKBOOK
from fupin_docs.data.model import Date, Money, OneOrMany, Paragraphs, PublicNotice, Strict, YesNo
from fupin_docs.data.positions import Positions
from fupin_docs.data.project import NOT_PROJECT_DATA, YAML_SUFFIXES
from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.data.validate import validate_as
from fupin_docs.data.yamlfile import load_file
from fupin_docs.errors import DataError, FupinError, Location, Problem, has_errors
from fupin_docs.i18n import tr

#: sub-folders of a county that are never schools
NOT_SCHOOLS = ("packs", "templates", "build")


class WrittenMoney(NamedTuple):
    """An amount as the county wrote it: yuan, and the last digit written (38.6万元: 1000 元),
    so that a sum is compared at the precision the figure was given in."""

    yuan: Decimal
    step: Decimal


def _written_money(value: Any) -> WrittenMoney:
    """Return an amount (values.parse_money) with the unit of its last written digit."""
    if isinstance(value, WrittenMoney):
        return value
    yuan = values.parse_money(value)
    text = repr(value) if isinstance(value, float) else str(value)
    text = values.half_width(text).strip().replace(",", "").replace(" ", "")
    factor = Decimal(10000) if text.endswith(("万元", "万")) else Decimal(1)
    digits = text.rstrip("万元")
    try:
        exponent = Decimal(digits).as_tuple().exponent
    except InvalidOperation:  # parse_money read it: never here
        exponent = 0
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return WrittenMoney(yuan, factor * Decimal(1).scaleb(-places))


StatedMoney = Annotated[WrittenMoney, BeforeValidator(_written_money)]


class CountyInfo(Strict):
    """县的基本情况：汇报的署名、成文日期和学年。"""

    name: str = Field(description="县（师）名，如 新干县")
    bureau: str | None = Field(None, description="教育局，如 新干县教育局；不写则用模板包的")
    aid_centre: str | None = Field(None, description="学生资助中心，如 新干县学生资助中心")
    report_date: Date = Field(description="成文日期，如 2018-07-20")
    school_year: str | None = Field(None, description="学年，如 2017—2018学年；"
                                                      "不写则由成文日期算出")
    signing_unit: str | None = Field(None, description="落款单位；不写则用教育局")
    report_title: str | None = Field(None, description="汇报标题；"
                                                       "不写则为 “<县名>教育扶贫工作汇报”")
    phone: str | None = Field(None, description="学生资助中心电话（县公示名单的监督电话）")


class StatedPart(Strict):
    """写明的一项资助：项目（资助政策表中的名称或编号，或其他说法）、金额、人数、人次。"""

    item: str = Field(description="资助项目，如 义务教育阶段贫困生补助金，或政策表中的编号")
    amount: StatedMoney | None = Field(None, description="金额，如 665.86万元")
    pupils: int | None = Field(None, ge=0, description="受助学生人数")
    times: int | None = Field(None, ge=0, description="受助人次")


class StatedAid(Strict):
    """写明的资助合计及其各项（如 新干县：资助 2136.45万元，其中 …）。"""

    total: StatedMoney | None = Field(None, description="资助金额合计，如 2136.45万元")
    pupils: int | None = Field(None, ge=0, description="受助学生人数")
    times: int | None = Field(None, ge=0, description="受助人次")
    parts: list[StatedPart] = Field(default_factory=list, description="其中各项")


class CountyFigures(Strict):
    """县里写明的数字；能由各校资料算出的，check 会核对并指出两处。"""

    schools: int | None = Field(None, ge=0, description="学校数")
    pupils: int | None = Field(None, ge=0, description="建档立卡学生人数（各校在读）")
    households: int | None = Field(None, ge=0, description="涉及建档立卡家庭户数")
    teachers: int | None = Field(None, ge=0, description="教师人数")
    paired_teachers: int | None = Field(None, ge=0, description="结对帮扶的教师人数")
    out_of_county: int | None = Field(None, ge=0, description="县外就读的建档立卡学生人数")
    aid: StatedAid | None = Field(None, description="资助：合计和各项")


class CountyInvestment(Strict):
    """改善办学条件的投入。"""

    purpose: str = Field(description="用途，如 改造12所农村薄弱学校")
    amount: Money = Field(description="金额，如 8734.39万元")
    funder: str | None = Field(None, description="出资单位")
    year: int | None = Field(None, description="年份")


class CountyNarrative(Strict):
    """汇报中的叙述段落（纯文字）。"""

    opening: Paragraphs = Field(default_factory=list, description="开头段")
    aid: Paragraphs = Field(default_factory=list, description="资助部分的补充段落")
    dropout: Paragraphs = Field(default_factory=list, description="控辍保学部分的补充段落")
    pairing: Paragraphs = Field(default_factory=list, description="结对帮扶部分的补充段落")
    conditions: Paragraphs = Field(default_factory=list, description="办学条件部分的补充段落")
    closing: Paragraphs = Field(default_factory=list, description="结尾")


class CountyFile(Strict):
    """county.yaml：全县的汇总资料。"""

    county: CountyInfo
    pack: str | None = Field(None, description="全县的模板包：名称或路径；"
                                               "学校自己写了 pack 的用自己的")
    roots: OneOrMany = Field(default_factory=list,
                             description="县文件夹之外可以放学校的文件夹（相对本文件）")
    schools: OneOrMany = Field(default_factory=list,
                               description="学校文件夹（相对本文件）；不写则为本文件夹下"
                                           "每个学校项目的子文件夹")
    figures: CountyFigures = Field(default_factory=CountyFigures, description="写明的数字")
    investments: list[CountyInvestment] = Field(default_factory=list,
                                                description="改善办学条件的投入")
    narrative: CountyNarrative = Field(default_factory=CountyNarrative, description="叙述段落")
    public_notice: PublicNotice = Field(default_factory=PublicNotice,
                                        description="县公示名单的公示期和监督电话")
    ledger_full_ids: YesNo = Field(False, description="县资助台账中显示完整身份证号")


@dataclass(frozen=True)
class SchoolRef:
    """One school of the county: where it is and how the county names it."""

    #: how messages name it: the path as county.yaml writes it, or the sub-folder's name
    key: str
    #: the school's folder
    path: Path
    #: where county.yaml names it (None for a sub-folder found)
    where: Location | None = None


@dataclass
class County:
    """county.yaml read and validated, with its schools found and confined."""

    folder: Path
    config: CountyFile
    positions: Positions
    #: the folders the county, and each of its schools, may read
    roots: Roots
    schools: list[SchoolRef] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config.county.name

    def where(self, *path: Any) -> Location | None:
        """Return where the value at `path` is written in county.yaml."""
        return self.positions.of_value(tuple(path))

    def school_year(self, cutoff: tuple[int, int]) -> tuple[int, str]:
        """Return the first year of the school year and how it is written (2017—2018学年):
        as stated, else the one the report date falls in, counted from `cutoff`."""
        date = self.config.county.report_date
        start = date.year if (date.month, date.day) > cutoff else date.year - 1
        return start, self.config.county.school_year or f"{start}—{start + 1}学年"


def is_county(path: Path) -> bool:
    """Return True for a county's folder (it holds county.yaml) or its county.yaml."""
    path = Path(path)
    return (path / COUNTY_FILE).is_file() if path.is_dir() else path.name == COUNTY_FILE


def is_school(folder: Path) -> bool:
    """Return True when `folder` holds a school project: YAML data or a 资料.xlsx."""
    if not folder.is_dir() or (folder / "pack.yaml").is_file():
        return False
    skip = (*NOT_PROJECT_DATA, COUNTY_FILE)
    return (folder / WORKBOOK).is_file() or any(
        p.suffix.lower() in YAML_SUFFIXES and p.name.lower() not in skip and p.is_file()
        for p in folder.iterdir())


def read_county(path: Path, roots: tuple[Path, ...] = ()) -> County:
    """Return the county at `path` (its folder or county.yaml) with its schools; raise
    DataError listing every located problem of county.yaml."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    file = folder / COUNTY_FILE
    if not file.is_file():
        raise FupinError(tr(f"找不到 {file}", f"{file} not found"))
    loaded = load_file(file, COUNTY_FILE)
    problems = list(loaded.problems)
    if loaded.data is not None and not isinstance(loaded.data, dict):
        problems.append(Problem(tr("county.yaml 顶层应是“字段: 值”的形式，如 county: …",
                                   "county.yaml must be a mapping"),
                                loaded.positions.of_value(())))
    if has_errors(problems):
        raise DataError(problems)
    config, invalid = validate_as(CountyFile, loaded.data, loaded.positions)
    if config is None:
        raise DataError(problems + invalid)
    positions = loaded.positions
    declared: list[Path] = []
    for i, name in enumerate(config.roots):
        root = (folder / name).resolve()
        if root.is_dir():
            declared.append(root)
        else:
            problems.append(Problem(tr(f"roots 中的文件夹不存在：{name}",
                                       f"root folder not found: {name}"),
                                    positions.of_value(("roots", i)),
                                    tr("路径相对于 county.yaml 所在的文件夹",
                                       "paths are relative to county.yaml")))
    allowed = Roots.of_project(folder, [*declared, *roots])
    county = County(folder, config, positions, allowed, inputs=[file])
    county.schools = _listed(county, problems) if config.schools else _found(county, problems)
    if has_errors(problems):
        raise DataError(problems)
    return county


def _listed(county: County, problems: list[Problem]) -> list[SchoolRef]:
    """Return the schools county.yaml lists, each confined to the county's roots."""
    found: list[SchoolRef] = []
    seen: dict[Path, int] = {}
    for i, name in enumerate(county.config.schools):
        where = county.where("schools", i)
        folder = county.folder / name
        if not county.roots.allows(folder):
            message, _ = outside_message(tr("学校", "school"), name, county.roots)
            problems.append(Problem(message, where, tr(
                "把学校放进县文件夹，或在 county.yaml 的 roots: 中写明它所在的文件夹"
                f"（现在可读：{county.roots.describe()}）",
                "put the school inside the county's folder, or name its folder under roots:")))
            continue
        if not folder.is_dir():
            near = difflib.get_close_matches(Path(name).name, [
                p.name for p in folder.parent.iterdir() if p.is_dir()] if folder.parent.is_dir()
                else [], n=1, cutoff=0.5)
            problems.append(Problem(
                tr(f"学校文件夹不存在：{name}", f"school folder not found: {name}"), where,
                tr(f"是不是 “{near[0]}”？", f"did you mean '{near[0]}'?") if near else
                tr("路径相对于 county.yaml 所在的文件夹", "paths are relative to county.yaml")))
            continue
        real = folder.resolve()
        if real in seen:
            problems.append(Problem(tr(f"学校“{name}”写了两次", f"school '{name}' is listed twice"),
                                    where, tr("删去一处", "remove one"),
                                    also=county.where("schools", seen[real])))
            continue
        seen[real] = i
        if not is_school(folder):
            problems.append(Problem(
                tr(f"“{name}”不是学校项目：其中没有学校资料（.yaml 文件或 {WORKBOOK}）",
                   f"'{name}' is not a school project: no .yaml files or {WORKBOOK}"), where,
                tr(f"可以用 fupin-docs init {name} 新建", f"try fupin-docs init {name}")))
            continue
        found.append(SchoolRef(str(name), real, where))
    if not found and not has_errors(problems):
        problems.append(Problem(tr("schools 中没有学校", "no schools listed"),
                                county.where("schools")))
    return found


def _found(county: County, problems: list[Problem]) -> list[SchoolRef]:
    """Return every sub-folder of the county that is a school project, by name."""
    found = [SchoolRef(p.name, p.resolve()) for p in sorted(county.folder.iterdir())
             if not p.name.startswith((".", "_")) and p.name not in NOT_SCHOOLS
             and county.roots.allows(p) and is_school(p)]
    if not found:
        problems.append(Problem(
            tr("县文件夹里没有学校：每所学校应是一个子文件夹（内有 school.yaml 等资料），"
               "或在 county.yaml 的 schools: 中写明学校文件夹",
               "no schools: put each school in a sub-folder, or list them under schools:"),
            Location(COUNTY_FILE), tr("可以用 fupin-docs init 县文件夹/学校名 新建学校",
                                      "make one with fupin-docs init")))
    return found
