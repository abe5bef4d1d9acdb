"""Problems print safely: what cannot or must not reach a terminal is shown as its code point."""

from __future__ import annotations

from fupin_docs.errors import Location, Problem, display_width, printable, sort_problems


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


def test_a_location_never_prints_the_path_in_the_data() -> None:
    where = Location("school.yaml", 39, 7, key="households[3].children[0].grade")
    assert where.describe() == "school.yaml 第39行第7列"
    cell = Location("花名册.xlsx", 7, "F", key="households[3].children[0].birth_date",
                    header="出生日期")
    assert cell.describe() == "花名册.xlsx 第7行第F列“出生日期”"


def test_problems_sort_by_file_then_line_then_column() -> None:
    problems = [Problem("c", Location("school.yaml", 12, 3)),
                Problem("e", Location("花名册.xlsx", 3, "AA")),
                Problem("a", Location("extra.yaml", 40)),
                Problem("b", Location("school.yaml", 12, 1)),
                Problem("d", Location("花名册.xlsx", 3, "F")), Problem("first")]
    assert [p.message for p in sort_problems(problems)] == ["first", "a", "b", "c", "d", "e"]
