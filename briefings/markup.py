"""The editing format of a revision body, parsed into claims and footnotes.

Format (see README, "Editing format")::

    A paragraph. Sentences ending in 「。」 are claims[^tariffs].

    Another paragraph.

    [^tariffs]: The note text, may point at another note: 前掲脚注[[fn:p4]]参照

* Paragraphs are separated by a blank line; lines of one paragraph are joined
  without a space (Japanese has none).
* ``[^key]`` is a footnote reference; the footnote is defined in the same body by a
  line ``[^key]: note``. Keys are stable identifiers, never display numbers.
* ``[[fn:key]]`` in a note is a cross-reference to any footnote of the briefing.
* ``[[sec:key]]`` in a paragraph is a reference to a section of the briefing:
  readers read it as the section's number 「４．（１）」 (``plain_claim_text``),
  linked to the section. Not in headings (a section's label is made of its
  heading, so labels would depend on each other) nor in notes.
* ``<https://…>`` is a URL. Any other ``<`` is refused: text is never HTML.

``parse_revision`` is pure and collects every error with its line and column
before raising ``BodyValidationError``, so an editor sees all problems at once.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.errors import ApplicationError

KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_REF = re.compile(rf"\[\^({KEY_PATTERN})\]")
_DEFINITION = re.compile(rf"^\[\^({KEY_PATTERN})\]:\s*(.*)$")
# A definition written almost right (「[^a]：注」, 「[^a] : 注」): one error, read as the definition it means.
_LOOSE_DEFINITION = re.compile(rf"^\[\^({KEY_PATTERN})\]\s*[:：]\s*(.*)$")
_UNCLOSED_REF = re.compile(rf"\[\^({KEY_PATTERN})?")
_CROSS_REF = re.compile(rf"\[\[fn:({KEY_PATTERN})\]\]")
_SECTION_REF = re.compile(rf"\[\[sec:({KEY_PATTERN})\]\]")
_URL = re.compile(r"<https?://[^<>\s]+>")
_OPENERS = "「『（(【〔"
_CLOSERS = "」』）)】〕"


@dataclass(frozen=True)
class BodyError:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"見出し: {self.message}"
        return f"{self.line}行{self.column}列: {self.message}"


class BodyValidationError(ApplicationError):
    """The body (or heading) does not follow the editing format."""

    code = "invalid_body"

    def __init__(self, errors: list[BodyError], *, field_name: str = "body") -> None:
        self.errors = errors
        super().__init__(
            "本文の書式に誤りがあります: " + "; ".join(str(e) for e in errors),
            extra={"errors": {field_name: [str(e) for e in errors]}},
        )


@dataclass(frozen=True)
class ParsedRef:
    key: str
    offset: int
    line: int = 0
    column: int = 1


Locate = Callable[[int], tuple[int, int]]
"""Where an offset of a checked text stands in what the editor typed: (line, column), both from 1."""


def _on_line(line: int, start: int) -> Locate:
    """Locate offsets of a text that begins at column ``start + 1`` of ``line``."""
    return lambda offset: (line, start + offset + 1)


def _across(lines: Sequence[tuple[int, int, str]]) -> Locate:
    """Locate offsets of lines joined without separators; each is (line, start column - 1, text)."""

    def locate(offset: int) -> tuple[int, int]:
        for number, start, text in lines:
            if offset < len(text):
                return number, start + offset + 1
            offset -= len(text)
        number, start, text = lines[-1]
        return number, start + len(text) + offset + 1

    return locate


@dataclass
class ParsedClaim:
    text: str
    refs: list[ParsedRef] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedFootnote:
    key: str
    text: str
    line: int

    @property
    def cross_refs(self) -> list[str]:
        return _CROSS_REF.findall(self.text)


@dataclass
class ParsedRevision:
    heading: ParsedClaim
    paragraphs: list[list[ParsedClaim]]
    footnotes: list[ParsedFootnote]

    @property
    def cross_refs(self) -> set[str]:
        return {key for note in self.footnotes for key in note.cross_refs}

    @property
    def section_refs(self) -> set[str]:
        """Return the keys of the sections the paragraphs refer to with ``[[sec:key]]``."""
        return {key for paragraph in self.paragraphs for claim in paragraph for key in _SECTION_REF.findall(claim.text)}


def parse_revision(*, heading: str, body: str, sections: Collection[str] | None = None) -> ParsedRevision:
    """Parse a heading and an editing-format body; raise ``BodyValidationError``.

    ``[[sec:key]]`` section references stay in the claim text
    (``plain_claim_text`` writes them as readers read them). With ``sections``
    (the keys of the briefing's sections) a reference to any other key is an
    error at its line and column; without, keys are not checked.
    """
    errors: list[BodyError] = []
    attempted: set[str] = set()  # keys of malformed references and definitions: no follow-on errors for them
    lead = len(heading) - len(heading.lstrip())
    heading_claim = _parse_inline(heading.strip(), locate=_on_line(0, lead), errors=errors, attempted=attempted)
    paragraphs: list[list[ParsedClaim]] = []
    footnotes: list[ParsedFootnote] = []
    for block_line, lines in _blocks(body):
        text_lines: list[tuple[int, int, str]] = []
        for offset, raw in enumerate(lines):
            number = block_line + offset
            indent = len(raw) - len(raw.lstrip())
            stripped = raw.strip()
            definition = _DEFINITION.match(stripped)
            if definition is None and (definition := _LOOSE_DEFINITION.match(stripped)):
                errors.append(BodyError(number, indent + 1, (
                    f"脚注 [^{definition[1]}] の定義は行頭に「[^{definition[1]}]: 注記」の形"
                    "（キーの直後に半角のコロン）で書きます"
                )))
            if definition:
                note = definition[2].strip()
                _check_text(note, locate=_on_line(number, indent + definition.start(2)), errors=errors,
                            allow_cross_refs=True, attempted=attempted)
                if not note:
                    errors.append(BodyError(number, indent + 1, f"脚注 [^{definition[1]}] の注記が空です"))
                footnotes.append(ParsedFootnote(definition[1], note, number))
            else:
                text_lines.append((number, indent, stripped))
        if text_lines:
            joined = "".join(text for _number, _indent, text in text_lines)
            locate = _across(text_lines)
            paragraph = _split_claims(_parse_inline(joined, locate=locate, errors=errors, section_refs=True,
                                                    attempted=attempted))
            paragraphs.append(paragraph)
            if sections is not None:
                _check_section_keys(joined, locate, sections, errors)
    _check_keys(heading_claim, paragraphs, footnotes, errors, attempted)
    if errors:
        errors.sort(key=lambda error: (error.line, error.column))
        raise BodyValidationError(errors)
    return ParsedRevision(heading_claim, paragraphs, footnotes)


def _check_section_keys(joined: str, locate: Locate, sections: Collection[str], errors: list[BodyError]) -> None:
    """Report each ``[[sec:key]]`` of a paragraph whose section the briefing does not have, where it stands."""
    for start, _end, key in section_references(joined):
        if key not in sections:
            errors.append(BodyError(*locate(start), f"節への参照 [[sec:{key}]] の節「{key}」はこのブリーフィングにありません"))


def without_marks(text: str) -> str:
    """``text`` without its ``[^key]`` footnote marks (a heading shown as a label)."""
    return _REF.sub("", text)


def cross_references(note: str) -> list[str]:
    """Return the keys a note cross-references with ``[[fn:key]]``."""
    return _CROSS_REF.findall(note)


_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def cross_reference_label(number: int) -> str:
    """Write a note number as the paper writes numbers in its text: 「４」 full-width, 「12」 in ASCII.

    Japanese official style (and the imported paper: 「前掲脚注４参照」, 「前掲脚注12参照」,
    「2025年１月」, 「10月」) sets a one-digit number full-width and longer ones in ASCII.
    """
    digits = str(number)
    return digits.translate(_FULL_WIDTH_DIGITS) if len(digits) == 1 else digits


def section_label(numbers: Iterable[str]) -> str:
    """Return a section's label in a reference: its chapter's number and its own (「４．」, 「４．（１）」)."""
    return "".join(numbers)


def section_display_label(*, chapter: str, number: str, heading: str) -> str:
    """Name a section as readers and editors read it: 「４．（１）ロシア・ウクライナ戦争」.

    ``chapter`` is the parent section's number (「４．」, empty for a chapter),
    ``number`` and ``heading`` the section's own; a section with neither (the
    lead) is 「冒頭」. The one place this label is made: release manifests
    (``releases.selectors.history.section_labels``) and the admin
    (``briefings.selectors.labels``) both call it.
    """
    own = f"{number}{without_marks(heading)}"
    return f"{chapter}{own}" if own else "冒頭"


def section_references(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, key) of each ``[[sec:key]]`` in a claim's text."""
    return [(match.start(), match.end(), match[1]) for match in _SECTION_REF.finditer(text)]


@dataclass(frozen=True)
class ReaderText:
    """A claim as readers read it: section references written as labels, with where each stands."""

    text: str
    offsets: list[int]
    """The footnote reference offsets, moved to ``text``."""
    sections: list[tuple[str, int, int]]
    """(key, offset, length) of each section reference's label in ``text``."""


def plain_claim_text(text: str, offsets: Sequence[int], labels: Mapping[str, str]) -> ReaderText:
    """Return ``text`` with each ``[[sec:key]]`` written as its section's label, and ``offsets`` moved to match.

    The one place claim text becomes what readers read: ``offsets`` are
    footnote reference offsets in ``text``; a key missing from ``labels`` (a
    section not in the release: publishing refuses it, a preview shows it) is
    written 「?」 and not linked.
    """
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (end of a reference in text, change of length so far)
    found: list[tuple[str, int, int]] = []
    position = 0
    length = 0
    change = 0
    for start, end, key in section_references(text):
        label = labels.get(key)
        pieces.append(text[position:start])
        length += start - position
        if label:
            found.append((key, length, len(label)))
        written = label or "?"
        pieces.append(written)
        length += len(written)
        change += len(written) - (end - start)
        shifts.append((end, change))
        position = end
    pieces.append(text[position:])
    moved = [offset + next((c for end, c in reversed(shifts) if end <= offset), 0) for offset in offsets]
    return ReaderText("".join(pieces), moved, found)


def plain_note_text(note: str, numbers: dict[str, int]) -> str:
    """Return a note with each ``[[fn:key]]`` replaced by that footnote's number (``cross_reference_label``)."""
    return _CROSS_REF.sub(lambda m: cross_reference_label(numbers[m[1]]) if m[1] in numbers else "?", note)


def split_note(note: str) -> list[tuple[str, str]]:
    """Split a note into ("text" | "xref" | "url", value) pieces, for rendering."""
    pieces: list[tuple[str, str]] = []
    pattern = re.compile(rf"{_CROSS_REF.pattern}|{_URL.pattern}")
    position = 0
    for match in pattern.finditer(note):
        if match.start() > position:
            pieces.append(("text", note[position : match.start()]))
        if match[1]:
            pieces.append(("xref", match[1]))
        else:
            pieces.append(("url", match[0][1:-1]))
        position = match.end()
    if position < len(note):
        pieces.append(("text", note[position:]))
    return pieces


def _blocks(body: str) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(body.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _parse_inline(
    text: str, *, locate: Locate, errors: list[BodyError], attempted: set[str], section_refs: bool = False
) -> ParsedClaim:
    """Strip ``[^key]`` markers from ``text``, remembering where each stood (in the text, and as typed)."""
    _check_text(text, locate=locate, errors=errors, allow_cross_refs=False, allow_section_refs=section_refs,
                attempted=attempted)
    plain: list[str] = []
    refs: list[ParsedRef] = []
    position = 0
    length = 0
    for match in _REF.finditer(text):
        chunk = text[position : match.start()]
        plain.append(chunk)
        length += len(chunk)
        refs.append(ParsedRef(match[1], length, *locate(match.start())))
        position = match.end()
    plain.append(text[position:])
    return ParsedClaim("".join(plain), refs)


def _split_claims(paragraph: ParsedClaim) -> list[ParsedClaim]:
    """Split a paragraph after each 「。」 outside brackets; markers stay with their sentence."""
    text = paragraph.text
    cuts: list[int] = []
    depth = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif char == "。" and depth == 0:
            cuts.append(index + 1)
    if not cuts or cuts[-1] != len(text):
        cuts.append(len(text))
    claims: list[ParsedClaim] = []
    start = 0
    for cut in cuts:
        if cut <= start:
            continue
        # A marker standing right after 「。」 belongs to the sentence it ends.
        refs = [r for r in paragraph.refs if start <= r.offset <= cut and not (r.offset == start and claims)]
        claims.append(ParsedClaim(text[start:cut], [ParsedRef(r.key, r.offset - start, r.line, r.column)
                                                     for r in refs]))
        start = cut
    return claims or [ParsedClaim("", list(paragraph.refs))]


def _check_text(
    text: str,
    *,
    locate: Locate,
    errors: list[BodyError],
    allow_cross_refs: bool,
    attempted: set[str],
    allow_section_refs: bool = False,
) -> None:
    """Report what the editing format refuses in ``text``: the first of each kind, where it stands."""
    scrubbed = _URL.sub(lambda m: " " * len(m[0]), text)
    scrubbed = _REF.sub(lambda m: " " * len(m[0]), scrubbed)
    if not allow_section_refs and (found := _SECTION_REF.search(scrubbed)):
        where = "見出し" if locate(0)[0] == 0 else "注記"
        message = f"節への参照 [[sec:…]] は本文の段落でのみ使えます（{where}では使えません）"
        errors.append(BodyError(*locate(found.start()), message))
    scrubbed = _SECTION_REF.sub(lambda m: " " * len(m[0]), scrubbed)
    if not allow_cross_refs and (found := _CROSS_REF.search(scrubbed)):
        errors.append(BodyError(*locate(found.start()), "脚注への相互参照 [[fn:…]] は注記の中でのみ使えます"))
    scrubbed = _CROSS_REF.sub(lambda m: " " * len(m[0]), scrubbed)
    attempted.update(match[1] for match in _UNCLOSED_REF.finditer(scrubbed) if match[1])
    for token, message in (
        ("<", "HTMLやタグは使えません（URLは <https://…> の形で書きます）"),
        ("[^", "閉じていない脚注参照です（[^key] の形で書きます）"),
        ("[[", "閉じていない相互参照です（[[fn:key]] の形で書きます）"),
        ("]]", "対応する [[ のない ]] です"),
    ):
        if (index := scrubbed.find(token)) >= 0:
            errors.append(BodyError(*locate(index), message))


def _check_keys(
    heading: ParsedClaim,
    paragraphs: list[list[ParsedClaim]],
    footnotes: list[ParsedFootnote],
    errors: list[BodyError],
    attempted: set[str],
) -> None:
    """Check that each note is defined once and referenced once; keys in ``attempted`` were already reported."""
    defined: dict[str, int] = {}
    for note in footnotes:
        if note.key in defined:
            errors.append(
                BodyError(note.line, 1, f"脚注キー [^{note.key}] が重複しています（{defined[note.key]}行目でも定義）")
            )
        else:
            defined[note.key] = note.line
    referenced: set[str] = set()
    all_claims = [heading, *(claim for paragraph in paragraphs for claim in paragraph)]
    for claim in all_claims:
        for ref in claim.refs:
            if ref.key in referenced:
                errors.append(BodyError(ref.line, ref.column, f"脚注 [^{ref.key}] が複数回参照されています"))
            elif ref.key not in defined and ref.key not in attempted:
                errors.append(BodyError(ref.line, ref.column, f"未定義の脚注 [^{ref.key}] が参照されています"))
            referenced.add(ref.key)
    for note in footnotes:
        if note.key not in referenced and note.key not in attempted:
            errors.append(BodyError(note.line, 1, f"脚注 [^{note.key}] は定義されていますが本文で参照されていません"))
