"""Parse a research paper's PDF-extracted text into sections, bodies and notes.

The input is what ``pdftotext`` makes of a 立法と調査-style paper:

* body lines are separated by empty lines; a line ending in a space ends a
  paragraph; headings are 「１．…」 (chapter) and 「（１）…」 (subsection);
* each page's footnotes follow a line holding a single space; a footnote starts
  with its number and a space (「12 中東各地で…」) and may run on to the next
  page's notes; the next page's body starts with a line indented by a space;
* footnote markers are bare ASCII digits glued to the body text, sometimes
  pushed to the start of the next line; body years are ASCII digits too, so a
  marker is recognized as the next number in sequence, on the same page as its
  note, not followed by a counter such as 年 or 分;
* page furniture (「立法と調査　2025.2　No.473」 and the page number) is dropped;
  URLs broken across lines are rejoined, and the gaps PDF justification puts
  between Japanese and Latin characters in notes are removed.

The result is a ``ParsedPaper`` whose section bodies are in the editing format
(``briefings.markup``): marker N becomes ``[^pN]`` and 「前掲脚注N参照」 becomes
``[[fn:pN]]``. ``PaperFormatError`` names the line the parser could not read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from core.dates import DateParseError, PartialDate, parse_japanese_date
from core.errors import ApplicationError

_FW_DIGITS = "０１２３４５６７８９"
_TO_ASCII = str.maketrans(_FW_DIGITS, "0123456789")
_CHAPTER = re.compile(r"^(?P<num>[０-９]+)．(?P<title>\S.*)$")
_SUBSECTION = re.compile(r"^（(?P<num>[０-９]+)）(?P<title>\S.*)$")
_FURNITURE = re.compile(r"^立法と調査[\s\u3000]+\d{4}\.\d{1,2}[\s\u3000]+No\.\d+$")
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
_BYLINE = re.compile(r"^（(?P<name>[ぁ-ゖー]+(?:[\s\u3000][ぁ-ゖー]+)*)）$")
_CUTOFF = re.compile(r"本稿は(?P<date>.+?)現在の情報に基づき")
_CROSS_REF = re.compile(r"前掲脚注\s*(?P<n>[0-9０-９]+)\s*参照")
_URL = re.compile(r"<https?://[^<>]+>")
# What may follow a number that is a quantity, not a footnote marker.
_UNITS = tuple("年月日人か箇ヵヶカ分万億千百代回号頁時歳%％倍位件名隻機両周期条度発票議席kmｋ.,，．～〜-/:：")
_NOT_BEFORE = tuple("第+-−.,，．/:：")

_CJK = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_GAP_AFTER_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[!-~])")
_GAP_BEFORE_CJK = re.compile(rf"(?<=[!-~]) +(?=[{_CJK}])")


class PaperFormatError(ApplicationError):
    """The text is not in the expected format; ``line`` is 1-based."""

    code = "invalid_paper"

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}行目: {message}", extra={"line": line})
        self.line = line


@dataclass
class PaperSection:
    key: str
    number: str
    heading: str
    parent_key: str | None
    paragraphs: list[str] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    line: int = 0

    def body(self, notes: dict[int, str]) -> str:
        """Return this section's body in the editing format."""
        blocks = list(self.paragraphs)
        if self.footnotes:
            blocks.append("\n".join(f"[^p{n}]: {notes[n]}" for n in self.footnotes))
        return "\n\n".join(blocks)


@dataclass
class ParsedPaper:
    sections: list[PaperSection]
    notes: dict[int, str]
    """Note number → note text in the editing format (cross-refs as ``[[fn:pN]]``)."""
    raw_notes: dict[int, str]
    """Note number → note text as printed (「前掲脚注12参照」 kept)."""
    note_lines: dict[int, int]
    author: str = ""
    publication: str = ""
    information_as_of: PartialDate | None = None


@dataclass
class _Text:
    """Accumulated text with the source line and page of every character."""

    chars: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def add(self, text: str, line: int, page: int) -> None:
        self.chars.extend(text)
        self.lines.extend([line] * len(text))
        self.pages.extend([page] * len(text))

    @property
    def text(self) -> str:
        return "".join(self.chars)


@dataclass
class _Block:
    """A heading or paragraph of the body, before markers are resolved."""

    kind: str  # "heading" | "paragraph"
    section: PaperSection
    content: _Text


def parse_paper(text: str) -> ParsedPaper:
    """Parse the extracted text of a paper; raise ``PaperFormatError`` on what it cannot read."""
    reader = _Reader(text)
    reader.read()
    return reader.result()


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").split("\n")
        self.mode = "body"
        self.page = 0
        self.blocks: list[_Block] = []
        self.open_paragraph: _Block | None = None
        self.notes: dict[int, _Text] = {}
        self.note_pages: dict[int, int] = {}
        self.note_lines: dict[int, int] = {}
        self.current_note: int | None = None
        self.note_closed = True
        self.sections: list[PaperSection] = [PaperSection("lead", "", "", None, line=1)]
        self.chapter = 0
        self.subsection = 0
        self.author = ""
        self.publication = ""

    # -- line classification ------------------------------------------------

    def read(self) -> None:
        skip_page_number = False
        for index, raw in enumerate(self.lines):
            number = index + 1
            line = raw.rstrip("\n")
            if skip_page_number and _PAGE_NUMBER.match(line.strip()):
                skip_page_number = False
                continue
            skip_page_number = False
            if _FURNITURE.match(line.strip()):
                self.publication = re.sub(r"[\s\u3000]+", "　", line.strip())
                skip_page_number = True
                continue
            if line == "":
                continue
            if line.strip() == "":
                self._separator(index)
                continue
            if self.mode == "notes":
                if line.startswith((" ", "\u3000")):
                    self._enter_body()
                    self._body_line(line, number)
                else:
                    self._note_line(line, number)
            else:
                self._body_line(line, number)
        if self.current_note is None:
            raise PaperFormatError(len(self.lines), "脚注が一つも見つかりません")

    def _next_text_line(self, index: int) -> str | None:
        for raw in self.lines[index + 1 :]:
            if raw.strip() and not _FURNITURE.match(raw.strip()) and not _PAGE_NUMBER.match(raw.strip()):
                return raw
        return None

    def _separator(self, index: int) -> None:
        """A line holding one space: notes start here, or a paragraph/heading break."""
        following = self._next_text_line(index)
        if following is None:
            return
        starts_note = re.match(rf"^{self._expected_note()} ", following) is not None
        continues_note = (
            not self.note_closed
            and not following.startswith((" ", "\u3000"))
            and self._notes_block_follows(index)
        )
        if starts_note or continues_note:
            if self.mode == "body":
                self.mode = "notes"
        elif self.mode == "notes":
            # The next page's body: a paragraph cut by the page break goes on.
            self._enter_body()
        else:
            self._close_paragraph()

    def _notes_block_follows(self, index: int) -> bool:
        """Tell whether the lines after separator ``index`` are a page's notes.

        A continued note is followed by the next note's first line (or the end
        of the text) before any other separator or indented line.
        """
        start = re.compile(rf"^{self._expected_note()} ")
        for raw in self.lines[index + 1 :]:
            if not raw:
                continue
            if start.match(raw) or _FURNITURE.match(raw.strip()):
                return True
            if raw.strip() == "" or raw.startswith((" ", "\u3000")):
                return False
        return True

    def _enter_body(self) -> None:
        if self.mode == "notes":
            self.mode = "body"
            self.page += 1

    def _expected_note(self) -> int:
        return (self.current_note or 0) + 1

    def _note_line(self, line: int | str, number: int) -> None:
        assert isinstance(line, str)
        expected = self._expected_note()
        if match := re.match(rf"^{expected} (?P<rest>.*)$", line):
            self.current_note = expected
            self.notes[expected] = _Text()
            self.note_pages[expected] = self.page
            self.note_lines[expected] = number
            content = match["rest"]
        elif self.current_note is None:
            raise PaperFormatError(number, f"脚注{expected}が始まるはずの位置に「{line[:20]}」があります")
        else:
            content = line
        self.notes[self.current_note].add(content.rstrip(" "), number, self.page)
        self.note_closed = line.endswith(" ")

    def _body_line(self, line: str, number: int) -> None:
        stripped = line.strip(" \u3000")
        ends_paragraph = line.endswith((" ", "\u3000"))
        if self.open_paragraph is None:
            if byline := _BYLINE.match(stripped):
                self.author = byline["name"]
                return
            if self._heading(stripped, number):
                return
            section = self.sections[-1]
            self.open_paragraph = _Block("paragraph", section, _Text())
            self.blocks.append(self.open_paragraph)
        self.open_paragraph.content.add(stripped, number, self.page)
        if ends_paragraph:
            self._close_paragraph()

    def _close_paragraph(self) -> None:
        self.open_paragraph = None

    def _heading(self, text: str, number: int) -> bool:
        if (match := _CHAPTER.match(text)) and int(match["num"].translate(_TO_ASCII)) == self.chapter + 1:
            self.chapter += 1
            self.subsection = 0
            section = PaperSection(f"ch{self.chapter}", f"{match['num']}．", "", None, line=number)
        elif (
            self.chapter
            and (match := _SUBSECTION.match(text))
            and int(match["num"].translate(_TO_ASCII)) == self.subsection + 1
        ):
            self.subsection += 1
            section = PaperSection(
                f"ch{self.chapter}-{self.subsection}", f"（{match['num']}）", "", f"ch{self.chapter}", line=number
            )
        else:
            return False
        self.sections.append(section)
        block = _Block("heading", section, _Text())
        block.content.add(match["title"].strip(), number, self.page)
        self.blocks.append(block)
        return True

    # -- markers and assembly ---------------------------------------------------

    def result(self) -> ParsedPaper:
        raw_notes = {n: _clean_note(t.text) for n, t in self.notes.items()}
        total = max(raw_notes)
        if sorted(raw_notes) != list(range(1, total + 1)):
            raise PaperFormatError(len(self.lines), "脚注番号が連続していません")
        texts = self._place_markers(total)
        for block, text in zip(self.blocks, texts, strict=True):
            if block.kind == "heading":
                block.section.heading = text
            else:
                block.section.paragraphs.append(text)
        for n in range(1, total + 1):
            owner = self._owner_of_marker(n)
            owner.footnotes.append(n)
        notes = {n: _CROSS_REF.sub(lambda m: f"前掲脚注[[fn:p{int(m['n'].translate(_TO_ASCII))}]]参照", t)
                 for n, t in raw_notes.items()}
        cutoff = None
        for note in raw_notes.values():
            if found := _CUTOFF.search(note):
                try:
                    cutoff = parse_japanese_date(found["date"])
                except DateParseError as exc:
                    raise PaperFormatError(self.note_lines[3], str(exc)) from exc
                break
        return ParsedPaper(
            sections=self.sections,
            notes=notes,
            raw_notes=raw_notes,
            note_lines=self.note_lines,
            author=self.author,
            publication=self.publication,
            information_as_of=cutoff,
        )

    def _place_markers(self, total: int) -> list[str]:
        """Find markers 1..total in body order; return each block's text with ``[^pN]``."""
        self.marker_blocks: dict[int, _Block] = {}
        expected = 1
        out: list[str] = []
        for block in self.blocks:
            content = block.content
            text = content.text
            pieces: list[str] = []
            position = 0
            while expected <= total:
                found = _find_marker(text, position, expected, content.pages, self.note_pages[expected])
                if found is None:
                    break
                pieces.append(text[position:found])
                pieces.append(f"[^p{expected}]")
                self.marker_blocks[expected] = block
                position = found + len(str(expected))
                expected += 1
            pieces.append(text[position:])
            out.append("".join(pieces))
        if expected <= total:
            raise PaperFormatError(
                self.note_lines[expected],
                f"脚注{expected}の参照記号が本文中に見つかりません（同じ頁の本文に数字{expected}がありません）",
            )
        return out

    def _owner_of_marker(self, n: int) -> PaperSection:
        return self.marker_blocks[n].section


def _find_marker(text: str, start: int, number: int, pages: list[int], note_page: int) -> int | None:
    """Return the index of marker ``number`` in ``text`` at or after ``start``."""
    digits = str(number)
    for match in re.finditer(r"[0-9]+", text[start:]):
        index = start + match.start()
        if match.group(0) != digits or pages[index] != note_page:
            continue
        before = text[index - 1] if index else ""
        after = text[index + len(digits)] if index + len(digits) < len(text) else ""
        if before in _NOT_BEFORE or (after and after in _UNITS):
            continue
        return index
    return None


def _clean_note(text: str) -> str:
    """Remove justification gaps between Japanese and Latin characters, outside URLs."""
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        pieces.append(_close_gaps(text[position : match.start()]))
        pieces.append(match.group(0).replace(" ", ""))
        position = match.end()
    pieces.append(_close_gaps(text[position:]))
    return "".join(pieces).strip()


def _close_gaps(text: str) -> str:
    text = _GAP_AFTER_CJK.sub("", text)
    return _GAP_BEFORE_CJK.sub("", text)
