"""Problems print safely: what cannot or must not reach a terminal is shown as its code point."""

from __future__ import annotations

from fupin_docs.errors import Location, Problem, display_width, printable


def test_printable_names_each_hidden_character() -> None:
    assert printable("李\u202e大") == "李<U+202E>大"
    assert printable("李\ud800大") == "李<U+D800>大"
    assert printable("a\x1b[31m") == "a<U+001B>[31m"
    assert printable("H\u200b01") == "H<U+200B>01"
    assert printable("李大\t上村\n") == "李大\t上村\n"


def test_format_escapes_message_source_and_hint_and_keeps_the_caret_under_the_value() -> None:
    source = '    head: "李\u202e\x07大"'  # 大 is in column 15
    problem = Problem("户主“李\u202e大”有问题", Location("school.yaml", 17, 15, source=source),
                      "删除“\ud800”")
    text = problem.format()
    text.encode("utf-8")  # a lone surrogate would stop the terminal output with an error
    assert "\u202e" not in text and "\x07" not in text
    message, shown, caret, hint = text.splitlines()
    assert message.endswith("：户主“李<U+202E>大”有问题")
    assert shown == '    17 |     head: "李<U+202E><U+0007>大"'
    assert caret.strip() == "^"
    assert caret.index("^") == display_width(shown[: shown.index("大")])
    assert hint.endswith("删除“<U+D800>”")
