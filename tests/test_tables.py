"""classic.tables: the plain-text and HTML table every notebook table goes through."""

import pytest

from classic.tables import Table, fmt


def test_fmt():
    assert fmt(1234567) == "1,234,567"
    assert fmt(0.123456) == "0.1235"
    assert fmt(1134.5) == "1,134"  # 4 significant digits
    assert fmt(15370.4) == "15,370"  # not 1.537e+04
    assert fmt(None) == "-"
    assert fmt(True) == "yes"
    assert fmt("3x3") == "3x3"


def test_plain_text_aligns_numbers_right_and_text_left():
    table = Table(["name", "params"], [["C1", 156], ["F6", 10164]], title="t")
    assert str(table).splitlines() == [
        "t",
        "name  params",
        "----  ------",
        "C1       156",
        "F6    10,164",
    ]
    assert repr(table) == str(table)


def test_html_escapes_and_aligns():
    html = Table(["a<b"], [[1]])._repr_html_()
    assert "a&lt;b" in html and 'style="text-align:right">1<' in html


def test_column_and_row_length_check():
    table = Table(["a", "b"], [[1, 2], [3, 4]])
    assert table.column("b") == [2, 4]
    with pytest.raises(ValueError, match="2 cells"):
        Table(["a", "b"], [[1]])


def test_a_wide_table_wraps_its_text_to_fit_a_notebook_line():
    from classic.tables import WIDTH

    words = "a sentence of several words that goes on " * 6
    table = Table(["name", "count", "why"], [["first", 123_456, words], ["second", 7, "short"]],
                  title="a title " * 30)
    lines = str(table).splitlines()
    assert max(map(len, lines)) <= WIDTH
    assert "123,456" in str(table)  # numbers are never broken
    assert " ".join(str(table).split()).count("goes on") == 6  # every word is still there
    assert "" in lines  # rows of several lines are told apart


def test_a_narrow_table_is_unchanged():
    assert str(Table(["a", "b"], [["x", 1]])) == "a  b\n-  -\nx  1"
