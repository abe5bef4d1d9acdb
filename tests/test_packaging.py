"""The wheel carries the built-in templates; the Word templates match their text sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT))


@pytest.mark.slow
def test_installed_wheel_finds_its_templates(tmp_path):
    wheels = tmp_path / "wheels"
    # build from a copy: setuptools leaves build/ behind, which is where `make demo` writes
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(source)], check=True, capture_output=True)
    wheel = next(wheels.glob("fupin_docs-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "fupin_docs/_templates/docx/report.docx" in names
    assert "fupin_docs/_templates/text/report.txt" in names
    # a fresh venv with the wheel alone; the dependencies come from this environment's
    # site-packages through a .pth file, so no download is needed
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    vpy = venv / "bin" / "python"
    site = subprocess.run([str(vpy), "-c", "import sysconfig;print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "--python", str(vpy), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True)
    Path(site, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([str(venv / "bin" / "fupin-docs"), "build", str(EXAMPLES / "扯乐完小"),
                           "-o", "out", "--only", "report"], cwd=elsewhere, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert (elsewhere / "out/汇报材料/汇报材料.docx").is_file()
    where = subprocess.run([str(vpy), "-c", "from fupin_docs.data.resources import builtin_dir;"
                            "print(builtin_dir())"], cwd=elsewhere, capture_output=True, text=True)
    assert str(venv) in where.stdout


def test_word_templates_are_in_sync_with_their_sources():
    from fupin_docs.commands.templates import word_templates

    made = word_templates(ROOT / "templates" / "text", builtin=True)
    assert made, "no Word templates generated"
    for name, data in made.items():
        committed = ROOT / "templates" / "docx" / name
        assert committed.read_bytes() == data, f"templates/docx/{name} is stale: run make templates"
    for folder in (ROOT / "data_examples" / "packs").glob("*/templates"):
        for name, data in word_templates(folder / "text", builtin=False).items():
            assert (folder / "docx" / name).read_bytes() == data, f"{folder}/docx/{name} is stale"
