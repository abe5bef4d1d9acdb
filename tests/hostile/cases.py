"""The hostile cases: templates that never end, zip bombs, files outside the project, formula
injection, faults while writing, and the rest. One list; the README's reliability section is
printed from it (`python -m tests.hostile`).

Each case prepares its files under a fresh folder and returns the command to run and what
must come of it. Every case must end without 内部错误, a traceback or a hang, within the
memory and time caps, with no staging folder left and the previous output as it was.
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest

from fupin_docs.output.build import BuildOptions, build
from tests.helpers import MINIMAL, write_tree
from tests.hostile.harness import Outcome, Run

Y = MINIMAL["school.yaml"]
ONLY = "report,notice"
#: bytes a bomb expands to: past the 200 MB a zip part may have
BOMB = 256 * 1024 * 1024
SECRET = "机密：不应出现在任何输出中"


@dataclass(frozen=True)
class Case:
    """One hostile input or fault, the class of the issue it belongs to, and its setup."""

    id: str
    group: str
    about: str
    make: Callable[[Path], Run]


# ---------------------------------------------------------------- building blocks

def project(tmp: Path, files: dict[str, str | bytes] | None = None, yaml: str = Y) -> Path:
    """Write the minimal project (with `files` added or replacing) under `tmp`/proj."""
    return write_tree(tmp / "proj", {"school.yaml": yaml, **(files or {})})


def built(tmp: Path, proj: Path, only: str = ONLY) -> Path:
    """Return an output folder holding a good build of `proj` (the output to keep)."""
    out = tmp / "out"
    build(proj, BuildOptions(out_dir=out, only=tuple(only.split(",")), jobs=1))
    return out


def build_run(tmp: Path, proj: Path, *, keep_output: bool = True, only: str = ONLY,
              **kw: object) -> Run:
    """Return a build of `proj` over a previous good output that must survive it."""
    out = built(tmp, project(tmp / "good")) if keep_output else tmp / "out"
    keep = kw.pop("keep", ())
    return Run(["build", str(proj), "-o", str(out), "--only", only], out=out,
               keep=(out, *keep) if keep_output else tuple(keep), cwd=tmp, **kw)  # type: ignore


def word(*paragraphs: str) -> bytes:
    """Return a Word template holding `paragraphs`."""
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def with_member(data: bytes, name: str, content: bytes, *, level: int = 9) -> bytes:
    """Return the zip `data` with member `name` replaced by `content`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for info in src.infolist():
            z.writestr(info.filename, content if info.filename == name else src.read(info))
    return buf.getvalue()


def bomb_xml(root: bytes, size: int = BOMB) -> bytes:
    """Return XML of `size` bytes that compresses to almost nothing: one huge comment."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>' + root + b"<!--"
    tail = b"-->" + root.replace(b"<", b"</", 1).split(b" ")[0].rstrip(b">") + b">"
    return head + b" " * (size - len(head) - len(tail)) + tail


def lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """Return the zip `data` with `name`'s uncompressed size said to be `declared` bytes."""
    blob = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := blob.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if blob[name_at:name_at + len(encoded)] == encoded:
                struct.pack_into("<I", blob, start + offset, declared)
            start += 4
    return bytes(blob)


ROSTER_HEAD = ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级"]
ROSTER_ROW = ["R01", "赵三", "上村", "赵小一", "男", "2010-03-05", "小学", 2]


def roster(rows: list[list[object]] | None = None) -> bytes:
    """Return a one-sheet roster workbook."""
    wb = openpyxl.Workbook()
    for row in [ROSTER_HEAD, *(rows or [ROSTER_ROW])]:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pack(tmp: Path, files: dict[str, str | bytes]) -> Path:
    """Write a pack folder under `tmp`/县包 and return it."""
    return write_tree(tmp / "县包", {"pack.yaml": "name: 测试县模板包\n", **files})


def secret(tmp: Path) -> Path:
    """Write a file outside every project, whose text must never reach an output."""
    return write_tree(tmp / "外面", {"secret.txt": SECRET + "\n"}) / "secret.txt"


def no_secret_in(out: Path) -> Callable[[Outcome], None]:
    def verify(_: Outcome) -> None:
        for path in out.rglob("*") if out.exists() else ():
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path
    return verify


# ---------------------------------------------------------------- 1 limits

NESTED = ("{% for a in range(100000) %}{% for b in range(100000) %}x"
          "{% endfor %}{% endfor %}")
BUSY = ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}"
        "{% endfor %}")


def text_template(body: str, name: str = "report") -> Callable[[Path], Run]:
    def make(tmp: Path) -> Run:
        proj = project(tmp, {f"templates/text/{name}.txt": f"标题\n\n{body}\n"})
        return build_run(tmp, proj, says=(f"{name}.txt",))
    return make


def word_template(body: str) -> Callable[[Path], Run]:
    def make(tmp: Path) -> Run:
        proj = project(tmp, {"templates/docx/report.docx": word("标题", body)})
        return build_run(tmp, proj, says=("report.docx",))
    return make


def narrative(text: str) -> Callable[[Path], Run]:
    def make(tmp: Path) -> Run:
        proj = project(tmp, yaml=Y + f"narrative:\n  opening: \"{text}\"\n")
        return build_run(tmp, proj, says=("school.yaml 第28行",))
    return make


def pack_limit(tmp: Path) -> Run:
    folder = pack(tmp, {"pack.yaml": "name: 测试县模板包\nlimits: {seconds: 1}\n",
                        "templates/text/report.txt": f"标题\n\n{BUSY}\n"})
    proj = project(tmp, yaml=Y + f"pack: {folder.as_posix()}\n")
    return build_run(tmp, proj, says=("超过 1 秒", "report.txt"))


LIMITS = [
    Case("text-nested-loops", "限度", "文本模板中循环套循环（10¹⁰ 次）", text_template(NESTED)),
    Case("text-busy-loops", "限度", "循环套循环、不输出任何内容（只耗时间）", text_template(BUSY)),
    Case("text-string-bomb", "限度", "字符串乘以 10¹⁰", text_template('{{ "x" * 10**10 }}')),
    Case("text-ljust-bomb", "限度", "ljust(10¹⁰)", text_template('{{ "x".ljust(10**10) }}')),
    Case("text-format-bomb", "限度", "格式宽度 10⁹（'%*s'、format）",
         text_template('{{ "%2000000000s" % "x" }}')),
    Case("text-recursive-macro", "限度", "宏调用自己",
         text_template("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")),
    Case("text-self-include", "限度", "模板 include 自己",
         text_template('{% include "report.txt" %}')),
    Case("text-namespace-bomb", "限度", "namespace 中累加字符串",
         text_template('{% set ns = namespace(s="x") %}{% for i in range(99999) %}'
                       '{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}')),
    Case("word-nested-loops", "限度", "Word 模板中循环套循环", word_template(NESTED)),
    Case("word-string-bomb", "限度", "Word 模板中字符串乘以 10¹⁰",
         word_template('{{ "x" * 10**10 }}')),
    Case("word-long-pieces", "限度", "Word 模板中反复输出一段最长的文字（每段 200 万字）",
         word_template('{% set s = "字" * 2000000 %}{% for i in range(100000) %}{{ s }}'
                       '{% endfor %}')),
    Case("narrative-bomb", "限度", "叙述段落中字符串乘以 10¹⁰",
         narrative("{{ 'x' * 10**10 }}")),
    Case("narrative-loops", "限度", "叙述段落中循环套循环", narrative(NESTED.replace('"', "'"))),
    Case("pack-limit", "限度", "模板包在 pack.yaml 中把时限设为 1 秒", pack_limit),
]


# ---------------------------------------------------------------- 2 bounded unzip

ROSTER_YAML = Y + "roster: 花名册.xlsx\n"


def roster_bomb(tmp: Path) -> Run:
    data = with_member(roster(), "xl/worksheets/sheet1.xml", bomb_xml(b"<worksheet>"))
    return build_run(tmp, project(tmp, {"花名册.xlsx": data}, ROSTER_YAML),
                     says=("花名册.xlsx", "解压后过大"))


def roster_lying(tmp: Path) -> Run:
    name = "xl/worksheets/sheet1.xml"
    data = lying_sizes(with_member(roster(), name, bomb_xml(b"<worksheet>")), name, 4096)
    return build_run(tmp, project(tmp, {"花名册.xlsx": data}, ROSTER_YAML),
                     says=("花名册.xlsx",))


def roster_entities(tmp: Path) -> Run:
    name = "xl/worksheets/sheet1.xml"
    entities = (b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
                + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                       else b"&lol;" * 10) for i in range(1, 10))
                + b"]>")
    child = "".join(f"&#{ord(c)};" for c in "赵小一").encode()
    sheet = zipfile.ZipFile(io.BytesIO(roster())).read(name)
    sheet = entities + sheet.replace(child, b"&lol9;")
    data = with_member(roster(), name, sheet)
    return build_run(tmp, project(tmp, {"花名册.xlsx": data}, ROSTER_YAML),
                     says=("花名册.xlsx",), never=("lollol",))


def template_bomb(tmp: Path) -> Run:
    data = with_member(word("标题"), "word/document.xml", bomb_xml(b"<w:document>"))
    return build_run(tmp, project(tmp, {"templates/docx/report.docx": data}),
                     says=("report.docx", "解压后过大"))


def template_lying(tmp: Path) -> Run:
    name = "word/document.xml"
    data = lying_sizes(with_member(word("标题"), name, bomb_xml(b"<w:document>")), name, 4096)
    return build_run(tmp, project(tmp, {"templates/docx/report.docx": data}),
                     says=("report.docx",))


def template_xxe(tmp: Path) -> Run:
    source = secret(tmp)
    original = zipfile.ZipFile(io.BytesIO(word("标题", "{{ school.name }}"))).read(
        "word/document.xml")
    xxe = original.replace(b"?>", f'?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{source}">]>'
                           .encode(), 1).replace(b"{{ school.name }}", b"&x;")
    data = with_member(word("标题", "{{ school.name }}"), "word/document.xml", xxe)
    run = build_run(tmp, project(tmp, {"templates/docx/report.docx": data}),
                    says=("report.docx", "DOCTYPE"))
    return _also(run, no_secret_in(run.out or tmp))


def lint_bomb(tmp: Path) -> Run:
    data = with_member(word("标题"), "word/document.xml", bomb_xml(b"<w:document>"))
    path = write_tree(tmp, {"大文件.docx": data}) / "大文件.docx"
    return Run(["lint", str(path)], says=("大文件.docx", "解压后过大"), cwd=tmp)


def lint_lying(tmp: Path) -> Run:
    name = "word/document.xml"
    data = lying_sizes(with_member(word("标题"), name, bomb_xml(b"<w:document>")), name, 4096)
    path = write_tree(tmp, {"假大小.docx": data}) / "假大小.docx"
    return Run(["lint", str(path)], says=("假大小.docx",), cwd=tmp)


def templates_check_bomb(tmp: Path) -> Run:
    data = with_member(word("标题"), "word/document.xml", bomb_xml(b"<w:document>"))
    folder = pack(tmp, {"templates/docx/report.docx": data})
    return Run(["templates", "check", str(folder)], says=("report.docx", "解压后过大"), cwd=tmp)


#: a project whose one activity shows 照片/<name>; the photo entry is on line PHOTO_LINE
PHOTO_LINE = len(Y.splitlines()) + 4


def photo_yaml(path: str) -> str:
    return Y + ("activities:\n  - kind: 黑板报\n    description: 黑板报\n"
                f"    photos: [{{path: {path}, caption: 黑板报}}]\n")


def photo_bomb(tmp: Path) -> Run:
    """A PNG of 12000 × 12000 pixels (432 MB decoded) in 0.4 MB: past Pillow's warning, short
    of its error; refused on what it declares, before any of it is decoded."""
    width = height = 12000
    squeeze = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                                             0, 0))
           + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    proj = project(tmp, {"照片/炸弹.png": png}, yaml=photo_yaml("照片/炸弹.png"))
    return build_run(tmp, proj, says=(f"school.yaml 第{PHOTO_LINE}行", "像素过多"))


ZIPS = [
    Case("roster-zip-bomb", "压缩包", "花名册 .xlsx 的工作表解压后 256 MB", roster_bomb),
    Case("roster-zip-lies", "压缩包", "花名册 .xlsx 写明 4 KB、实际解压 256 MB", roster_lying),
    Case("roster-entities", "压缩包", "花名册 .xlsx 中的实体炸弹（billion laughs）",
         roster_entities),
    Case("template-zip-bomb", "压缩包", "Word 模板的 document.xml 解压后 256 MB", template_bomb),
    Case("template-zip-lies", "压缩包", "Word 模板写明 4 KB、实际解压 256 MB", template_lying),
    Case("template-xxe", "压缩包", "Word 模板中的 DOCTYPE 外部实体（XXE）", template_xxe),
    Case("lint-zip-bomb", "压缩包", "lint 一个解压后 256 MB 的 .docx", lint_bomb),
    Case("lint-zip-lies", "压缩包", "lint 一个写明 4 KB、实际 256 MB 的 .docx", lint_lying),
    Case("templates-check-bomb", "压缩包", "templates check 一个炸弹模板", templates_check_bomb),
    Case("photo-pixel-bomb", "压缩包", "照片是 1.44 亿像素的 PNG（文件 0.4 MB，解码后 432 MB）",
         photo_bomb),
]


# ---------------------------------------------------------------- 3 confinement

def inherit(target: str) -> Callable[[Path], Run]:
    def make(tmp: Path) -> Run:
        secret(tmp)
        return build_run(tmp, project(tmp, yaml=f"inherit: {target}\n" + Y),
                         says=("school.yaml 第1行", "项目文件夹之外"))
    return make


def inherit_with_root(tmp: Path) -> Run:
    shared = write_tree(tmp / "县里", {"公共.yaml": "school:\n  county: 测试县\n"})
    proj = project(tmp, yaml=f"inherit: {(shared / '公共.yaml').as_posix()}\n" + Y)
    run = build_run(tmp, proj, keep_output=False, exit=0)
    return Run([*run.args, "--root", str(shared)], exit=0, out=run.out, cwd=tmp)


def linked(tmp: Path, link: Path, to: Path) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(to)
    return link


def pack_template_link(tmp: Path) -> Run:
    folder = pack(tmp, {})
    linked(tmp, folder / "templates/text/report.txt", secret(tmp))
    proj = project(tmp, yaml=Y + f"pack: {folder.as_posix()}\n")
    run = build_run(tmp, proj, says=("report.txt", "以外"))
    return _also(run, no_secret_in(run.out or tmp))


def project_template_link(tmp: Path) -> Run:
    proj = project(tmp)
    linked(tmp, proj / "templates/text/report.txt", secret(tmp))
    run = build_run(tmp, proj, says=("report.txt", "以外"))
    return _also(run, no_secret_in(run.out or tmp))


def pack_seal_outside(tmp: Path) -> Run:
    png = write_tree(tmp / "外面", {"seal.png": b"\x89PNG\r\n\x1a\n"}) / "seal.png"
    folder = pack(tmp, {"pack.yaml": f"name: 测试县模板包\nboilerplate:\n  seal: {png}\n"})
    proj = project(tmp, yaml=Y + f"pack: {folder.as_posix()}\n")
    return build_run(tmp, proj, says=("pack.yaml 第3行", "印章图片"))


def pack_seal_link(tmp: Path) -> Run:
    png = write_tree(tmp / "外面", {"seal.png": b"\x89PNG\r\n\x1a\n"}) / "seal.png"
    folder = pack(tmp, {"pack.yaml": "name: 测试县模板包\nboilerplate:\n  seal: seal.png\n"})
    linked(tmp, folder / "seal.png", png)
    proj = project(tmp, yaml=Y + f"pack: {folder.as_posix()}\n")
    return build_run(tmp, proj, says=("pack.yaml 第3行", "印章图片"))


def roster_link(tmp: Path) -> Run:
    proj = project(tmp, yaml=ROSTER_YAML)
    linked(tmp, proj / "花名册.xlsx", Path("/etc/passwd"))
    return build_run(tmp, proj, says=("school.yaml 第27行", "之外"), never=("root:x:0",))


def roster_outside(tmp: Path) -> Run:
    write_tree(tmp, {"别校/花名册.xlsx": roster()})
    proj = project(tmp, yaml=Y + "roster: ../别校/花名册.xlsx\n")
    return build_run(tmp, proj, says=("school.yaml 第27行", "之外"))


def photo_link(tmp: Path) -> Run:
    proj = project(tmp, yaml=photo_yaml("照片/黑板报.jpg"))
    linked(tmp, proj / "照片" / "黑板报.jpg", Path("/etc/passwd"))
    return build_run(tmp, proj, says=(f"school.yaml 第{PHOTO_LINE}行", "之外"),
                     never=("root:x:0",))


def photo_outside(tmp: Path) -> Run:
    write_tree(tmp, {"别校/照片.jpg": b"\xff\xd8\xff"})
    proj = project(tmp, yaml=photo_yaml("../别校/照片.jpg"))
    return build_run(tmp, proj, says=(f"school.yaml 第{PHOTO_LINE}行", "之外"))


def pack_logo_link(tmp: Path) -> Run:
    outside = write_tree(tmp / "外面", {"logo.png": b"\x89PNG\r\n\x1a\n"}) / "logo.png"
    folder = pack(tmp, {"pack.yaml": "name: 测试县模板包\nboilerplate:\n  logo: logo.png\n"})
    linked(tmp, folder / "logo.png", outside)
    proj = project(tmp, yaml=Y + f"pack: {folder.as_posix()}\n")
    return build_run(tmp, proj, says=("pack.yaml 第3行", "标志图片"))


def init_dangling(tmp: Path) -> Run:
    folder = tmp / "新学校"
    escape = tmp / "外面" / "school.yaml"
    escape.parent.mkdir(parents=True)
    linked(tmp, folder / "school.yaml", escape)

    def verify(_: Outcome) -> None:
        assert not escape.exists(), "init wrote through the link"
        assert sorted(p.name for p in folder.iterdir()) == ["school.yaml"]
    return Run(["init", str(folder)], says=("school.yaml", "未做任何改动"), verify=verify,
               cwd=tmp)


def policies_link(tmp: Path) -> Run:
    proj = project(tmp)
    linked(tmp, proj / "policies.yaml", secret(tmp))
    run = build_run(tmp, proj, says=("policies.yaml", "之外"))
    return _also(run, no_secret_in(run.out or tmp))


CONFINEMENT = [
    Case("inherit-etc-passwd", "越界", "inherit: /etc/passwd", inherit("/etc/passwd")),
    Case("inherit-outside", "越界", "inherit 项目之外的文件（未用 --root）",
         inherit("../外面/secret.txt")),
    Case("inherit-with-root", "越界", "inherit 县里的文件并用 --root 指定（应当可以）",
         inherit_with_root),
    Case("pack-template-link", "越界", "模板包中的模板是指向包外文件的链接", pack_template_link),
    Case("project-template-link", "越界", "项目中的模板是指向项目外文件的链接",
         project_template_link),
    Case("pack-seal-outside", "越界", "模板包的印章路径在包外", pack_seal_outside),
    Case("pack-seal-link", "越界", "模板包的印章是指向包外的链接", pack_seal_link),
    Case("pack-logo-link", "越界", "模板包的标志图片是指向包外的链接", pack_logo_link),
    Case("photo-link-system", "越界", "照片是指向 /etc/passwd 的链接", photo_link),
    Case("photo-outside", "越界", "照片路径 ../ 出了项目", photo_outside),
    Case("roster-link-system", "越界", "花名册是指向 /etc/passwd 的链接", roster_link),
    Case("roster-outside", "越界", "花名册路径 ../ 出了项目", roster_outside),
    Case("policies-link", "越界", "policies.yaml 是指向项目外的链接", policies_link),
    Case("init-dangling-link", "越界", "init 的文件夹里有指向外面的悬空链接", init_dangling),
]


# ---------------------------------------------------------------- 4 text written as text

FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"]


def formula_names(tmp: Path) -> Run:
    households = "".join(
        f"  - id: F{i}\n    head: '{name}'\n    unit: 上村\n    children:\n"
        f"      - {{name: '{name}', gender: 男, birth_date: 2010-03-05, stage: 小学, "
        f"grade: 2}}\n"
        for i, name in enumerate(FORMULAS))
    yaml = Y.replace("households:\n", "households:\n" + households)
    proj = project(tmp, yaml=yaml)
    run = build_run(tmp, proj, keep_output=False, exit=0, only="public,ledger")

    def verify(_: Outcome) -> None:
        out = run.out
        assert out is not None
        for book in ("公示名单/公示名单.xlsx", "资助台账/资助台账.xlsx"):
            with zipfile.ZipFile(out / book) as z:
                for name in z.namelist():
                    if name.startswith("xl/worksheets/"):
                        assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), book
            values = {c.value for ws in openpyxl.load_workbook(out / book).worksheets
                      for row in ws.iter_rows() for c in row}
            assert set(FORMULAS) <= values, book
    return _also(run, verify)


def bidi_names(tmp: Path) -> Run:
    proj = project(tmp, yaml=Y.replace("head: 李大", "head: \"李\\u202e大\"")
                   .replace("name: 王小二", "name: \"王\\u200b小二\""))
    return Run(["check", str(proj)], exit=0,
               says=("U+202E", "U+200B", "school.yaml 第17行", "school.yaml 第26行"),
               cwd=tmp)


def phone_in_address(tmp: Path) -> Run:
    proj = project(tmp, yaml=Y.replace("    phone: \"13900000001\"\n",
                                       "    phone: \"13900000001\"\n"
                                       "    address: 上村3组 电话13912345678\n"))
    run = build_run(tmp, proj, keep_output=False, exit=0, only="card,notice,letter")

    def verify(_: Outcome) -> None:
        texts = [p.read_text("utf-8") for p in (run.out or tmp).rglob("*.txt")]
        texts += ["\n".join(par.text for par in docx.Document(p).paragraphs) +
                  "\n".join(c.text for t in docx.Document(p).tables for r in t.rows
                            for c in r.cells)
                  for p in (run.out or tmp).rglob("*.docx")]
        assert any("上村3组" in t for t in texts)
        assert not any("13912345678" in t for t in texts)
    return _also(run, verify)


TEXT = [
    Case("xlsx-formula-names", "公式", "姓名以 = + - @ 开头（公示名单、资助台账中不成为公式）",
         formula_names),
    Case("bidi-zero-width-names", "公式", "姓名中有反向控制符和零宽字符（check 指出）",
         bidi_names),
    Case("phone-in-address", "公式", "住址中写了手机号（张贴、发放的文书中打码）",
         phone_in_address),
]


# ---------------------------------------------------------------- 5 nothing lost

def foreign_manifest(tmp: Path) -> Run:
    out = write_tree(tmp / "out", {"manifest.json": json.dumps({"name": "别的程序"}),
                                   "index.html": "<p>我的网页</p>"})
    proj = project(tmp)
    return Run(["build", str(proj), "-o", str(out)], says=("manifest.json", "不是 fupin-docs"),
               keep=(out,), out=out, cwd=tmp)


def unsigned_manifest(tmp: Path) -> Run:
    out = built(tmp, project(tmp / "good"))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest.pop("seal")
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return Run(["build", str(project(tmp)), "-o", str(out)], says=("签名",), keep=(out,),
               out=out, cwd=tmp)


def added_file(tmp: Path) -> Run:
    run = build_run(tmp, project(tmp, yaml=Y + "# 改动\n"))
    assert run.out is not None
    write_tree(run.out, {"汇报材料/我的修改稿.docx": b"PK mine"})
    return Run(run.args, says=("我的修改稿.docx", "未做任何改动"), keep=run.keep, out=run.out,
               cwd=tmp)


def edited_output(tmp: Path) -> Run:
    run = build_run(tmp, project(tmp, yaml=Y + "# 改动\n"))
    assert run.out is not None
    (run.out / "汇报材料/汇报材料.txt").write_text("我改过的稿子\n", "utf-8")
    return Run(run.args, says=("汇报材料/汇报材料.txt", "被修改过"), keep=run.keep, out=run.out,
               cwd=tmp)


def open_in_word(tmp: Path) -> Run:
    run = build_run(tmp, project(tmp, yaml=Y + "# 改动\n"))
    assert run.out is not None
    write_tree(run.out, {"汇报材料/~$汇报材料.docx": b"lock"})
    return Run(run.args, says=("正在", "打开"), keep=run.keep, out=run.out, cwd=tmp)


#: a prelude that makes writing into the staging folder fail with `errno` after `after` files
FAULT = """\
import errno, os
import fupin_docs.output.staging as staging
_count = [0]
def _open(path, mode="r", *a, **k):
    if "x" in mode:
        _count[0] += 1
        if _count[0] > {after}:
            raise OSError(errno.{errno}, os.strerror(errno.{errno}), str(path))
    return open(path, mode, *a, **k)
staging.open = _open
"""


def fault(code: str, says: tuple[str, ...], after: int = 3) -> Callable[[Path], Run]:
    def make(tmp: Path) -> Run:
        return build_run(tmp, project(tmp, yaml=Y + "# 改动\n"), says=says, only="report,card",
                         prelude=FAULT.format(errno=code, after=after))
    return make


def many_households(tmp: Path, count: int = 60) -> Path:
    """Write a project of `count` households: enough for the pool of worker processes."""
    rows = "".join(f"  - {{id: M{i:03d}, head: 户主{i:03d}, unit: 上村, children: "
                   f"[{{name: 孩子{i:03d}, gender: 男, birth_date: 2010-03-05, stage: 小学, "
                   f"grade: 2}}]}}\n" for i in range(count))
    return project(tmp, yaml=Y.replace("households:\n", "households:\n" + rows))


def disk_full_in_worker(tmp: Path) -> Run:
    run = build_run(tmp, many_households(tmp), only="card", says=("磁盘已满", "原来的输出保持不变"),
                    prelude=FAULT.format(errno="ENOSPC", after=20))
    return Run([*run.args, "--jobs", "2"], run.exit, run.says, prelude=run.prelude,
               keep=run.keep, out=run.out, cwd=tmp)


def disk_full(tmp: Path) -> Run:
    """A real full disk: a 300 KB file system holding the previous output."""
    disk = tmp / "disk"
    disk.mkdir()
    mount(disk, "300k")
    out = disk / "out"
    proj = project(tmp / "good")
    build(proj, BuildOptions(out_dir=out, only=("report",), jobs=1))
    big = project(tmp, yaml=Y + "# 改动\n")
    return Run(["build", str(big), "-o", str(out)], says=("磁盘已满", "原来的输出保持不变"),
               keep=(out,), out=out, cwd=tmp, cleanup=lambda: unmount(disk))


def mount(folder: Path, size: str) -> None:
    """Mount a small tmpfs on `folder` (needs root, as CI has)."""
    code = os.system(f"mount -t tmpfs -o size={size} tmpfs '{folder}' 2>/dev/null")
    if code != 0 and not os.environ.get("CI"):  # CI runs as root: there it must work
        pytest.skip("mounting a small file system needs root")
    if code != 0:
        raise OSError("cannot mount a tmpfs here")


def unmount(folder: Path) -> None:
    os.system(f"umount -l '{folder}'")


LOCKED = """\
import os
import fupin_docs.output.staging as staging
_replace = os.replace
def _locked(src, dst):
    if ".old-" in str(dst):
        raise PermissionError(13, "Permission denied", str(src))
    return _replace(src, dst)
staging.os.replace = _locked
"""

OLD_STUCK = """\
import fupin_docs.output.staging as staging
_remove = staging._remove
def _stuck(folder):
    if ".old-" in folder.name and folder.exists():
        return False
    return _remove(folder)
staging._remove = _stuck
"""


def locked_previous(tmp: Path) -> Run:
    return build_run(tmp, project(tmp, yaml=Y + "# 改动\n"),
                     says=("无法替换", "原来的输出保持不变"), prelude=LOCKED)


def old_stuck(tmp: Path) -> Run:
    """The old output cannot be removed after the swap: the build succeeds and says so; the
    leftover goes at the next build."""
    run = build_run(tmp, project(tmp, yaml=Y + "# 改动\n"), prelude=OLD_STUCK)
    return Run(run.args, exit=0, says=("删不掉",), out=None, cwd=tmp, prelude=OLD_STUCK,
               verify=_then_clean(run.args, run.out))


def _then_clean(args: list[str], out: Path | None) -> Callable[[Outcome], None]:
    def verify(_: Outcome) -> None:
        from tests.hostile.harness import execute, leftovers
        assert out is not None and leftovers(out), "the stuck old folder should be there"
        (Path(args[1]) / "school.yaml").write_text(Y + "# 再改\n", "utf-8")
        again = execute(Run(args, exit=0, cwd=out.parent))
        assert again.code == 0, again.output
        assert not leftovers(out), leftovers(out)
    return verify


def long_names(tmp: Path) -> Run:
    long = "长" * 120
    proj = project(tmp, yaml=Y.replace("head: 李大", f"head: {long}")
                   .replace("id: 上村, name: 上村", f"id: 上村, name: 上村{long}"))
    run = build_run(tmp, proj, keep_output=False, exit=0, only="card")

    def verify(_: Outcome) -> None:
        names = [p.name for p in (run.out or tmp).rglob("*")]
        assert names and max(len(n.encode()) for n in names) <= 255
        assert any(n.startswith("上村长") for n in names)
    return _also(run, verify)


def long_output_path(tmp: Path) -> Run:
    out = tmp / ("输出" * 50)  # 300 bytes: past what one name may have
    return Run(["build", str(project(tmp)), "-o", str(out), "--only", "report"],
               says=("太长",), cwd=tmp)


def sigterm(tmp: Path) -> Run:
    from tests.output.test_reliability import write_big_project
    out = built(tmp, project(tmp / "good"))
    big = write_big_project(tmp / "big")
    return Run(["-q", "build", str(big), "-o", str(out), "--only", "card"], exit=143,
               says=("已中断", "保持原样"), keep=(out,), out=out, stop_with=signal.SIGTERM,
               cwd=tmp)


def through_link(tmp: Path) -> Run:
    real = built(tmp, project(tmp / "good"))
    link = linked(tmp, tmp / "捷径", real)

    def verify(_: Outcome) -> None:
        assert link.is_symlink() and (real / "汇报材料/汇报材料.docx").is_file()
        assert "# 改动" not in (real / "manifest.json").read_text("utf-8")
        assert json.loads((real / "manifest.json").read_text("utf-8"))["outputs"]
    return Run(["build", str(project(tmp, yaml=Y + "# 改动\n")), "-o", str(link)], exit=0,
               out=real, cwd=tmp, verify=verify)


def mode_kept(tmp: Path) -> Run:
    out = built(tmp, project(tmp / "good"))
    out.chmod(0o750)

    def verify(_: Outcome) -> None:
        assert (out.stat().st_mode & 0o777) == 0o750
    return Run(["build", str(project(tmp, yaml=Y + "# 改动\n")), "-o", str(out)], exit=0,
               out=out, cwd=tmp, verify=verify)


def stale_staging(tmp: Path) -> Run:
    out = built(tmp, project(tmp / "good"))
    # what a build killed outright leaves: its pid is long gone (or reused by another process)
    write_tree(tmp, {f".out.tmp-{os.getpid()}9-x/汇报材料/半个.docx": b"PK",
                     ".out.old-1-x/汇报材料/旧.docx": b"PK"})
    return Run(["build", str(project(tmp, yaml=Y + "# 改动\n")), "-o", str(out)], exit=0,
               out=out, cwd=tmp)


def lone_surrogate(tmp: Path) -> Run:
    proj = project(tmp, yaml=Y.replace("head: 李大", 'head: "李\\ud800大"'))
    return build_run(tmp, proj, says=("school.yaml 第17行", "半个字符"))


LOST = [
    Case("foreign-manifest", "不丢", "输出文件夹里有别的程序的 manifest.json", foreign_manifest),
    Case("unsigned-manifest", "不丢", "manifest.json 没有 fupin-docs 的签名", unsigned_manifest),
    Case("added-file", "不丢", "输出文件夹里多了用户自己的文件", added_file),
    Case("edited-output", "不丢", "生成的文件被用户改过", edited_output),
    Case("open-in-word", "不丢", "输出中的文件正在 Word 中打开（~$ 锁文件）", open_in_word),
    Case("disk-full-real", "不丢", "真的磁盘已满（300 KB 的 tmpfs）", disk_full),
    Case("disk-full", "不丢", "写到第 4 个文件时磁盘已满（ENOSPC）",
         fault("ENOSPC", ("磁盘已满", "原来的输出保持不变"))),
    Case("disk-full-in-worker", "不丢", "并行生成时子进程遇到磁盘已满（60 户，2 个进程）",
         disk_full_in_worker),
    Case("permission-denied", "不丢", "写文件时没有权限（EACCES）",
         fault("EACCES", ("没有写入权限",))),
    Case("name-too-long-fault", "不丢", "文件名过长（ENAMETOOLONG）",
         fault("ENAMETOOLONG", ("太长",))),
    Case("read-only-disk", "不丢", "磁盘只读（EROFS）", fault("EROFS", ("只读",), after=0)),
    Case("locked-previous", "不丢", "原输出中的文件被锁住，无法移开", locked_previous),
    Case("old-output-stuck", "不丢", "替换后旧输出删不掉（下次生成时删除）", old_stuck),
    Case("long-names", "不丢", "户主和村名各 120 个汉字（文件名不超过 255 字节）", long_names),
    Case("long-output-path", "不丢", "-o 的文件夹名 300 字节", long_output_path),
    Case("sigterm", "不丢", "生成 1 万户时收到 SIGTERM", sigterm),
    Case("output-through-link", "不丢", "输出文件夹是一个链接", through_link),
    Case("output-mode-kept", "不丢", "输出文件夹权限 750 保持不变", mode_kept),
    Case("stale-staging", "不丢", "上次被强行结束留下的暂存和旧文件夹", stale_staging),
    Case("lone-surrogate", "不丢", "YAML 中有单独的代理码元 \\ud800", lone_surrogate),
]


# ---------------------------------------------------------------- 6 the rest

def three_decimals(tmp: Path) -> Run:
    policies = ("policies:\n  items:\n    - {id: lunch, name: 营养改善计划, stage: [小学], "
                "amount: 800.005, kind: 补助}\n")
    return build_run(tmp, project(tmp, {"policies.yaml": policies}),
                     says=("policies.yaml 第3行", "三位"))


def ids_by_case(tmp: Path) -> Run:
    """Two households whose files would be one on Windows: same village, same head."""
    yaml = (Y.replace("id: H02", "id: h01").replace("households: [H02]", "households: [h01]")
            .replace("head: 王二", "head: 李大"))
    return build_run(tmp, project(tmp, yaml=yaml), says=("school.yaml 第22行", "H01"))


def ids_by_sanitising(tmp: Path) -> Run:
    yaml = (Y.replace("id: H01", "id: H/01").replace("households: [H01]", "households: [H/01]")
            .replace("id: H02", "id: H_01").replace("households: [H02]", "households: [H_01]")
            .replace("head: 王二", "head: 李大"))
    return build_run(tmp, project(tmp, yaml=yaml), says=("school.yaml 第22行", "H/01"))


def ids_similar(tmp: Path) -> Run:
    """Ids that differ only in case, for households whose files differ: a located warning."""
    yaml = Y.replace("id: H02", "id: h01").replace("households: [H02]", "households: [h01]")
    return Run(["check", str(project(tmp, yaml=yaml))], exit=0,
               says=("school.yaml 第22行", "只差大小写"), cwd=tmp)


def only_bogus(tmp: Path) -> Run:
    return build_run(tmp, project(tmp), only="bogus", exit=2, says=("bogus",))


REST = [
    Case("three-decimals", "其他", "资助金额有三位小数", three_decimals),
    Case("ids-differ-by-case", "其他", "同村同户主的两户编号只差大小写（H01 / h01）", ids_by_case),
    Case("ids-collide-sanitised", "其他", "同村同户主的两户编号作文件名后相同（H/01 / H_01）",
         ids_by_sanitising),
    Case("ids-similar", "其他", "两户编号只差大小写、文件不冲突（check 警告）", ids_similar),
    Case("only-bogus", "其他", "--only bogus 是用法错误（退出码 2）", only_bogus),
]


def _also(run: Run, check: Callable[[Outcome], None]) -> Run:
    """Return `run` with `check` added to its checks."""
    first = run.verify

    def both(outcome: Outcome) -> None:
        if first:
            first(outcome)
        check(outcome)
    return Run(run.args, run.exit, run.says, run.never, run.prelude, run.keep, run.out,
               run.stop_with, both, run.cwd, run.env, run.cleanup)


CASES: list[Case] = [*LIMITS, *ZIPS, *CONFINEMENT, *TEXT, *LOST, *REST]
GROUPS = {"限度": "模板与叙述的限度 / limits", "压缩包": "压缩包与 XML / bounded unzip",
          "越界": "项目以外的文件 / confinement", "公式": "文字按文字写 / text as text",
          "不丢": "不丢文件 / nothing lost", "其他": "其他 / other"}

__all__ = ["CASES", "Case", "GROUPS"]
