"""The policy table (资助政策表): its items, how it is read and what a valid table is."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from fupin_docs.data import values
from fupin_docs.data.labels import dig, label
from fupin_docs.data.model import Money, Stage, Strict, YesNo
from fupin_docs.data.positions import KeyPath, Positions
from fupin_docs.data.validate import validate_as
from fupin_docs.data.yamlfile import load_file
from fupin_docs.errors import DataError, Problem, has_errors
from fupin_docs.i18n import tr

_POLICY_STAGES = tuple(s for s in Stage if s is not Stage.none)
_STAGE_WORDS = "、".join(s.value for s in _POLICY_STAGES)
# Grades are counted 1–12 as in the household data (初一 is 7, 高一 is 10).
_GRADE_RANGE = {Stage.primary: range(1, 7), Stage.junior: range(7, 10),
                Stage.senior: range(10, 13), Stage.vocational: range(10, 13)}
_PER_ALIASES = {"每学年": "学年", "每年": "学年", "年": "学年", "每学期": "学期", "每月": "月",
                "一次": "一次性"}


def _listify(value: Any) -> Any:
    """Return a list for a single value or an empty entry (``grades:`` with nothing after it)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _to_policy_stage(value: Any) -> Stage:
    """Return the stage named by `value`; 未入学 and unknown names are errors."""
    text = values.stage_name(str(value))
    for stage in _POLICY_STAGES:
        if stage.value == text:
            return stage
    if text == Stage.none.value:
        raise ValueError(tr(f"未入学的孩子不享受资助，学段只能填 {_STAGE_WORDS}",
                            f"children not at school receive nothing; use one of {_STAGE_WORDS}"))
    close = difflib.get_close_matches(text, [s.value for s in _POLICY_STAGES], n=1, cutoff=0.5)
    guess = tr(f"（是不是 “{close[0]}”？）", f" (did you mean '{close[0]}'?)") if close else ""
    raise ValueError(tr(f"学段只能填 {_STAGE_WORDS}，现在是“{value}”{guess}",
                        f"stage must be one of {_STAGE_WORDS}, got {value!r}{guess}"))


def _to_per(value: Any) -> Any:
    """Return the canonical period for 每学年, 每学期, 每月 and the like."""
    return _PER_ALIASES.get(value.strip(), value.strip()) if isinstance(value, str) else value


PolicyStage = Annotated[Stage, BeforeValidator(_to_policy_stage)]
Grade = Annotated[int, BeforeValidator(lambda v: values.read_grade(v)), Field(ge=1, le=12)]


class Conditions(Strict):
    """享受条件：只写需要的，不写的不限。"""

    boarding: YesNo | None = Field(None, description="是否寄宿；true 只给寄宿生，false 只给走读生")
    disability: YesNo | None = Field(None, description="是否残疾")
    out_of_county: YesNo | None = Field(None, description="是否在县外就读")
    left_behind: YesNo | None = Field(None, description="是否留守儿童")
    single_parent: YesNo | None = Field(None, description="是否单亲家庭")


class PolicyItem(Strict):
    """资助政策表中的一项。"""

    id: str = Field(description="项目编号，在本表内唯一，如 boarding_primary")
    name: str = Field(description="政策名称，如 义务教育寄宿生生活补助")
    stage: Annotated[list[PolicyStage], BeforeValidator(_listify)] = Field(
        description="适用学段：学前、小学、初中、高中、中职、高校，可写多个")
    grades: Annotated[list[Grade], BeforeValidator(_listify)] = Field(
        default_factory=list, description="适用年级（1–12，初一为 7、高一为 10）；不填则不限")
    when: Annotated[Conditions, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Conditions, description="享受条件，如 {boarding: true}")
    amount: Money = Field(Decimal(0), description="金额，单位为元，如 1000 或 “0.1万元”")
    per: Annotated[Literal["学年", "学期", "月", "一次性"], BeforeValidator(_to_per)] = Field(
        "学年", description="金额按什么计：学年、学期、月、一次性")
    months: int | None = Field(None, ge=1, le=12,
                               description="每学年发几个月，只用于 per: 月；默认 10")
    waives: Annotated[list[str], BeforeValidator(_listify)] = Field(
        default_factory=list, description="免除的费用，如 [学费, 教科书费]")
    kind: Literal["补助", "减免", "贷款"] = Field("补助", description="种类：补助、减免、贷款")
    source: str | None = Field(None, description="政策文号，如 国发〔2015〕67号")
    note: str | None = Field(None, description="条件的简短说明，如 寄宿的学生")


def _to_cutoff(value: Any) -> tuple[int, int]:
    """Return (month, day) of a cut-off date written 8月31日, 08-31, 8.31 or as a date."""
    if isinstance(value, dt.date):
        return value.month, value.day
    if isinstance(value, (tuple, list)) and len(value) == 2:
        value = f"{value[0]}-{value[1]}"
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?", text)
    if m is None:
        raise ValueError(tr(f"“{text}”不是月日，请写成 8月31日 或 08-31",
                            f"'{text}' is not a month and day; write 8月31日 or 08-31"))
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2001, month, day)  # not a leap year: 2月29日 is no cut-off every year has
    except ValueError:
        raise ValueError(tr(f"日期不存在：“{text}”", f"no such day: '{text}'")) from None
    return month, day


class CompulsoryAge(Strict):
    """义务教育适龄（控辍保学）：在学年截止日已满 min_age 周岁、未满 max_age + 1 周岁。"""

    min_age: int = Field(6, ge=3, le=10, description="入学年龄：截止日已满几周岁，默认 6")
    max_age: int = Field(15, ge=6, le=20, description="义务教育最高年龄（周岁），默认 15")
    cutoff: Annotated[tuple[int, int], BeforeValidator(_to_cutoff)] = Field(
        (8, 31), description="计算年龄的截止日（月日），默认 8月31日：学年从其次日起算")

    @model_validator(mode="after")
    def _ordered(self) -> CompulsoryAge:
        if self.min_age > self.max_age:
            raise ValueError(tr(f"min_age（{self.min_age}）大于 max_age（{self.max_age}）",
                                f"min_age {self.min_age} exceeds max_age {self.max_age}"))
        return self

    @property
    def cutoff_text(self) -> str:
        """Return the cut-off as written in documents: 8月31日."""
        return f"{self.cutoff[0]}月{self.cutoff[1]}日"


class PolicyTable(Strict):
    """资助政策表。"""

    name: str = Field(description="表名，如 师宗县教育扶贫资助政策表")
    year: int | None = Field(None, ge=2000, le=2100, description="适用年度，如 2018")
    items: list[PolicyItem] = Field(description="资助项目")
    compulsory: Annotated[CompulsoryAge, BeforeValidator(lambda v: {} if v is None else v)] = \
        Field(default_factory=CompulsoryAge,
              description="义务教育适龄的年龄和截止日，如 {min_age: 6, max_age: 15, "
                          "cutoff: 8月31日}；不写即为此值")

    def item(self, item_id: str) -> PolicyItem:
        """Return the item with id `item_id`; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


class PolicyFile(Strict):
    """资助政策表文件：顶层只有 policies。"""

    policies: PolicyTable = Field(description="资助政策表")


def load_policy_table(path: Path, display: str) -> PolicyTable:
    """Return the policy table in `path`; raise DataError listing every located problem."""
    loaded = load_file(Path(path), display)
    problems = list(loaded.problems)
    if loaded.data is not None and not isinstance(loaded.data, dict):
        problems.append(Problem(tr("资助政策表的顶层应是 “policies:”",
                                   "the top level should be 'policies:'"),
                                loaded.positions.of_value(()),
                                tr("参照内置的 policies.yaml 填写",
                                   "follow the built-in policies.yaml")))
    if has_errors(problems):
        raise DataError(problems)
    return table_from(loaded.data, loaded.positions, problems, whole=True)


def table_from(data: Any, positions: Positions, problems: list[Problem] | None = None, *,
               whole: bool = False) -> PolicyTable:
    """Return the table under the `policies:` key of `data` (a policy file, pack or project).

    With `whole`, `data` is a policy file and any other top-level key is an error.
    """
    problems = list(problems or [])
    wrapper, model_problems = validate_as(
        PolicyFile, data if whole else {"policies": data.get("policies")}, positions)
    problems += model_problems
    if wrapper is not None:
        problems += _table_problems(wrapper.policies, positions)
    if wrapper is None or has_errors(problems):
        raise DataError(problems)
    return wrapper.policies


def _table_problems(table: PolicyTable, positions: Positions) -> list[Problem]:
    """Return what the types cannot say: duplicate ids, misplaced months, grades, zero grants."""
    problems: list[Problem] = []

    def add(path: KeyPath, zh: str, en: str, hint: str | None = None, **kw: Any) -> None:
        full = ("policies",) + path
        what = label(full, PolicyTable, lambda at: dig(table, at[1:]), skip=1)
        problems.append(Problem(tr(f"{what}：{zh}", f"{what}: {en}"), positions.of_value(full),
                                hint, **kw))

    if not table.items:
        add(("items",), "至少要有一个资助项目", "there must be at least one item")
    first: dict[str, int] = {}
    for i, item in enumerate(table.items):
        at: KeyPath = ("items", i)
        if item.id in first:
            add(at + ("id",), f"“{item.id}” 重复", f"duplicate id '{item.id}'",
                tr("每个项目的 id 要不同", "give each item its own id"),
                also=positions.of_value(("policies", "items", first[item.id], "id")))
        first.setdefault(item.id, i)
        if not item.stage:
            add(at + ("stage",), "至少要写一个学段", "name at least one stage",
                tr(f"可填 {_STAGE_WORDS}", f"one of {_STAGE_WORDS}"))
        if item.months is not None and item.per != "月":
            add(at + ("months",), f"months 只用于按月发放（per: 月），本项是按{item.per}",
                f"months is only for per: 月, this item is per {item.per}",
                tr("删去 months，或把 per 改为 月", "remove months or set per: 月"))
        if item.kind in ("补助", "贷款") and item.amount == 0:
            written = "amount" in item.model_fields_set
            add(at + ("amount",) if written else at,
                f"{item.kind}的金额不能为 0" if written else f"{item.kind}项目缺少金额 amount",
                f"a {item.kind} needs an amount",
                tr("填写金额；若只是免除费用，请写 kind: 减免 和 waives", "fill in the amount"))
        if item.kind == "减免" and not item.waives:
            add(at + ("waives",) if "waives" in item.model_fields_set else at,
                "减免项目要写明免除哪些费用", "a waiver must say what it waives",
                tr("如 waives: [学费, 教科书费]", "e.g. waives: [学费, 教科书费]"))
        ranges = [_GRADE_RANGE.get(s) for s in item.stage]
        if item.grades and ranges and all(ranges):
            allowed = sorted({g for r in ranges if r for g in r})
            bad = [g for g in item.grades if g not in allowed]
            if bad:
                add(at + ("grades",),
                    f"年级 {bad[0]} 不属于 {'、'.join(s.value for s in item.stage)}",
                    f"grade {bad[0]} is not in {', '.join(s.value for s in item.stage)}",
                    tr(f"年级按 1–12 计：可填 {allowed[0]}–{allowed[-1]}（初一为 7，高一为 10）",
                       f"grades count 1–12: use {allowed[0]}–{allowed[-1]}"))
    return problems
