"""Benchmark: a county of many schools, `fupin-docs build COUNTY` (the county's documents), and
optionally with --schools (every school's own documents too).

The county is generated: N schools of P registered pupils each (two children per household
on the roll, a teacher per five households, ten villages a school, primary and junior schools
in turn); every tenth household has a third child at the next school, where the family is
listed too and the child is on the roll (the cross-checks match them, and tell of the family
paired by teachers of both schools); the county states its schools and pupils. Prints wall
time and peak memory (the main process, the largest worker, and all of them at once).

    python bench/bench_county.py                   # 150 schools × 300 pupils
    python bench/bench_county.py --schools 20 --build-schools
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_notices import CHILD_GIVEN, GIVEN, SURNAMES  # noqa: E402

PER_TEACHER = 5  # households per teacher
UNITS = 10  # villages per school
REPORT_DATE = dt.date(2018, 7, 10)


def _id_number(school: int, home: int, child: int, born: dt.date) -> str:
    """Return a valid 18-digit ID number, one per generated child (GB 11643 check digit)."""
    from fupin_docs.facts.idcheck import check_digit

    first = f"{5300 + school // 100:04d}{school % 100:02d}{born:%Y%m%d}{home * 3 + child:03d}"
    return first + check_digit(first)


def _child(school: int, home: int, k: int) -> dict[str, Any]:
    """Return child `k` of household `home` on school `school`'s roll."""
    junior = bool(school % 2)
    grade = (7 + (home + k) % 3) if junior else (1 + (home + 2 * k) % 6)
    born = dt.date(2018 - grade - 6, 1 + (home + k) % 12, 1 + (home * 7 + k) % 28)
    surname = SURNAMES[(school * 31 + home) % len(SURNAMES)]
    return {"name": surname + CHILD_GIVEN[(home + 7 * k) % len(CHILD_GIVEN)],
            "gender": "男女"[(home + k) % 2], "birth_date": born.isoformat(),
            "id_number": _id_number(school, home, k, born),
            "stage": "初中" if junior else "小学", "grade": grade,
            "boarding": "是" if (home + k) % 3 else "否"}


def _head(school: int, home: int, schools: int) -> str:
    """Return the head of household `home`: every tenth household of a school has a child at
    the next school, where the family is household `home` + 5 of that school."""
    if home % 10 == 5 and schools > 1:
        school, home = (school - 1) % schools, home - 5
    return SURNAMES[(school * 31 + home) % len(SURNAMES)] + GIVEN[home % len(GIVEN)]


def school_name(s: int) -> str:
    return f"基准县第{s + 1}{'中学' if s % 2 else '小学'}"


def write_school(folder: Path, s: int, pupils: int, schools: int) -> None:
    """Write school `s`: pupils // 2 households of two children on its roll."""
    homes = pupils // 2
    teachers = -(-homes // PER_TEACHER)
    lines = ["school:", f"  name: {school_name(s)}", f"  short_name: 学校{s + 1:03d}",
             "  county: 基准县", f"  town: 第{s // 5 + 1}镇", f"  report_date: {REPORT_DATE}",
             "teachers:"]
    lines += [f'  - {{id: T{t + 1:03d}, name: 教师{s + 1}_{t + 1}, role: 教师, '
              f'phone: "137{s:04d}{t:04d}"}}' for t in range(teachers)]
    lines += ["units:"] + [f"  - {{id: U{u + 1:02d}, name: {s + 1}校第{u + 1}村}}"
                           for u in range(UNITS)]
    lines += ["pairings:"]
    for t in range(teachers):
        ids = ", ".join(f"H{h + 1:04d}" for h in range(t * PER_TEACHER,
                                                        min(homes, (t + 1) * PER_TEACHER)))
        lines.append(f"  - {{teacher: T{t + 1:03d}, households: [{ids}]}}")
    lines.append("households:")
    for h in range(homes):
        lines += [f"  - id: H{h + 1:04d}", f"    head: {_head(s, h, schools)}",
                  f"    unit: U{h % UNITS + 1:02d}", f'    phone: "139{s:04d}{h:04d}"',
                  f"    members: {3 + h % 4}", "    children:"]
        kids = [_child(s, h, k) for k in range(2)]
        if h % 10 == 0 and h + 5 < homes and schools > 1:  # on the next school's roll too
            other = (s + 1) % schools
            kid = _child(other, h + 5, 0)
            kid.update(school=school_name(other))
            kids.append(kid)
        for c in kids:
            extra = f", school: {c['school']}" if "school" in c else ""
            lines.append(f"      - {{name: {c['name']}, gender: {c['gender']}, "
                         f"birth_date: {c['birth_date']}, id_number: \"{c['id_number']}\", "
                         f"stage: {c['stage']}, grade: {c['grade']}, "
                         f"boarding: {c['boarding']}{extra}}}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "school.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_county(folder: Path, schools: int, pupils: int) -> Path:
    """Write a county of `schools` schools of `pupils` registered pupils each."""
    for s in range(schools):
        write_school(folder / f"学校{s + 1:03d}", s, pupils, schools)
    (folder / "county.yaml").write_text(
        "county:\n  name: 基准县\n  bureau: 基准县教育局\n  aid_centre: 基准县学生资助中心\n"
        f"  report_date: {REPORT_DATE}\nfigures:\n  schools: {schools}\n"
        f"  pupils: {schools * (pupils // 2) * 2}\n", encoding="utf-8")
    return folder


def _memory(pid: int) -> float:
    """Return a process's peak resident memory (VmHWM, KiB), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return next((float(line.split()[1]) for line in f if line.startswith("VmHWM:")),
                        0.0)
    except (OSError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    """Return the pids of a process's children and their children (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                for child in (int(p) for p in f.read().split()):
                    found += [child, *_descendants(child)]
    except OSError:
        pass
    return found


def run_build(county: Path, out: Path, jobs: int | None, schools: bool) -> dict[str, Any]:
    """Return wall time and peak memory of `fupin-docs build COUNTY -o OUT` in its own process."""
    cmd = [sys.executable, "-m", "fupin_docs", "-q", "build", str(county), "-o", str(out)]
    cmd += ["--jobs", str(jobs)] if jobs else []
    cmd += ["--schools"] if schools else []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    main_kb = workers_kb = 0.0
    at_once_kb = 0.0
    while proc.poll() is None:
        main = _memory(proc.pid)
        main_kb = max(main_kb, main)
        kids = [_memory(child) for child in _descendants(proc.pid)]
        workers_kb = max([workers_kb, *kids])
        at_once_kb = max(at_once_kb, main + sum(kids))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr[-3000:]}{stdout}")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return {"seconds": round(seconds, 1), "main_mb": round(main_kb / 1024),
            "largest_worker_mb": round(workers_kb / 1024),
            "tree_at_once_mb": round(at_once_kb / 1024),
            "tree_largest_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                                     / 1024),
            "files": len(manifest["outputs"]), "schools": len(manifest["schools"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=150, help="schools in the county")
    parser.add_argument("--pupils", type=int, default=300, help="registered pupils a school")
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--build-schools", action="store_true",
                        help="also build every school's own documents (--schools)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the county and the output here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="fupin-bench-county-"))
    try:
        started = time.perf_counter()
        county = write_county(work / "基准县", args.schools, args.pupils)
        made = time.perf_counter() - started
        print(f"county: {args.schools} schools × {args.pupils} pupils "
              f"({args.schools * args.pupils:,} pupils), written in {made:.1f} s; "
              f"{os.cpu_count()} cores")
        result = run_build(county, work / "out", args.jobs, args.build_schools)
        what = "county and every school's documents" if args.build_schools else \
            "the county's documents"
        print(f"fupin-docs build ({what}): {result['seconds']} s; peak memory: main process "
              f"{result['main_mb']} MB, largest worker {result['largest_worker_mb']} MB, "
              f"all processes at once {result['tree_at_once_mb']} MB; "
              f"{result['files']:,} files")
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
