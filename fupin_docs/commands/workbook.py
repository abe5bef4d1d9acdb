"""Write 资料.xlsx: a workbook to fill in (fupin-docs init --excel), dropdowns and all."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from fupin_docs.data.imports.cells import DATE, ID, PHONE
from fupin_docs.data.imports.merge import WORKBOOK
from fupin_docs.data.imports.workbook import (
    EXAMPLE,
    GUIDE,
    HOMES,
    NUMBER,
    PAIR_COLUMNS,
    PAIRS,
    SCHOOL,
    SCHOOL_ITEMS,
    TEACHER_COLUMNS,
    TEACHERS,
    UNIT_COLUMNS,
    UNITS,
    Column,
    home_columns,
)
from fupin_docs.errors import FupinError
from fupin_docs.i18n import tr

#: rows a dropdown and a text format cover (a school has a few hundred households at most)
ROWS = 2000
#: the cell ranges other sheets' dropdowns list: village names and teachers' names
LISTS = {UNITS: f"'{UNITS}'!$B$2:$B${ROWS}", TEACHERS: f"'{TEACHERS}'!$C$2:$C${ROWS}"}

GUIDE_TEXT = f"""\
怎样填写这份资料表
1. 先填“学校”表：B 列逐项填写。名称是红色的一定要填（各表中红色的列名也一样）。
   C 列是示例和说明。
2. “教师”表：每位老师一行。编号可不填（不填就用姓名）。“领导小组”一列从下拉列表中选：
   组长（只能一人）、副组长、办公室主任、组员；不在领导小组的老师空着。
3. “村（连队）”表：每个自然村（或连队）一行，写名称；总户数、总人口指全部农户，不只是建档立卡户。
4. “户和子女”表：每个孩子一行。同一户的第二个孩子，户编号照写，户主、电话等可以空着。
   所在村从下拉列表中选（列表来自“村（连队）”表）。学段、性别、是否寄宿等也从下拉列表中选。
   身份证号、电话、出生日期这几列已设为“文本”格式，请直接输入，不要从别处粘贴数字。
   出生日期写成 2010-03-05。年级写数字，如 3；也可以写“三年级”“初一”。
   在外校就读的孩子，在“就读学校”写学校名称；本校的空着。
5. “结对”表：每行一位老师和他结对的村、户或学生（三者选一）。老师从下拉列表中选。
   多户写在一格里，用顿号隔开，如 H01、H02。学生编号是“户编号-第几个孩子”，如 H01-1。
6. 每张表的第2行（序号为“{EXAMPLE}”的灰色一行）是示例，不会被读入；可以照着写，也可以删掉。
7. 填好后保存，在命令行运行：
   fupin-docs check 本文件夹      （核对：有错会写明哪张表、第几行、哪一列、怎么改）
   fupin-docs build 本文件夹      （生成全部文书）
8. 不要改动表名和第1行的列名。需要写叙述段落、资助数字等更多内容时，可以在同一文件夹中
   另写一个 school.yaml，在其中写 workbook: {WORKBOOK}，资料表中的内容会一并读入。
"""


def write_workbook(directory: Path) -> Path:
    """Write 资料.xlsx into `directory`; never overwrite, never write through a link."""
    target = directory / WORKBOOK
    if os.path.lexists(target):
        raise FupinError(tr(f"{directory} 中已有 {WORKBOOK}，为免覆盖未做任何改动",
                            f"{directory} already has {WORKBOOK}; nothing was changed"))
    data = workbook_bytes()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FupinError(tr(f"无法建立文件夹 {directory}：{exc.strerror}。请换一个文件夹名",
                            f"cannot create {directory}: {exc.strerror}")) from None
    try:
        with open(target, "xb") as out:  # O_EXCL: a link in the way is refused, not followed
            out.write(data)
    except OSError as exc:
        raise FupinError(tr(f"无法写入 {target}：{exc.strerror}，未做任何改动",
                            f"cannot write {target}: {exc.strerror}")) from None
    return target


def workbook_bytes() -> bytes:
    """Return the workbook to fill in, as the bytes of an .xlsx file."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = book.properties.modified = dt.datetime(2018, 1, 1)
    guide = book.active
    assert guide is not None
    guide.title = GUIDE
    _guide(guide)
    _school(book.create_sheet(SCHOOL))
    _list(book.create_sheet(TEACHERS), TEACHER_COLUMNS)
    _list(book.create_sheet(UNITS), UNIT_COLUMNS)
    _list(book.create_sheet(HOMES), home_columns())
    _list(book.create_sheet(PAIRS), PAIR_COLUMNS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {"head": Font(bold=True), "required": Font(bold=True, color="C00000"),
            "fill": PatternFill("solid", fgColor="DDEBF7"),
            "example": Font(italic=True, color="808080"),
            "wrap": Alignment(wrap_text=True, vertical="top")}


def _guide(ws: Any) -> None:
    style = _styles()
    ws.column_dimensions["A"].width = 100
    for r, line in enumerate(GUIDE_TEXT.splitlines(), 1):
        cell = ws.cell(r, 1, line)
        if r == 1:
            cell.font = style["head"]


def _dropdown(ws: Any, choices: tuple[str, ...] | str, cells: str) -> None:
    """Add a dropdown to `cells`: a list of words, or another sheet's column."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = LISTS[choices] if isinstance(choices, str) else '"' + ",".join(choices) + '"'
    check = DataValidation(type="list", formula1=formula, allow_blank=True,
                           showErrorMessage=isinstance(choices, tuple),
                           errorTitle="请从列表中选", error="请从下拉列表中选择")
    ws.add_data_validation(check)
    check.add(cells)


def _school(ws: Any) -> None:
    style = _styles()
    for c, (title, width) in enumerate((("项目", 22), ("填写", 36), ("示例和说明", 50)), 1):
        cell = ws.cell(1, c, title)
        cell.font, cell.fill = style["head"], style["fill"]
        ws.column_dimensions[chr(ord("A") + c - 1)].width = width
    for r, item in enumerate(SCHOOL_ITEMS, 2):
        label = ws.cell(r, 1, item.label)
        if item.required:  # red, as the guide says: the label itself stays as the reader reads
            label.font = style["required"]
        ws.cell(r, 2).number_format = "@"  # 2018-07 and phone numbers stay as written
        ws.cell(r, 3, item.example).font = style["example"]
        if item.choices:
            _dropdown(ws, item.choices, f"B{r}")
    ws.freeze_panes = "B2"


def _list(ws: Any, columns: tuple[Column, ...]) -> None:
    from openpyxl.utils import get_column_letter

    style = _styles()
    every = ((NUMBER, Column(NUMBER, "", EXAMPLE, width=6)), *((c.header, c) for c in columns))
    for c, (title, col) in enumerate(every, 1):
        letter = get_column_letter(c)
        head = ws.cell(1, c, title)
        head.font = style["required"] if col.required else style["head"]
        head.fill, head.alignment = style["fill"], style["wrap"]
        ws.column_dimensions[letter].width = max(col.width, len(head.value) * 2 + 2)
        example = ws.cell(2, c, col.example or None)
        example.font = style["example"]
        if col.kind in (ID, PHONE, DATE) or col.key in ("id", "households", "students"):
            for r in range(2, ROWS + 1):
                ws.cell(r, c).number_format = "@"  # typed digits stay text
        if col.choices:
            _dropdown(ws, col.choices, f"{letter}2:{letter}{ROWS}")
    ws.freeze_panes = "B2"
