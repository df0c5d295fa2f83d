"""Departure: one way the source post's code departs from the paper, a row of its errata."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Departure:
    """One way the post's code departs from the paper."""

    aspect: str
    post: str
    paper: str
    why_it_matters: str
