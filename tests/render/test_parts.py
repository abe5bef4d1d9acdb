"""A header or footer is rendered again only when the values it reads are other objects."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env


def _with_header(path: Path, header: str) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph("{{ household.head }}")
    document.save(str(path))
    return path


@pytest.mark.parametrize("header, renders", [
    ("{{ pack.name }}", 1),                   # the same pack object for every household
    ("{{ pack.name }}{{ household.head }}", 3),  # reads the household: once each
])
def test_a_header_is_reused_only_for_the_same_values(tmp_path: Path, header: str,
                                                     renders: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    template = CompiledDocx(_with_header(tmp_path / "t.docx", header), make_env(autoescape=True))
    name = next(n for n in template.templated_parts if "header" in n)
    calls = []
    real = template._render

    def counted(part, context):  # type: ignore[no-untyped-def]
        calls.append(part.name)
        return real(part, context)

    monkeypatch.setattr(template, "_render", counted)
    pack = {"name": "县模板包"}
    for head in ("张三", "李四", "王五"):
        xml = template.render_part(name, {"pack": pack, "household": {"head": head}})
        assert "县模板包" in xml and (head in xml) == ("household" in header)
    assert calls.count(name) == renders
    # an equal but other object is rendered again
    template.render_part(name, {"pack": dict(pack), "household": {"head": "王五"}})
    assert calls.count(name) == renders + 1
