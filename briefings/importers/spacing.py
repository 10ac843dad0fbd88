"""Extraction gaps: which spaces of PDF-extracted Japanese text were typed, and which were not.

Japanese typesetting puts a gap between Japanese and Latin characters
(「2021年」 set as 「2021 年」); ``pdftotext`` writes it as a space nobody
typed. ``gap_positions`` tells those from real spaces using only evidence in
the text itself (``spacing_labels``); ``join_lines`` joins the lines of one
paragraph or note as the importer does. Pure functions.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

_URL = re.compile(r"<https?://[^<>]+>")
_WORD_BREAKS = frozenset(" \u3000「」『』（）()【】〔〕［］[]、。，,：:；;・")
_DESIGNATION = re.compile(r"(?:No|Vol)\.[0-9]+")
_SPACES = re.compile(r" +")
_LONGEST_WORD = 32


def _is_japanese(char: str) -> bool:
    code = ord(char)
    return (
        0x3001 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF01 <= code <= 0xFFEF
    )


def _is_latin(char: str) -> bool:
    return "!" <= char <= "~"


def _word_before(text: str, end: int) -> str:
    """Return the word ending at ``end``: back to a space, bracket or punctuation, at most 32 characters."""
    start = end
    while start > 0 and end - start < _LONGEST_WORD and text[start - 1] not in _WORD_BREAKS:
        start -= 1
    return text[start:end]


def spacing_labels(texts: Iterable[str]) -> frozenset[str]:
    """Return the words the paper sets off by a space before Japanese text.

    Extraction never puts a space between two Japanese characters, so such a
    space was typed: the word before it is a label the author separates from
    what follows (「ビジネス短信 トランプ米大統領、…」 makes 「ビジネス短信」 one).
    """
    labels: set[str] = set()
    for text in texts:
        for match in _SPACES.finditer(text):
            start, end = match.span()
            if 0 < start and end < len(text) and _is_japanese(text[start - 1]) and _is_japanese(text[end]):
                labels.add(_word_before(text, start))
    return frozenset(labels)


def gap_positions(text: str, labels: Collection[str] = frozenset()) -> list[int]:
    """Return the indices of the spaces in ``text`` that are extraction gaps, not typed spaces.

    A space inside a URL is a gap. Between two Japanese or two Latin characters a
    space is real (extraction adds none there: 「BBC NEWS JAPAN」). Between
    Japanese and Latin characters extraction adds one (「2021 年」, 「JETRO
    ウェブサイト」), so it is a gap, except where the paper shows a real one:

    * after a label (``spacing_labels``): 「ビジネス短信 BRICS、…」, since the paper
      writes 「ビジネス短信 トランプ米…」 with a space extraction cannot have made;
    * after an issue number 「No.116」 or 「Vol.88」: a designation ends with its
      number, which takes no counter, so the Japanese after it is a title
      (「中東かわら版 No.116 イラン：…」), where a bare number takes its counter
      (「2024 年」, 「84 頁」).
    """
    urls = [match.span() for match in _URL.finditer(text)]
    url = 0
    positions: list[int] = []
    for match in _SPACES.finditer(text):
        start, end = match.span()
        while url < len(urls) and urls[url][1] <= start:
            url += 1
        if url < len(urls) and urls[url][0] < start:
            positions.extend(range(start, end))
            continue
        if start == 0 or end == len(text):
            continue
        before, after = text[start - 1], text[end]
        if _is_japanese(before) and _is_latin(after):
            if _word_before(text, start) in labels:
                continue
        elif _is_latin(before) and _is_japanese(after):
            if _DESIGNATION.fullmatch(_word_before(text, start)):
                continue
        else:
            continue
        positions.extend(range(start, end))
    return positions


def join_lines(lines: Sequence[str], labels: Collection[str] = frozenset()) -> str:
    """Join the lines of one paragraph or note as the importer does: no separator, gaps dropped."""
    text = "".join(line.strip(" \u3000") for line in lines)
    drop = set(gap_positions(text, labels))
    return "".join(char for index, char in enumerate(text) if index not in drop)
