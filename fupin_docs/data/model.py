"""The typed project model: school, teachers, units, households, pairings, activities, figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from fupin_docs.data import values


class Strict(BaseModel):
    """Base for every YAML section: unknown keys are errors, numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True,
                              frozen=True)


Money = Annotated[Decimal, BeforeValidator(values.parse_money)]
"""An amount in yuan (元), never a float, kept to the 分."""

DocDate = values.DocDate


def _to_date(value: Any) -> dt.date:
    """Return a date written in any of values.DATE_FORMS, or a month (2018-07, 2018年7月)."""
    return values.read_date(value)


def _to_day(value: Any) -> dt.date:
    """Return a date that names its day (a birth date): 2010-03-05, 2010.3.5, 2010年3月5日 …"""
    return values.read_date(value, day=True)


def _to_grade(value: Any, info: ValidationInfo) -> int:
    """Return a grade 1–12 written as values.GRADE_FORMS; 初一 with a stage other than 初中 is
    an error."""
    return values.read_grade(value, info.data.get("stage"))


Date = Annotated[dt.date, BeforeValidator(_to_date)]
Day = Annotated[dt.date, BeforeValidator(_to_day)]
YesNo = Annotated[bool, BeforeValidator(values.read_yes_no)]
GradeNumber = Annotated[int, BeforeValidator(_to_grade), Field(ge=1, le=12)]


class Stage(str, Enum):
    """School stage (学段); 未入学 marks a child of school age who is enrolled nowhere."""

    preschool = "学前"
    primary = "小学"
    junior = "初中"
    senior = "高中"
    vocational = "中职"
    college = "高校"
    none = "未入学"


StageField = Annotated[Stage, BeforeValidator(values.stage_name)]


class School(Strict):
    """学校基本情况。"""

    name: str = Field(description="学校全称，如 师宗县雄壁镇扯乐完全小学")
    short_name: str | None = Field(None, description="简称，如 扯乐完小；不填则用全称")
    county: str = Field(description="所在县或师，如 师宗县、第五师")
    town: str | None = Field(None, description="所在镇或团，如 雄壁镇、九十一团")
    area: str | None = Field(None, description="服务片区，如 扯乐村委会")
    superior: str | None = Field(None, description="上级主管单位，如 雄壁镇中心学校、师市教育局")
    address: str | None = Field(None, description="学校地址")
    phone: str | None = Field(None, description="学校联系电话")
    signing_unit: str | None = Field(None, description="落款单位；不填则用学校全称")
    report_date: Date = Field(description="成文日期，如 2018-07 或 2018-07-15")
    author: str | None = Field(None, description="执笔人（写在标题下），可不填")
    report_title: str | None = Field(None, description="汇报材料标题；"
                                                       "不填则为 “<简称>教育扶贫工作汇报材料”")
    unit_word: str | None = Field(None, description="基层单位叫法：自然村、村、连队；"
                                                    "不填则用模板包的，"
                                                    "再不然为 自然村")

    @property
    def display_name(self) -> str:
        """Return the short name when given, else the full name."""
        return self.short_name or self.name


class Teacher(Strict):
    """教师。"""

    id: str = Field(description="教师编号，在本项目内唯一，如 T01")
    name: str = Field(description="姓名")
    phone: str | None = Field(None, description="联系电话")
    role: str | None = Field(None, description="职务，如 校长、教导主任、班主任")


class Leadership(Strict):
    """教育扶贫领导小组（填教师编号）。"""

    leader: str = Field(description="组长（教师编号）")
    deputies: list[str] = Field(default_factory=list, description="副组长（教师编号）")
    office_director: str | None = Field(None, description="办公室主任（教师编号）")
    members: list[str] = Field(default_factory=list, description="组员（教师编号）")
    members_text: str | None = Field(None, description="组员的概括说法，如 其他老师、其他学校中层")


class Unit(Strict):
    """基层单位：自然村、村或连队，及其户数和人口。"""

    id: str = Field(description="单位编号或名称，在本项目内唯一")
    name: str = Field(description="名称，如 上扯、一连")
    households: int | None = Field(None, ge=0, description="总户数（全部农户，不只是建档立卡户）")
    people: int | None = Field(None, ge=0, description="总人口")


class Child(Strict):
    """建档立卡户的子女。"""

    @model_validator(mode="before")
    @classmethod
    def _stage_from_grade(cls, data: Any) -> Any:
        """Take the stage from a grade written with one (初一: 初中) when none is written."""
        return values.infer_stage(data)

    id: str | None = Field(None, description="学生编号；不填则为“户编号-序号”，如 H01-1")
    name: str = Field(description="姓名")
    gender: Literal["男", "女"] = Field(description="性别：男 或 女")
    birth_date: Day | None = Field(None, description="出生日期，如 2010-03-05")
    id_number: str | None = Field(None, description="身份证号（公开材料中自动打码）")
    stage: StageField = Field(description="学段：学前、小学、初中、高中、中职、高校、未入学")
    grade: GradeNumber | None = Field(None, description="年级：数字 1–12，如 3；"
                                                        "也可写 三年级、初一")
    class_name: str | None = Field(None, alias="class", description="班级，如 1 或 三(1)班")
    boarding: YesNo = Field(False, description="是否寄宿")
    school: str | None = Field(None, description="在外校就读时填学校名称")
    out_of_county: YesNo = Field(False, description="是否在县外就读")
    left_behind: YesNo = Field(False, description="是否留守儿童")
    single_parent: YesNo = Field(False, description="是否单亲家庭")
    disability: YesNo = Field(False, description="是否残疾")
    orphan: YesNo = Field(False, description="是否孤儿")
    migrant: YesNo = Field(False, description="是否随迁子女（随务工的父母迁移就读）")
    placement: Literal["送教上门", "随班就读"] | None = Field(
        None, description="残疾儿童的安置方式：送教上门 或 随班就读（控辍保学）")


class Household(Strict):
    """建档立卡贫困户。"""

    id: str = Field(description="户编号，在本项目内唯一，如 H01")
    head: str = Field(description="户主姓名")
    id_number: str | None = Field(None, description="户主身份证号（公开材料中自动打码）")
    unit: str = Field(description="所在自然村/连队（填 units 中的编号）")
    phone: str | None = Field(None, description="联系电话")
    address: str | None = Field(None, description="家庭住址")
    members: int | None = Field(None, ge=1, description="家庭人口")
    cause: str | None = Field(None, description="致贫原因，如 因病、因学、缺劳力")
    children: list[Child] = Field(default_factory=list, description="子女")

    def child_id(self, index: int) -> str:
        """Return the id of the child at `index`: its own, or "<household>-<n>"."""
        return self.children[index].id or f"{self.id}-{index + 1}"


class Pairing(Strict):
    """结对帮扶：一名教师联挂一个村、若干户或若干名学生（三选一）。"""

    teacher: str = Field(description="教师编号")
    unit: str | None = Field(None, description="联挂的自然村/连队编号（一师一村）")
    households: list[str] = Field(default_factory=list, description="结对的户编号（一师一户）")
    students: list[str] = Field(default_factory=list, description="结对的学生编号（一师N生）")

    @model_validator(mode="after")
    def _one_pattern(self) -> Pairing:
        given = [bool(self.unit), bool(self.households), bool(self.students)]
        if sum(given) != 1:
            raise ValueError("每条结对只能填 unit、households、students 其中之一")
        return self


class Photo(Strict):
    """照片：汇报材料中放在提到它的那一部分之后，每行两张，下有图题（图1、图2 …自动编号）。"""

    path: str = Field(description="图片文件相对项目文件夹的路径，如 照片/黑板报.jpg；"
                                  "JPEG、PNG 等，手机照片会自动缩小并去掉位置等信息")
    caption: str = Field(min_length=1, description="图题，如 四年级黑板报“教育扶贫进校园”；"
                                                  "编号“图1”等不用写")


Photos = list[Photo]


class ActivityKind(str, Enum):
    """“五个一”活动的种类。"""

    essay = "作文竞赛"
    class_meeting = "主题班会"
    blackboard = "黑板报"
    letter = "致家长的一封信"
    notice = "政策告知单"
    other = "其他"


class Activity(Strict):
    """宣传活动，如“五个一”。"""

    kind: ActivityKind = Field(description="种类：作文竞赛、主题班会、黑板报、致家长的一封信、"
                                           "政策告知单、其他")
    title: str | None = Field(None, description="标题，如 教育扶贫进校园")
    date: Date | None = Field(None, description="日期")
    grades: list[int] = Field(default_factory=list, description="参加年级，如 [3, 4, 5]")
    description: str = Field(description="一句话说明，写进汇报材料")
    photos: Photos = Field(default_factory=list,
                           description="照片，放在“五个一”活动之后，"
                                       "如 [{path: 照片/黑板报.jpg, caption: 四年级黑板报}]")


class Investment(Strict):
    """改善办学条件的投入。"""

    purpose: str = Field(description="用途，如 改造学校食堂")
    amount: Money = Field(description="金额，如 1500000 或 “150万元”")
    funder: str | None = Field(None, description="出资单位")
    year: int | None = Field(None, description="年份")
    photos: Photos = Field(default_factory=list,
                           description="照片，放在办学条件的投入之后，"
                                       "如 [{path: 照片/食堂.jpg, caption: 改造后的学校食堂}]")


class Subsidy(Strict):
    """已发放的资助。"""

    item: str = Field(description="资助项目，如 两免一补、金秋助学")
    amount: Money = Field(description="金额（元）")
    students: int | None = Field(None, ge=0, description="受助人数")
    year: int | None = Field(None, description="年份")
    approximate: YesNo = Field(False, description="金额是约数，写成“10余万元”")


class Figures(Strict):
    """报告中写明的数字。能由名单算出的，check 会核对。"""

    period: str | None = Field(None, description="统计时段，如 2017年9月至2018年7月")
    enrolment: int | None = Field(None, ge=0, description="在校生人数")
    boarders: int | None = Field(None, ge=0, description="寄宿生人数")
    classes: int | None = Field(None, ge=0, description="教学班数")
    teachers: int | None = Field(None, ge=0, description="教师人数")
    registered_students: int | None = Field(None, ge=0, description="建档立卡户学生人数")
    registered_households: int | None = Field(None, ge=0, description="建档立卡户学生涉及的家庭数")
    registered_by_grade: dict[int, int] = Field(default_factory=dict,
                                                description="各年级建档立卡户学生人数，"
                                                            "如 {1: 14, 2: 10}")
    unit_households: int | None = Field(None, ge=0, description="片区总户数")
    unit_people: int | None = Field(None, ge=0, description="片区总人口")
    subsidies: list[Subsidy] = Field(default_factory=list, description="已发放的资助")
    investments: list[Investment] = Field(default_factory=list, description="改善办学条件的投入")


class CareMeasure(Strict):
    """关爱措施，如 暖心窝、亲情热线。"""

    name: str = Field(description="名称，如 暖心窝")
    action: str = Field("成立", description="动词，用于小标题，如 成立、开通")
    description: str = Field(description="说明，可用 {{ 统计.建档立卡学生 }} 之类的引用")


OneOrMany = Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]
"""A list of strings that may be written as a single string."""
Paragraphs = OneOrMany


class NarrativePhotos(Strict):
    """叙述各部分的照片，放在该部分的段落之后。"""

    opening: Photos = Field(default_factory=list, description="开头段之后的照片")
    organisation: Photos = Field(default_factory=list, description="机构与责任部分的照片")
    promotion: Photos = Field(default_factory=list, description="政策宣传部分的照片")
    dropout: Photos = Field(default_factory=list, description="控辍保学部分的照片")
    left_behind: Photos = Field(default_factory=list, description="留守、单亲儿童关爱部分的照片")
    conditions: Photos = Field(default_factory=list, description="办学条件部分的照片")
    closing: Photos = Field(default_factory=list, description="结尾部分的照片")


class Narrative(Strict):
    """汇报材料中的叙述段落。每段可用 {{ stats.registered_students }} 等引用数字。"""

    opening: Paragraphs = Field(default_factory=list, description="开头段")
    organisation: Paragraphs = Field(default_factory=list, description="一、机构与责任 的补充段落")
    promotion: Paragraphs = Field(default_factory=list, description="政策宣传的其他做法")
    dropout: Paragraphs = Field(default_factory=list, description="控辍保学")
    left_behind: Paragraphs = Field(default_factory=list, description="留守、单亲儿童关爱")
    conditions: Paragraphs = Field(default_factory=list, description="办学条件")
    closing: Paragraphs = Field(default_factory=list, description="结尾")
    headings: dict[str, str] = Field(default_factory=dict,
                                     description="改写各部分标题，如 closing: 领导有方，团结务实")
    photos: NarrativePhotos = Field(default_factory=NarrativePhotos,
                                    description="各部分的照片，如 promotion: "
                                                "[{path: 照片/家长会.jpg, caption: 召开家长会}]")


class Imports(Strict):
    """导入的导出表：建档立卡系统和学籍系统导出的文件，每次核对、生成时重新读取。"""

    registry: OneOrMany = Field(default_factory=list, alias="建档立卡",
                                description="建档立卡导出表（.xlsx、.xls 或 .csv，每人一行）")
    enrolment: OneOrMany = Field(default_factory=list, alias="学籍",
                                 description="学籍导出表：补上学籍号、年级、班级、住校等")
    school_names: OneOrMany = Field(default_factory=list, alias="本校名称",
                                    description="学籍“就读学校”中本校的其他写法")
    units_from: Literal["自然村", "行政村"] | None = Field(
        None, alias="村", description="村（连队）取自哪一列：自然村（默认，空时用行政村）或 行政村")


class PublicNotice(Strict):
    """公示：资助名单张贴公示的日期和监督电话。"""

    start: Date | None = Field(None, description="公示开始日期；不写则为成文日期")
    days: int = Field(7, ge=1, le=60, description="公示天数，默认 7 天")
    phone: str | None = Field(None, description="监督电话；不写则用学校电话")
    bureau_phone: str | None = Field(None, description="上级教育部门的监督电话，可不填")


class Project(Strict):
    """一个学校的全部资料（可分写在同一文件夹的多个 YAML 文件中）。"""

    school: School
    leadership: Leadership | None = None
    teachers: list[Teacher] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    households: list[Household] = Field(default_factory=list)
    pairings: list[Pairing] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    figures: Figures = Field(default_factory=Figures)
    care_measures: list[CareMeasure] = Field(default_factory=list)
    narrative: Narrative = Field(default_factory=Narrative)
    pack: str | None = Field(None, description="使用的模板包：名称或路径，"
                                               "如 师宗县、../packs/第五师")
    policies: Any = Field(None, description="本校资助政策表（格式同 policies.yaml），"
                                            "通常由 inherit 的县文件提供")
    roster: OneOrMany = Field(default_factory=list,
                              description="花名册文件（.xlsx 或 .csv），"
                                          "其中的户和子女并入 households")
    imports: Imports = Field(default_factory=Imports,
                             description="建档立卡、学籍系统的导出表，"
                                         "其中的户和子女并入 households")
    workbook: str | None = Field(None, description="资料表（fupin-docs init --excel 生成的"
                                                   " 资料.xlsx），其中各表并入资料")
    pair_limit: int = Field(10, ge=1, description="一名教师结对户数的上限，超出时 check 提醒")
    public_notice: PublicNotice = Field(default_factory=PublicNotice,
                                        description="公示名单的公示期和监督电话")
    ledger_full_ids: YesNo = Field(False, description="资助台账（内部留档）中显示完整身份证号；"
                                                     "其他文件一律打码")
