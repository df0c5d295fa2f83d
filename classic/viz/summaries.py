"""Text summaries of networks: model.summary() at a width at which nothing is cut short."""

from __future__ import annotations

import contextlib
import importlib
import os

from classic.viz.arguments import _positive_int


def summary(model, *, shortest: int = 80, longest: int = 200) -> None:
    """``model.summary()`` at the narrowest line length (from ``shortest``, in steps of 10) at
    which no layer name, type or connection is cut short ("…"), so the table stays readable and
    the same from run to run."""
    shortest = _positive_int(shortest, "shortest")
    longest = _positive_int(longest, "longest")
    if longest < shortest:
        raise ValueError(f"Argument `longest` must be at least `shortest` ({shortest}). "
                         f"Received: longest={longest}")
    text, columns = "", os.environ.get("COLUMNS")
    try:
        quiet = importlib.import_module("IPython.utils.capture").capture_output
    except ImportError:
        quiet = contextlib.nullcontext
    try:
        for length in range(shortest, longest + 1, 10):
            # Keras renders the table with rich, which crops it at COLUMNS when captured.
            os.environ["COLUMNS"] = str(length + 1)
            lines: list[str] = []
            with quiet():  # in Jupyter, rich would display an empty block for every try
                model.summary(line_length=length, print_fn=lambda line, *_, into=lines, **__:
                              into.append(line))
            text = "\n".join(lines)
            if "…" not in text:
                break
    finally:
        if columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = columns
    print(text)
