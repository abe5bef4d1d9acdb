"""Reliability: reproducible output, an honest manifest, interrupted builds, and privacy."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from fupin_docs.cli import main
from fupin_docs.cnformat import mask_id
from fupin_docs.data.project import load_project
from fupin_docs.data.resources import builtin_dir, resources_for
from fupin_docs.facts.idcheck import check_digit
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES, MINIMAL, ROOT, tree_snapshot, write_tree

CHELE = EXAMPLES / "扯乐完小"
EPOCH_A, EPOCH_B = 1_530_403_200, 1_561_939_200  # 2018-07-01 and 2019-07-01, UTC
CORE = "docProps/core.xml"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(project: Path, out: Path, epoch: int | None = None, **options) -> None:
    """Build `project` into `out` in this process, with SOURCE_DATE_EPOCH set or not."""
    with pytest.MonkeyPatch.context() as mp:
        if epoch is None:
            mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            mp.setenv("SOURCE_DATE_EPOCH", str(epoch))
        build(project, BuildOptions(out_dir=out, jobs=1, **options))


def _without_core(data: bytes) -> dict[str, bytes]:
    """Return the members of an .xlsx except its core properties (openpyxl stamps those)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist() if name != CORE}


def _same_output(a: Path, b: Path) -> None:
    """Assert two builds wrote the same files with the same bytes (xlsx core properties aside)."""
    left, right = tree_snapshot(a), tree_snapshot(b)
    assert sorted(left) == sorted(right)
    for rel, data in left.items():
        if rel.endswith(".xlsx"):
            assert _without_core(data) == _without_core(right[rel]), rel
        elif rel != "manifest.json":
            assert data == right[rel], rel
    xlsx = [rel for rel in left if rel.endswith(".xlsx")]
    one, two = (json.loads(left["manifest.json"]), json.loads(right["manifest.json"]))
    for manifest in (one, two):
        for rel in xlsx:
            manifest["outputs"].pop(rel)
    assert one == two


def _core(path: Path) -> openpyxl.packaging.core.DocumentProperties:
    return openpyxl.load_workbook(path).properties


@pytest.fixture(scope="module")
def chele_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return 扯乐完小 built twice without SOURCE_DATE_EPOCH, twice with A and once with B."""
    root = tmp_path_factory.mktemp("chele")
    outs = {}
    for name, epoch in (("plain1", None), ("plain2", None), ("a1", EPOCH_A), ("a2", EPOCH_A),
                        ("b", EPOCH_B)):
        outs[name] = root / name
        _build(CHELE, outs[name], epoch)
    return outs


# ---------------------------------------------------------------- reproducible output

def test_two_builds_of_an_example_are_identical(chele_builds: dict[str, Path]) -> None:
    out = chele_builds["plain1"]
    kinds = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert {".docx", ".xlsx", ".txt", ".json"} <= kinds
    _same_output(out, chele_builds["plain2"])


def test_each_source_date_epoch_is_reproducible(chele_builds: dict[str, Path]) -> None:
    _same_output(chele_builds["a1"], chele_builds["a2"])


def test_source_date_epoch_changes_only_the_xlsx_dates(chele_builds: dict[str, Path]) -> None:
    a, b = tree_snapshot(chele_builds["a1"]), tree_snapshot(chele_builds["b"])
    changed = sorted(rel for rel in a if a[rel] != b[rel] and rel != "manifest.json")
    xlsx = sorted(rel for rel in a if rel.endswith(".xlsx"))
    assert xlsx and changed == xlsx  # Word and text files carry no build date
    for rel in xlsx:
        assert _without_core(a[rel]) == _without_core(b[rel])
        assert _core(chele_builds["a1"] / rel).created == dt.datetime(2018, 7, 1)
        assert _core(chele_builds["b"] / rel).created == dt.datetime(2019, 7, 1)
        assert _core(chele_builds["plain1"] / rel).created == dt.datetime(2018, 1, 1)


def test_xlsx_modified_date_follows_source_date_epoch(chele_builds: dict[str, Path]) -> None:
    for path in sorted(chele_builds["a1"].rglob("*.xlsx")):
        assert _core(path).modified == dt.datetime(2018, 7, 1), path.name


# ---------------------------------------------------------------- the manifest

@pytest.fixture
def full_project(tmp_path: Path) -> Path:
    """Return MINIMAL plus a CSV roster, its own policy table and its own notice template."""
    text = ("户编号,户主姓名,所在村/连队,子女姓名,性别,学段,年级\n"
            "R01,赵三,上村,赵小一,男,小学,2\nR02,钱四,上村,钱小一,女,初中,8\n")
    return write_tree(tmp_path / "proj", {
        "school.yaml": MINIMAL["school.yaml"] + "roster: 花名册.csv\n",
        "花名册.csv": text,
        "policies.yaml": (builtin_dir() / "policies.yaml").read_bytes(),
        "templates/text/notice.txt": (builtin_dir() / "text" / "notice.txt").read_bytes(),
    })


def _cli_build(project: Path, out: Path, *more: str) -> str:
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), *more])
    assert result.exit_code == 0, result.output
    return result.output


def test_manifest_lists_every_output_and_input_with_its_hash(full_project: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    _cli_build(full_project, out)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    # besides the outputs: the manifest, and the stamps of the files' times (a cache)
    assert set(manifest["outputs"]) == files - {"manifest.json", ".stamps.json"}
    stamps = json.loads((out / ".stamps.json").read_text("utf-8"))
    assert set(stamps) == set(manifest["outputs"]) | {"manifest.json"}
    for rel, digest in manifest["outputs"].items():
        assert sha(out / rel) == digest, rel

    loaded = load_project(full_project)
    expected = {name: sha(full_project / name)
                for name in ("school.yaml", "花名册.csv", "policies.yaml")}
    for name, path in resources_for(loaded).templates.listing().items():
        expected[f"templates/{name}"] = sha(path)
    assert manifest["inputs"] == expected
    # the project's own notice template is the one recorded, not the built-in
    assert expected["templates/text/notice.txt"] == sha(full_project / "templates/text/notice.txt")


def _stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_unchanged_inputs_rewrite_nothing(full_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _cli_build(full_project, out, "--only", "report,notice,ledger")
    before, inode = _stamps(out), out.stat().st_ino
    said = _cli_build(full_project, out, "--only", "report,notice,ledger")
    assert "未重写" in said
    assert _stamps(out) == before and out.stat().st_ino == inode
    assert not list(tmp_path.glob(".out.*"))


@pytest.mark.parametrize("changed", ["school.yaml", "花名册.csv", "policies.yaml",
                                     "templates/text/notice.txt"])
def test_changing_one_input_rebuilds(full_project: Path, tmp_path: Path, changed: str) -> None:
    out = tmp_path / "out"
    _cli_build(full_project, out, "--only", "notice")
    path = full_project / changed
    path.write_bytes(path.read_bytes() + ("# 改动\n" if changed.endswith(".yaml") else "\n")
                     .encode())
    said = _cli_build(full_project, out, "--only", "notice")
    # built again, not skipped; a comment changes no output, a template's last newline its
    # text files only, and the build says which
    assert "资料和模板都没有变化" not in said and ("均未变" in said or "重写" in said)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"][changed] == sha(path)


# ---------------------------------------------------------------- interrupted builds

VILLAGES, HOUSEHOLDS = 100, 10_000


def write_big_project(folder: Path) -> Path:
    """Write a project of 10,000 households (two children each) over 100 villages.

    The children's lists are written six times and then referred to by alias, which keeps
    PyYAML's parsing (pure Python, some 70 µs a node) to a few seconds.
    """
    lines = ["school:", "  name: 测试县测试镇中心学校", "  short_name: 中心学校",
             "  county: 测试县",
             "  report_date: 2018-07", "units:"]
    lines += [f"  - {{id: V{v:03d}, name: 村{v:03d}}}" for v in range(VILLAGES)]
    lines.append("households:")
    for h in range(HOUSEHOLDS):
        k = h % 6
        kids = (f"&k{k} [{{name: 甲{k}, gender: 男, stage: 小学, grade: {k + 1}}}, "
                f"{{name: 乙{k}, gender: 女, stage: 初中, grade: {k % 3 + 7}, boarding: 是}}]"
                if h < 6 else f"*k{k}")
        lines.append(f"  - {{id: H{h:05d}, head: 户主{h:05d}, unit: V{h % VILLAGES:03d}, "
                     f"children: {kids}}}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "school.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _start(project: Path, out: Path) -> subprocess.Popen:
    """Start `python -m fupin_docs build` in a process group of its own."""
    env = dict(os.environ, FUPIN_LANG="zh", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "fupin_docs", "-q", "build", str(project),
                             "-o", str(out), "--only", "card"], cwd=out.parent, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _stagings(out: Path) -> set[Path]:
    return set(out.parent.glob(f".{out.name}.tmp-*"))


def _staging_with_files(out: Path, before: set[Path], proc: subprocess.Popen) -> Path:
    """Return the new staging folder of `proc` once a file has been written into it."""
    while proc.poll() is None:
        for folder in _stagings(out) - before:
            if next((p for p in folder.rglob("*") if p.is_file()), None) is not None:
                return folder
        time.sleep(0.05)  # leave the CPU to the build
    raise AssertionError(f"the build ended before writing: {proc.communicate()}")


def _change_input(project: Path, note: str) -> None:
    with open(project / "school.yaml", "a", encoding="utf-8") as f:
        f.write(f"# {note}\n")


@dataclass
class Output:
    """What an output folder held: its manifest and each file's modification time."""

    manifest: bytes
    stamps: dict[str, int]

    @classmethod
    def of(cls, out: Path) -> Output:
        return cls((out / "manifest.json").read_bytes(), _stamps(out))

    def intact(self, out: Path) -> bool:
        """Return whether `out` holds exactly these files, unmodified, matching the manifest."""
        if Output.of(out) != self:
            return False
        outputs = json.loads(self.manifest)["outputs"]
        files = {rel for rel in self.stamps if (out / rel).is_file()}
        return files == set(outputs) | {"manifest.json", ".stamps.json"} and all(
            sha(out / rel) == digest for rel, digest in outputs.items())


@dataclass
class Interrupted:
    """The story of one big output folder: built, killed, interrupted, rebuilt."""

    out: Path
    first: Output
    after_kill: bool
    stale: set[Path]
    sigint_code: int
    sigint_stderr: str
    sigint_staging: Path
    after_sigint: bool
    next_code: int
    next_stderr: str
    next_manifest: dict


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Interrupted]:
    root = tmp_path_factory.mktemp("big")
    project, out = write_big_project(root / "proj"), root / "OUT"
    first = _start(project, out)
    _, err = first.communicate()
    assert first.returncode == 0, err.decode()
    before = Output.of(out)

    # kill -9 halfway through a rebuild
    _change_input(project, "改动一")
    old = _stagings(out)
    proc = _start(project, out)
    _staging_with_files(out, old, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    after_kill = before.intact(out)
    stale = _stagings(out) - old

    # Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
    _change_input(project, "改动二")
    old = _stagings(out)
    proc = _start(project, out)
    staging = _staging_with_files(out, old, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate()
    sigint = (proc.returncode, err.decode(), staging, before.intact(out))

    # and then a build that is left alone
    proc = _start(project, out)
    _, err = proc.communicate()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    yield Interrupted(out, before, after_kill, stale, *sigint, proc.returncode, err.decode(),
                      manifest)
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_kill_9_leaves_the_previous_output_intact(interrupted: Interrupted) -> None:
    assert interrupted.after_kill
    assert len(json.loads(interrupted.first.manifest)["outputs"]) > 2 * HOUSEHOLDS


@pytest.mark.slow
def test_ctrl_c_says_so_and_removes_its_staging_folder(interrupted: Interrupted) -> None:
    assert interrupted.sigint_code != 0
    assert "已中断" in interrupted.sigint_stderr
    assert interrupted.after_sigint
    assert not interrupted.sigint_staging.exists()


@pytest.mark.slow
def test_next_build_succeeds(interrupted: Interrupted) -> None:
    assert interrupted.next_code == 0, interrupted.next_stderr
    project_yaml = interrupted.out.parent / "proj" / "school.yaml"
    assert interrupted.next_manifest["inputs"]["school.yaml"] == sha(project_yaml)
    outputs = interrupted.next_manifest["outputs"]
    assert all(sha(interrupted.out / rel) == digest for rel, digest in outputs.items())


@pytest.mark.slow
def test_next_build_removes_stale_staging_folders(interrupted: Interrupted) -> None:
    assert interrupted.stale  # kill -9 gives no chance to clean up
    assert not any(folder.exists() for folder in interrupted.stale)


# ---------------------------------------------------------------- privacy

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def xml_text(data: bytes) -> str:
    """Return the text of an XML part: every text node, and each Word paragraph's runs joined
    (a number split over several runs is still one number on paper); attributes (font
    signatures and the like are long hex strings) are not text."""
    root = etree.fromstring(data)
    pieces = list(root.itertext())
    pieces += ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]
    return "\n".join(pieces)


def texts(out: Path) -> Iterator[tuple[str, str]]:
    """Yield (file, text) for every .docx XML part, .txt file and .xlsx workbook.

    A part that is byte for byte one already yielded (styles, fonts, themes repeat in every
    file) is yielded once.
    """
    seen: set[str] = set()
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    data = z.read(name)
                    digest = hashlib.sha256(data).hexdigest()
                    if name.endswith((".xml", ".rels")) and digest not in seen:
                        seen.add(digest)
                        yield f"{rel}:{name}", xml_text(data)
        elif path.suffix == ".txt":
            yield rel, path.read_text("utf-8")
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            cells = [str(v) for ws in book.worksheets
                     for row in ws.iter_rows(values_only=True) for v in row if v is not None]
            yield rel, "\n".join(cells)


def household_phones(project: Path) -> set[str]:
    loaded = load_project(project).project
    teachers = {t.phone for t in loaded.teachers}
    return {h.phone for h in loaded.households if h.phone} - teachers


@pytest.mark.parametrize("name", ["扯乐完小", "九十一团学校"])
def test_examples_print_no_id_number_nor_household_phone(name: str, tmp_path: Path,
                                                         chele_builds: dict[str, Path]) -> None:
    out = chele_builds["plain1"] if name == "扯乐完小" else tmp_path / "out"
    if name != "扯乐完小":
        _build(EXAMPLES / name, out)
    phones = household_phones(EXAMPLES / name)
    assert phones
    scanned = 0
    for where, text in texts(out):
        scanned += 1
        assert not ID_NUMBER.search(text), where
        assert not [p for p in phones if p in text], where
    assert scanned > 100


def _with_id_numbers(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Return a copy of 扯乐完小 whose heads and children carry valid 18-digit ID numbers."""
    project = tmp_path / "扯乐完小"
    shutil.copytree(CHELE, project)
    path = project / "households.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    numbers: dict[str, str] = {}
    serial = 0

    def make(born: dt.date) -> str:
        nonlocal serial
        serial += 1
        first17 = f"530323{born:%Y%m%d}{serial:03d}"
        return first17 + check_digit(first17)

    for household in data["households"]:
        household["id_number"] = numbers[household["id"]] = make(
            dt.date(1970, 1, 1) + dt.timedelta(days=97 * serial))
        for i, child in enumerate(household.get("children", [])):
            born = child.get("birth_date") or dt.date(2010, 1, 1)
            child["id_number"] = numbers[f"{household['id']}-{i + 1}"] = make(born)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project, numbers


LEDGER = "资助台账/资助台账.xlsx"


def test_id_numbers_appear_in_full_only_in_the_full_ids_ledger(tmp_path: Path) -> None:
    project, numbers = _with_id_numbers(tmp_path)
    assert len(numbers) > 80
    masked, full = tmp_path / "masked", tmp_path / "full"
    _build(project, masked)
    _build(project, full, full_ids=True)

    scanned = {out: dict(texts(out)) for out in (masked, full)}
    for out, found in scanned.items():
        for where, text in found.items():
            if out is full and where == LEDGER:
                continue
            assert not ID_NUMBER.search(text), where
    assert all(mask_id(n) in scanned[masked][LEDGER] for n in numbers.values())
    assert all(n in scanned[full][LEDGER] for n in numbers.values())
