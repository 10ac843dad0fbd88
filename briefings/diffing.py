"""Character-level differences between two versions of a section, readable for Japanese.

Japanese has no spaces between words, so word diffs degrade into whole-clause
replacements; this module diffs characters. Blocks (heading, paragraphs,
footnotes) are aligned first, then each changed pair is diffed character by
character and lightly cleaned up: a one- or two-character run left equal
between two larger edits is folded into them, so 「二〇二四年」→「二〇二五年の」
reads as one edit, while a two-character edit inside a sentence stays two
characters.

Pure functions over plain data: the admin review page and the reader
"changes" page build ``Comparable`` values from what they show and render the
``BlockDiff`` list.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from briefings.markup import ParsedClaim, parse_revision, plain_claim_text

Op = Literal["equal", "insert", "delete"]
Status = Literal["added", "removed", "changed", "unchanged"]

# An equal run this short between two edits is folded into them.
FOLD_EQUAL_AT_MOST = 2


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class Block:
    """One comparable unit: ``kind`` is "heading", "paragraph" or "footnote"."""

    kind: str
    label: str
    text: str
    key: str = ""  # footnotes align by key; paragraphs by position and content


@dataclass(frozen=True)
class Comparable:
    heading: Block | None
    paragraphs: Sequence[Block]
    footnotes: Sequence[Block]


@dataclass(frozen=True)
class BlockDiff:
    kind: str
    label: str
    status: Status
    segments: tuple[Segment, ...]

    @property
    def inserted(self) -> int:
        return sum(len(s.text) for s in self.segments if s.op == "insert")

    @property
    def deleted(self) -> int:
        return sum(len(s.text) for s in self.segments if s.op == "delete")


@dataclass(frozen=True)
class SectionDiff:
    blocks: tuple[BlockDiff, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> tuple[BlockDiff, ...]:
        return tuple(b for b in self.blocks if b.status != "unchanged")

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """Return the character-level edit from ``old`` to ``new`` as segments."""
    if old == new:
        return (Segment("equal", old),) if old else ()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(Segment("equal", old[i1:i2]))
        if tag in ("delete", "replace"):
            raw.append(Segment("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            raw.append(Segment("insert", new[j1:j2]))
    return _fold_short_equals(raw)


def diff_comparables(old: Comparable | None, new: Comparable | None) -> SectionDiff:
    """Align the blocks of two versions and diff each pair; either side may be missing."""
    empty = Comparable(None, (), ())
    old, new = old or empty, new or empty
    blocks: list[BlockDiff] = []
    blocks.extend(_pair_diffs([old.heading] if old.heading else [], [new.heading] if new.heading else []))
    blocks.extend(_aligned(old.paragraphs, new.paragraphs))
    blocks.extend(_by_key(old.footnotes, new.footnotes))
    return SectionDiff(tuple(blocks))


def comparable_from_body(*, number: str, heading: str, body: str, labels: Mapping[str, str]) -> Comparable:
    """Comparable of a revision in the editing format (``[^key]`` marks kept), for reviewers.

    A section reference ``[[sec:key]]`` reads as readers will read it, the
    section's number from ``labels`` (「４．（１）」).
    """
    parsed = parse_revision(heading=heading, body=body)
    heading_text = " ".join(part for part in (number.strip(), _with_marks(parsed.heading, labels)) if part)
    paragraphs = [
        Block("paragraph", f"第{index}段落", "".join(_with_marks(claim, labels) for claim in paragraph))
        for index, paragraph in enumerate(parsed.paragraphs, 1)
    ]
    footnotes = [Block("footnote", f"脚注 [^{note.key}]", note.text, key=note.key) for note in parsed.footnotes]
    return Comparable(Block("heading", "見出し", heading_text), paragraphs, footnotes)


def _with_marks(claim: ParsedClaim, labels: Mapping[str, str]) -> str:
    read = plain_claim_text(claim.text, [ref.offset for ref in claim.refs], labels)
    marks = [(offset, f"[^{ref.key}]") for offset, ref in zip(read.offsets, claim.refs, strict=True)]
    return with_marks(read.text, marks)


def with_marks(text: str, marks: Iterable[tuple[int, str]]) -> str:
    """``text`` with each mark inserted at its character offset (stable for equal offsets)."""
    parts: list[str] = []
    position = 0
    for offset, mark in sorted(marks, key=lambda item: item[0]):
        parts.append(text[position:offset])
        parts.append(mark)
        position = offset
    parts.append(text[position:])
    return "".join(parts)


def _aligned(old: Sequence[Block], new: Sequence[Block]) -> Iterable[BlockDiff]:
    """Align paragraphs by content; a replaced run pairs up in order, extras are added/removed."""
    matcher = SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for block in new[j1:j2]:
                yield BlockDiff(block.kind, block.label, "unchanged", (Segment("equal", block.text),))
        else:
            yield from _pair_diffs(old[i1:i2], new[j1:j2])


def _by_key(old: Sequence[Block], new: Sequence[Block]) -> Iterable[BlockDiff]:
    before = {block.key: block for block in old}
    seen: set[str] = set()
    for block in new:
        seen.add(block.key)
        previous = before.get(block.key)
        if previous is None:
            yield BlockDiff(block.kind, block.label, "added", (Segment("insert", block.text),))
        elif previous.text == block.text:
            yield BlockDiff(block.kind, block.label, "unchanged", (Segment("equal", block.text),))
        else:
            yield BlockDiff(block.kind, block.label, "changed", diff_text(previous.text, block.text))
    for block in old:
        if block.key not in seen:
            yield BlockDiff(block.kind, block.label, "removed", (Segment("delete", block.text),))


def _pair_diffs(old: Sequence[Block], new: Sequence[Block]) -> Iterable[BlockDiff]:
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is None and after is not None:
            yield BlockDiff(after.kind, after.label, "added", (Segment("insert", after.text),))
        elif after is None and before is not None:
            yield BlockDiff(before.kind, before.label, "removed", (Segment("delete", before.text),))
        elif before is not None and after is not None:
            status: Status = "unchanged" if before.text == after.text else "changed"
            yield BlockDiff(after.kind, after.label, status, diff_text(before.text, after.text))


def _fold_short_equals(segments: list[Segment]) -> tuple[Segment, ...]:
    """Fold short equal runs sandwiched between edits into them, then merge neighbours."""
    folded: list[Segment] = []
    index = 0
    while index < len(segments):
        segment = segments[index]
        if (
            segment.op == "equal"
            and 0 < index < len(segments) - 1
            and len(segment.text) <= FOLD_EQUAL_AT_MOST
            and _edit_size(segments, index, -1) > len(segment.text)
            and _edit_size(segments, index, +1) > len(segment.text)
        ):
            folded.append(Segment("delete", segment.text))
            folded.append(Segment("insert", segment.text))
        else:
            folded.append(segment)
        index += 1
    return _merge(folded)


def _edit_size(segments: list[Segment], index: int, step: int) -> int:
    size = 0
    index += step
    while 0 <= index < len(segments) and segments[index].op != "equal":
        size = max(size, len(segments[index].text))
        index += step
    return size


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Group each run of edits as one deletion then one insertion; join equal neighbours."""
    merged: list[Segment] = []
    pending = {"delete": "", "insert": ""}

    def flush() -> None:
        for op in ("delete", "insert"):
            if pending[op]:
                merged.append(Segment(op, pending[op]))  # type: ignore[arg-type]
                pending[op] = ""

    for segment in segments:
        if not segment.text:
            continue
        if segment.op == "equal":
            flush()
            if merged and merged[-1].op == "equal":
                merged[-1] = Segment("equal", merged[-1].text + segment.text)
            else:
                merged.append(segment)
        else:
            pending[segment.op] += segment.text
    flush()
    return tuple(merged)
