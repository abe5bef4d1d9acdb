"""Kept tokens and rare characters get runs of their own, exactly as a rewrite of every run."""

from __future__ import annotations

import random

from fupin_docs.render.runs import _RUN, RARE_FONT, WORD_JOINER, _rewrite, keep_runs

J = WORD_JOINER
PIECES = ["张三", f"1{J}3{J}9", f"王{J}小{J}明", "𠮷", f"𠮷{J}祥", "&amp;", f"&amp;{J}B", " ", ""]
PROPS = ["", "<w:rPr></w:rPr>", '<w:rPr><w:b/><w:lang w:val="zh-CN"/></w:rPr>',
         '<w:rPr><w:rFonts w:ascii="SimSun"/><w:sz w:val="28"/></w:rPr>']


def every_run(xml: str) -> str:
    """The reference: every simple run of the document rewritten."""
    return _RUN.sub(_rewrite, xml)


def random_paragraph(rng: random.Random) -> str:
    runs = []
    for _ in range(rng.randrange(1, 5)):
        kind = rng.random()
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 3)))
        if kind < 0.6:  # a simple run
            runs.append(f"<w:r>{rng.choice(PROPS)}<w:t>{text}</w:t></w:r>")
        elif kind < 0.8:  # a run with a tab: not simple, left alone
            runs.append(f"<w:r><w:tab/><w:t>{text}</w:t></w:r>")
        else:  # text outside any run, in an attribute
            runs.append(f'<w:bookmarkStart w:name="{text}"/>')
    return f'<w:p w:rsidR="1">{"".join(runs)}</w:p>'


def test_only_the_runs_that_need_it_are_rewritten_as_a_full_rewrite_would() -> None:
    rng = random.Random(7)
    changed = 0
    for _ in range(2000):
        xml = "".join(random_paragraph(rng) for _ in range(rng.randrange(1, 4)))
        assert keep_runs(xml) == every_run(xml), xml
        changed += keep_runs(xml) != xml
    assert changed > 200


def test_a_rare_character_and_a_kept_name_get_their_runs() -> None:
    xml = f"<w:p><w:r><w:t>户主：王{J}小{J}明，𠮷</w:t></w:r></w:p>"
    out = keep_runs(xml)
    assert out.count("<w:r>") == 4 and RARE_FONT in out and 'w:eastAsia="en-US"' in out
    assert keep_runs("<w:p><w:r><w:t>平常文字</w:t></w:r></w:p>") == (
        "<w:p><w:r><w:t>平常文字</w:t></w:r></w:p>")
