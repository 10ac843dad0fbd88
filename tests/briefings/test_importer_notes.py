"""Every one of the paper's 96 notes, as imported, equals the note as printed.

The expected notes are read from the seed here by a deliberately different and
simpler method than the importer's (positions of 「N 」 line starts, one known
rule for the page-spanning notes), then the extraction gaps are dropped: the
spaces between Japanese and Latin characters, except the three the audit of
issue 19 found real. The importer finds those three by its own rule from the
paper's evidence (``gap_positions``); nothing here is shared with it.
"""
import re
from functools import cache

import pytest

from briefings.importers.paper import parse_paper
from briefings.markup import cross_reference_label, plain_note_text
from briefings.rendering import note_html
from releases.selectors.history import artefact_of, release_latest
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")
REAL_SPACES = {7: "ビジネス短信 BRICS", 47: "No.116 イラン", 66: "No.115 イスラエル"}
JAPANESE = r"\u3001-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef"
BOUNDARY = re.compile(rf"(?<=[{JAPANESE}]) (?=[!-~])|(?<=[!-~]) (?=[{JAPANESE}])")
URL = re.compile(r"<https?://[^<>]+>")


def _printed_notes() -> dict[int, str]:
    """Return note number → the note's lines joined, spaces as extracted."""
    lines = SEED.split("\n")
    starts: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.startswith(f"{len(starts) + 1} "):
            starts[len(starts) + 1] = index
    assert len(starts) == 96
    notes: dict[int, str] = {}
    for number, start in starts.items():
        pieces = [lines[start].removeprefix(f"{number} ")]
        index = start + 1
        while not pieces[-1].endswith(" "):
            line = lines[index]
            if line.startswith(" "):
                # The note runs on to the next page's notes: its rest is the text lines
                # just before the next note, after that page's last one-space line.
                end = starts[number + 1]
                index = max(i for i in range(start, end) if lines[i] == " ") + 1
                continue
            if line:
                pieces.append(line)
            index += 1
        notes[number] = "".join(piece.rstrip(" ") for piece in pieces)
    return notes


def _without_gaps(note: str) -> str:
    """Drop every space at a Japanese/Latin boundary (and inside URLs), keeping the audited real ones."""
    keep: set[int] = set()
    for real in REAL_SPACES.values():
        if (found := note.find(real)) >= 0:
            keep.add(found + real.index(" "))
    spans = [m.span() for m in URL.finditer(note)]
    return "".join(
        char
        for index, char in enumerate(note)
        if not (
            char == " "
            and index not in keep
            and (BOUNDARY.match(note, index) or any(a < index < b for a, b in spans))
        )
    )


PRINTED = _printed_notes()
EXPECTED = {number: _without_gaps(note) for number, note in PRINTED.items()}


def test_the_paper_has_264_extraction_spaces_in_71_notes_and_three_real_ones():
    # given: the spaces at Japanese/Latin boundaries outside URLs, as extracted
    boundaries = {
        number: len(BOUNDARY.findall(URL.sub(lambda m: "U" * len(m[0]), note))) for number, note in PRINTED.items()
    }
    # then
    assert sum(boundaries.values()) == 264
    assert sum(1 for count in boundaries.values() if count) == 71
    for number, real in REAL_SPACES.items():
        assert real in PRINTED[number] and real in EXPECTED[number]


@cache
def _parsed():  # type: ignore[no-untyped-def]
    return parse_paper(SEED)


@pytest.mark.parametrize("number", range(1, 97))
def test_each_parsed_note_is_the_printed_note_without_extraction_gaps(number):
    assert _parsed().raw_notes[number] == EXPECTED[number]


def test_exactly_the_three_real_spaces_survive_and_the_other_261_are_dropped():
    # when
    paper = _parsed()
    # then
    kept = {
        number: len(BOUNDARY.findall(URL.sub(lambda m: "U" * len(m[0]), note)))
        for number, note in paper.raw_notes.items()
    }
    assert {number: count for number, count in kept.items() if count} == {7: 1, 47: 1, 66: 1}
    assert all(real in paper.raw_notes[number] for number, real in REAL_SPACES.items())
    assert "中東かわら版No.116" in paper.raw_notes[47]  # the space before the issue number is a gap
    assert "JETROウェブサイト「ビジネス短信 トランプ米大統領" in paper.raw_notes[4]  # a real space between kana


def test_every_imported_note_reads_as_printed_in_the_snapshot(briefing):
    # given
    snapshot = artefact_of(release=release_latest(briefing=briefing)).content
    # then: the plain text readers and API clients get, cross-references numbered
    assert {note.number: note.text for note in snapshot.footnotes} == EXPECTED


def test_cross_references_keep_their_key_in_stored_text_and_the_papers_width_when_shown(briefing):
    # given
    snapshot = artefact_of(release=release_latest(briefing=briefing)).content
    notes = {note.number: note for note in snapshot.footnotes}
    # then: stored with the key, shown as printed: one digit full-width, longer ASCII
    assert notes[23].source_text == "前掲脚注[[fn:p4]]参照"
    assert notes[23].text == "前掲脚注４参照" == EXPECTED[23]
    assert notes[90].text == "前掲脚注45参照" == EXPECTED[90]
    assert "（錦田愛子（前掲脚注12参照）33頁）" in notes[13].text
    assert str(note_html(notes[23], snapshot.numbers)) == '前掲脚注<a href="#fn-4" class="xref">４</a>参照'
    assert str(note_html(notes[90], snapshot.numbers)) == '前掲脚注<a href="#fn-45" class="xref">45</a>参照'


@pytest.mark.parametrize(
    ("number", "label"),
    [(1, "１"), (4, "４"), (9, "９"), (10, "10"), (45, "45"), (96, "96"), (100, "100"), (1234, "1234")],
)
def test_cross_reference_numbers_follow_the_width_convention_for_any_number(number, label):
    assert cross_reference_label(number) == label
    assert plain_note_text("前掲脚注[[fn:x]]参照", {"x": number}) == f"前掲脚注{label}参照"


def test_a_renumbered_target_is_shown_in_the_width_of_its_new_number():
    # given: a release in which note p4 has become note 12 and p12 note 9
    numbers = {"p4": 12, "p12": 9}
    # then
    assert plain_note_text("前掲脚注[[fn:p4]]参照、前掲脚注[[fn:p12]]参照", numbers) == "前掲脚注12参照、前掲脚注９参照"
    assert plain_note_text("前掲脚注[[fn:gone]]参照", numbers) == "前掲脚注?参照"
