"""A small table that reads well in Jupyter (HTML) and as plain text (terminals, nbval)."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

WIDTH = 120
"""The widest line a table prints: wider text columns wrap (a notebook's output stays readable)."""


def fmt(value) -> str:
    """Format a cell: integers with thousands separators, floats with 4 significant digits
    (whole numbers with separators from 10,000 up, where 4 digits would need an exponent)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:,.4g}"
    return str(value)


class Table:
    """Rows of cells under named columns; numbers are right-aligned, text left-aligned."""

    def __init__(self, columns: Sequence[str], rows: Sequence[Sequence], title: str | None = None):
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.title = title
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"Every row needs {len(self.columns)} cells ({self.columns}). Received: {row}"
                )

    def column(self, name: str) -> list:
        """The raw values of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def _numeric(self, index: int) -> bool:
        values = [row[index] for row in self.rows if row[index] is not None]
        return bool(values) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )

    def __str__(self) -> str:
        cells = [[fmt(v) for v in row] for row in self.rows]
        numeric = [self._numeric(i) for i in range(len(self.columns))]
        widths = _fitted_widths(self.columns, cells, numeric)
        wrapped = any(len(v) > w for row in cells for v, w in zip(row, widths, strict=True))

        def lines(values):
            parts = [textwrap.wrap(v, w, break_on_hyphens=False) or [""]
                     for v, w in zip(values, widths, strict=True)]
            for k in range(max(len(p) for p in parts)):
                yield "  ".join(
                    (p[k] if k < len(p) else "").rjust(w) if num
                    else (p[k] if k < len(p) else "").ljust(w)
                    for p, w, num in zip(parts, widths, numeric, strict=True)
                ).rstrip()

        out = textwrap.wrap(self.title, WIDTH, break_on_hyphens=False) if self.title else []
        out += [*lines(self.columns), "  ".join("-" * w for w in widths)]
        for row in cells:
            out += list(lines(row))
            if wrapped and row is not cells[-1]:
                out.append("")  # rows of several lines are told apart by a blank line
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        numeric = [self._numeric(i) for i in range(len(self.columns))]

        def cell(tag, value, num):
            align = "right" if num else "left"
            return f'<{tag} style="text-align:{align}">{html.escape(fmt(value))}</{tag}>'

        head = "".join(cell("th", c, n) for c, n in zip(self.columns, numeric, strict=True))
        body = "".join(
            "<tr>" + "".join(cell("td", v, n) for v, n in zip(row, numeric, strict=True)) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def markdown(self) -> str:
        """The table in Markdown (a README's), without its title; numbers right-aligned."""
        numeric = [self._numeric(i) for i in range(len(self.columns))]

        def line(values):
            return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

        rule = "|" + "|".join("---:" if num else "---" for num in numeric) + "|"
        rows = [line([fmt(v) for v in row]) for row in self.rows]
        return "\n".join([line(self.columns), rule, *rows])


def _fitted_widths(columns, cells, numeric) -> list[int]:
    """Each column's width: its widest cell, or narrower for text columns, the widest first, a
    character at a time, until the table fits in ``WIDTH`` (numbers and words never break)."""
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]
    floors = [max([12] + [len(word) for row in cells for word in row[i].split()]
                  + [len(word) for word in columns[i].split()]) for i in range(len(columns))]
    while sum(widths) + 2 * (len(widths) - 1) > WIDTH:
        text = [i for i in range(len(widths)) if not numeric[i] and widths[i] > floors[i]]
        if not text:
            break
        widths[max(text, key=lambda i: widths[i])] -= 1
    return widths
