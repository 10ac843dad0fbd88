"""Footnote markers: bare ASCII digits glued to the body text, told apart from quantities.

A paper's body also writes years and counts in ASCII digits (「2024年」,
「約86分間」), so marker N is recognised by its place: the next candidate after
marker N - 1, on the page of note N, not followed by a counter. Pure functions.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# What may follow a number that is a quantity, not a footnote marker.
_UNITS = frozenset("年月日人か箇ヵヶカ分万億千百代回号頁時歳%％倍位件名隻機両周期条度発票議席kmｋ.,，．～〜-/:：")
_NOT_BEFORE = frozenset("第+-−.,，．/:：")
_DIGIT_RUN = re.compile(r"[0-9]+")


class MarkerError(Exception):
    """Marker ``number`` could not be placed; ``block``/``offset`` locate the digits at fault."""

    def __init__(self, number: int, problem: str, block: int | None = None, offset: int | None = None) -> None:
        super().__init__(f"marker {number}: {problem}")
        self.number = number
        self.problem = problem  # "missing" | "before" | "duplicate" | "orphan"
        self.block = block
        self.offset = offset


def marker_candidates(text: str, number: int, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Yield the indices in ``text[start:end]`` where the digits of ``number`` can be a marker."""
    digits = str(number)
    for match in _DIGIT_RUN.finditer(text, start):
        index = match.start()
        if end is not None and index >= end:
            return
        if match.group(0) != digits or (index and text[index - 1].isascii() and text[index - 1].isdigit()):
            continue  # not this number, or the tail of a longer one cut by ``start``
        before = text[index - 1] if index else ""
        after = text[index + len(digits)] if index + len(digits) < len(text) else ""
        if before in _NOT_BEFORE or (after and after in _UNITS):
            continue
        yield index


def locate_markers(blocks: Sequence[tuple[str, Sequence[int]]], note_pages: Sequence[int]) -> list[tuple[int, int]]:
    """Return (block, offset) of markers 1..N in reading order; raise ``MarkerError``.

    ``blocks`` are the body's headings and paragraphs with the page of every
    character; ``note_pages[n - 1]`` is the page note n starts on. Marker n is
    the first candidate after marker n - 1 on note n's page. Refused: a marker
    that is missing or stands before the previous one, a second candidate of n
    on its page before marker n + 1, and a candidate of N + 1 after marker N
    (a note missing at the end: the file was cut).
    """
    total = len(note_pages)
    found: list[tuple[int, int]] = []
    cursor = (0, 0)
    for number in range(1, total + 1):
        hit = _next_candidate(blocks, number, note_pages[number - 1], cursor)
        if hit is None:
            earlier = _next_candidate(blocks, number, note_pages[number - 1], (0, 0), until=cursor)
            if earlier is not None:
                raise MarkerError(number, "before", *earlier)
            raise MarkerError(number, "missing")
        found.append(hit)
        cursor = (hit[0], hit[1] + len(str(number)))
    for number in range(1, total + 1):
        after = (found[number - 1][0], found[number - 1][1] + len(str(number)))
        until = found[number] if number < total else None
        if (again := _next_candidate(blocks, number, note_pages[number - 1], after, until=until)) is not None:
            raise MarkerError(number, "duplicate", *again)
    if total:
        after = (found[-1][0], found[-1][1] + len(str(total)))
        if (orphan := _next_candidate(blocks, total + 1, None, after)) is not None:
            raise MarkerError(total + 1, "orphan", *orphan)
    return found


def _next_candidate(
    blocks: Sequence[tuple[str, Sequence[int]]],
    number: int,
    page: int | None,
    start: tuple[int, int],
    until: tuple[int, int] | None = None,
) -> tuple[int, int] | None:
    """Return the first candidate of ``number`` on ``page`` (any page if None) in [start, until)."""
    for block in range(start[0], len(blocks)):
        if until is not None and block > until[0]:
            return None
        text, pages = blocks[block]
        first = start[1] if block == start[0] else 0
        last = until[1] if until is not None and block == until[0] else None
        for index in marker_candidates(text, number, first, last):
            if page is None or pages[index] == page:
                return block, index
    return None
