"""Properties of line joining and marker detection, whatever the line breaks (hypothesis)."""
import datetime as dt
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.importers.paper import parse_paper
from briefings.importers.spacing import join_lines
from tests.conftest import PAPER

SEED = PAPER.read_text(encoding="utf-8")
LINES = SEED.split("\n")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "日本", "の", "年", "月", "か国", "頁", "ウェブサイト", "「", "」", "（", "）", "、", "。",
    "ビジネス短信", "イラン",
    "JETRO", "BRICS", "No.116", "Vol.88", "2024", "12", "7", "1,000", "THE WALL", " ", " ", "\u3000",
    "<https://www.example.org/a/b_c.html>", "<http://x.jp/q/1>",
]


def _split(text: str, cuts: list[int]) -> list[str]:
    """Split ``text`` at the given offsets, never next to whitespace (a PDF line break eats no letter)."""
    allowed = sorted(
        {c for c in cuts if 0 < c < len(text) and not text[c - 1].isspace() and not text[c].isspace()}
    )
    bounds = [0, *allowed, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


@FAST
@given(tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40), cuts=st.lists(st.integers(0, 400)))
def test_joining_never_creates_or_loses_a_non_space_character(tokens, cuts):
    # given
    text = "".join(tokens)
    lines = _split(text, cuts)
    # when
    joined = join_lines(lines, labels={"ビジネス短信"})
    # then
    assert [c for c in joined if not c.isspace()] == [c for c in text if not c.isspace()]


@FAST
@given(tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40), cuts=st.lists(st.integers(0, 400)))
def test_joining_does_not_depend_on_where_the_lines_were_broken(tokens, cuts):
    text = "".join(tokens)
    assert join_lines(_split(text, cuts), labels={"ビジネス短信"}) == join_lines([text], labels={"ビジネス短信"})


# -- markers in a generated one-page paper -------------------------------------------

# Japanese text whose first character is not a counter: a marker glued to 年, 月, 日, 分… is
# read as a quantity (「約86分間」), the one ambiguity the importer resolves that way.
FILLER = st.text(alphabet="本外交政策のとがをはにでも米中露韓朝「」、", min_size=1, max_size=12)
QUANTITY = st.sampled_from(["2024年", "約86分間", "10月", "第217回", "1,000億ドル", "３か国", "15％", "7,000km"])


@st.composite
def marked_paragraph(draw: st.DrawFn) -> tuple[str, str, int]:
    """Return (printed text, expected editing text, number of markers): markers 1..N in order."""
    count = draw(st.integers(1, 15))
    printed: list[str] = []
    expected: list[str] = []
    for number in range(1, count + 1):
        pieces = [draw(FILLER), *draw(st.lists(st.one_of(FILLER, QUANTITY), max_size=3)), draw(FILLER)]
        for piece in pieces:
            printed.append(piece)
            expected.append(piece)
        printed.append(str(number))
        expected.append(f"[^p{number}]")
    tail = draw(FILLER) + "。"
    return "".join(printed) + tail, "".join(expected) + tail, count


@FAST
@given(paragraph=marked_paragraph(), cuts=st.lists(st.integers(0, 600), max_size=40))
def test_markers_1_to_n_are_found_in_order_whatever_the_line_breaks(paragraph, cuts):
    # given: a one-page paper whose paragraph is broken into lines anywhere
    printed, expected, count = paragraph
    body = "\n\n".join(_split(printed, cuts)) + " "
    notes = "\n".join(f"{n} 注{n}の本文。 " for n in range(1, count + 1))
    byline, footer = "（みやざき まさし） ", "立法と調査　2025.2　No.473\n1"
    text = f"１．見出し \n\n \n\n{body}\n\n \n\n{byline}\n\n \n{notes}\n\n\n\n{footer}\n"
    # when
    paper = parse_paper(text, information_as_of=dt.date(2025, 2, 9))
    # then
    chapter = paper.sections[1]
    assert chapter.paragraphs == [expected]
    assert chapter.footnotes == list(range(1, count + 1))


# -- the seed, rewrapped -------------------------------------------------------------

# Runs of body lines of one paragraph on one page: the first chapter's first lines
# (marker 4), the BRICS paragraph (markers 6 to 10, marker 8 pushed to a line start),
# and the paragraph with 「約86分間」 and marker 86.
RUNS = [(16, 20), (50, 56), (1015, 1027)]


@cache
def _seed_paper():  # type: ignore[no-untyped-def]
    return parse_paper(SEED)


def _rewrapped(first: int, last: int, cuts: list[int]) -> str:
    run = [line for line in LINES[first - 1 : last] if line]
    indent = " " if run[0].startswith(" ") else ""
    end = " " if run[-1].endswith(" ") else ""
    text = "".join(line.strip(" ") for line in run)
    lines = _split(text, cuts)
    lines[0] = indent + lines[0]
    lines[-1] += end
    return "\n".join(LINES[: first - 1] + "\n\n".join(lines).split("\n") + LINES[last:])


@FAST
@given(run=st.sampled_from(RUNS), cuts=st.lists(st.integers(0, 300), max_size=30))
def test_the_seed_rewrapped_anywhere_parses_exactly_as_printed(run, cuts):
    # when
    paper = parse_paper(_rewrapped(*run, cuts))
    # then
    seed = _seed_paper()
    assert [(s.key, s.heading, s.paragraphs, s.footnotes) for s in paper.sections] == [
        (s.key, s.heading, s.paragraphs, s.footnotes) for s in seed.sections
    ]
    assert paper.notes == seed.notes
