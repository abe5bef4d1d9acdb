"""Print the hostile cases with what each cost, as the README's reliability table:
``python -m tests.hostile`` (takes about two minutes)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.hostile.cases import CASES, GROUPS
from tests.hostile.harness import execute


def main() -> int:
    """Run every case once and print a Markdown table row per case."""
    print("| 类别 | 情形 | 退出码 | 用时（秒） | 峰值内存（MB） |")
    print("|---|---|---|---|---|")
    failed = 0
    for case in CASES:
        with tempfile.TemporaryDirectory() as folder:
            run = case.make(Path(folder))
            try:
                outcome = execute(run)
            finally:
                if run.cleanup is not None:
                    run.cleanup()
        ok = outcome.code == run.exit and "内部错误" not in outcome.output
        failed += not ok
        print(f"| {GROUPS[case.group].split(' / ')[0]} | {case.about} | {outcome.code}"
              f"{'' if ok else ' ✗'} | {outcome.seconds:.1f} | {outcome.peak_mb:.0f} |",
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
