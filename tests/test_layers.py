"""Layers point down: reading data and computing facts need neither Word, Excel nor Click."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import EXAMPLES, ROOT

HEAVY = ("docx", "docxtpl", "openpyxl", "click")


def imported_after(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Return what a fresh interpreter reports after running `code` (which sets `out`)."""
    script = code + "\nimport json, sys\nout['heavy'] = sorted({m.split('.')[0] for m in " \
        f"sys.modules}} & set({HEAVY!r}))\nprint(json.dumps(out, ensure_ascii=False))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_data_and_facts_layers_import_no_word_excel_or_click():
    found = imported_after(
        "import fupin_docs.data.project, fupin_docs.data.resources, fupin_docs.data.roster\n"
        "import fupin_docs.facts.facts, fupin_docs.facts.checks, fupin_docs.errors\n"
        "from pathlib import Path\n"
        "from fupin_docs.data.project import load_project\n"
        "from fupin_docs.data.resources import resources_for\n"
        "from fupin_docs.facts.facts import Facts\n"
        "from fupin_docs.facts.checks import check_project\n"
        f"loaded = load_project(Path({str(EXAMPLES / '扯乐完小')!r}))\n"
        "res = resources_for(loaded)\n"
        "facts = Facts(loaded, res.policy, res.boilerplate)\n"
        "out = {'warnings': len(check_project(facts)),\n"
        "       'total': str(sum(facts.household_aid(h).yearly_total\n"
        "                        for h in loaded.project.households))}\n")
    assert found["heavy"] == [] and found["warnings"] > 0


def test_importing_the_cli_reads_no_argv():
    found = imported_after(
        "import sys\nsys.argv = ['fupin-docs', '--lang', 'en']\nimport fupin_docs.cli\n"
        "from fupin_docs.i18n import current\nout = {'lang': current()}\n", {"LANG": "zh_CN.UTF-8",
                                                                          "LC_ALL": ""})
    assert found["lang"] == "zh"
