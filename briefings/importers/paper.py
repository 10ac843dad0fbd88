"""Parse a research paper's PDF-extracted text into sections, bodies and notes.

The input is what ``pdftotext`` makes of a 立法と調査-style paper (docs/importer.md).
Nothing here is specific to one paper: no note, page or issue number is known
in advance; everything is read from the layout.

* Lines of text are separated by one empty line. A body line ending in a space
  ends its paragraph; 「１．…」 and 「（１）…」 standing alone are chapter and
  subsection headings, numbered in sequence.
* Each page's notes follow a line holding a single space. A note starts with
  its number and a space (「12 中東各地で…」), ends with a line ending in a
  space, and may run on to the next page's notes. The next page's body starts
  with a line indented by a space.
* Page furniture (the running footer: publication and page number) stands
  after two or more empty lines, where no text line ever stands, and holds a
  page number. Every footer must name the same publication, with increasing
  page numbers.
* The body ends with the author's byline, the name in kana in parentheses
  (「（やまだ たろう）」); only notes follow it. A file cut short lacks it, or
  ends inside a note, or leaves a marker without its note: all refused.
* Footnote markers are bare ASCII digits glued to the body text, sometimes
  pushed to the start of the next line. Body years are ASCII digits too, so
  marker N is the next candidate in reading order on the same page as note N,
  not followed by a counter such as 年 or 分 (``markers.locate_markers``).
* Lines are joined without a separator (Japanese has none). PDF typesetting
  puts a gap between Japanese and Latin characters, which extraction turns
  into a space: those are dropped, unless the paper shows the space is real
  (``spacing.gap_positions``). URLs broken across lines are rejoined.
* The information cutoff is the date before 「現在の情報に基づき」, wherever
  it stands; without it the caller must supply one.

The result is a ``ParsedPaper`` whose section bodies are in the editing format
(``briefings.markup``): marker N becomes ``[^pN]`` and 「前掲脚注N参照」 becomes
``[[fn:pN]]``. Every refusal is a ``PaperFormatError`` naming the line.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

from briefings.importers.markers import MarkerError, locate_markers
from briefings.importers.spacing import gap_positions, spacing_labels
from briefings.markup import section_label
from core.dates import DateParseError, DatePrecision, PartialDate, format_date_ja, parse_japanese_date
from core.errors import ApplicationError

_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
_CHAPTER = re.compile(r"^(?P<num>[０-９]+)．(?P<title>\S.*)$")
_SUBSECTION = re.compile(r"^（(?P<num>[０-９]+)）(?P<title>\S.*)$")
_LONGEST_FOOTER = 80  # characters: a running footer is one short line and a page number
_PAGE_NUMBER = re.compile(r"^[-－‐—–\s]*[0-9０-９]{1,4}[-－‐—–\s]*$")
_NOTE_START = re.compile(r"^(?P<n>[0-9]+) (?P<rest>.*)$")
# A line that can only be the start of a note: a short number, a space, text.
# (Body text has no spaces; the 4-digit years of a note's continuation lines
# such as 「2027 年度より…」 do not match.)
_NOTE_START_SHAPE = re.compile(r"^(?P<n>[0-9]{1,3}) \S")
_BYLINE = re.compile(r"^（(?P<name>[ぁ-ゖー]+(?:[\s\u3000][ぁ-ゖー]+)*)）$")
# 「本稿は2025年２月９日現在の情報に基づき執筆している」 (also 基づく, 基づいて).
_CUTOFF_PHRASE = "現在の情報に基づ"
_DATE_CHARACTERS = frozenset("0123456789０１２３４５６７８９年月日元.．/令和平成昭")
_ISSUE_DATE = re.compile(r"(?<![0-9.])[0-9]{4}\.[0-9]{1,2}(?![0-9])")
_CROSS_REF = re.compile(r"前掲脚注\s*(?P<n>[0-9０-９]+)\s*参照")
_SECTION_REF_TEXT = re.compile(r"（(?P<label>[０-９]+．(?:（[０-９]+）)?)参照）")
_PARAGRAPH_END = (" ", "\u3000")
# Decomposed characters (カ + U+3099) are composed; nothing else is touched
# (full NFC would also rewrite CJK compatibility ideographs the paper printed).
_COMBINING_RUN = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f]+", re.S)


class PaperFormatError(ApplicationError):
    """The text is not in the expected format; ``line`` is 1-based, None for the whole file."""

    code = "invalid_paper"

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(f"{line}行目: {message}" if line else message, extra={"line": line})
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
    """Note number → note text as printed (「前掲脚注４参照」 kept), extraction gaps dropped."""
    note_lines: dict[int, int]
    author: str = ""
    publication: str = ""
    information_as_of: PartialDate | None = None
    cutoff_line: int | None = None
    """The line stating the cutoff, None when the caller supplied it."""


# -- decoding and characters ---------------------------------------------------


def decode_paper(data: bytes) -> str:
    """Decode a paper file as UTF-8 (a BOM is allowed); name the line of the first undecodable byte."""
    if not data.strip():
        raise PaperFormatError(1, "ファイルが空です。")
    if data.startswith(b"%PDF-"):
        raise PaperFormatError(1, "PDF ファイルです。pdftotext でテキストにしたもの（UTF-8）を指定してください。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PaperFormatError(1, "UTF-16 のファイルです。UTF-8 で保存し直してください。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PaperFormatError(
            line,
            f"{column}バイト目に UTF-8 として読めないバイト 0x{data[exc.start]:02X} があります"
            "（Shift_JIS など別の文字コードのファイルか、テキストではないファイルです）。UTF-8 で保存してください。",
        ) from exc


def split_lines(text: str) -> list[str]:
    """Return the lines of ``text`` with any line ends (LF, CRLF, CR), form feeds and a BOM removed."""
    text = _COMBINING_RUN.sub(lambda m: unicodedata.normalize("NFC", m[0]), text.removeprefix("\ufeff"))
    return re.split(r"\r\n|\r|\n", text.replace("\f", ""))


def _check_characters(lines: Sequence[str]) -> None:
    if not any(line.strip() for line in lines):
        raise PaperFormatError(1, "ファイルが空です。")
    for number, line in enumerate(lines, 1):
        for column, char in enumerate(line, 1):
            if char == "\ufffd":
                raise PaperFormatError(
                    number, f"{column}文字目に置換文字（U+FFFD）があります: 文字化けしたファイルです。"
                )
            if unicodedata.category(char) == "Cc" or char == "\ufeff":
                raise PaperFormatError(
                    number,
                    f"{column}文字目に制御文字 U+{ord(char):04X} があります"
                    "（テキストではないファイルか、壊れたファイルです）。",
                )
    if not any(line.strip() and line.endswith(_PARAGRAPH_END) for line in lines):
        raise PaperFormatError(
            None,
            "行末の空白が一行もありません。段落と脚注の終わりは行末の空白で表されるため、"
            "行末の空白を削ったファイルは読めません（pdftotext の出力をそのまま渡してください）。",
        )


# -- the reader ----------------------------------------------------------------


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

    def without(self, positions: Collection[int]) -> _Text:
        drop = set(positions)
        kept = [index for index in range(len(self.chars)) if index not in drop]
        return _Text([self.chars[i] for i in kept], [self.lines[i] for i in kept], [self.pages[i] for i in kept])

    def line_at(self, index: int) -> int:
        return self.lines[min(index, len(self.lines) - 1)] if self.lines else 0


@dataclass
class _Block:
    """A heading or paragraph of the body, before markers are resolved."""

    kind: str  # "heading" | "paragraph"
    section: PaperSection
    content: _Text


@dataclass(frozen=True)
class _Footer:
    line: int
    publication: str
    page_number: int


def parse_paper(
    text: str, *, information_as_of: dt.date | None = None, link_sections: bool = False
) -> ParsedPaper:
    """Parse the extracted text of a paper; raise ``PaperFormatError`` naming the line at fault.

    ``information_as_of`` is the cutoff to use when the paper states none; when
    it does, the two must agree. ``link_sections`` writes a reference to a
    section in the body, 「（４．（１）参照）」, as 「（[[sec:ch4-1]]参照）」 (the
    editing format's section reference; ``briefing_import_paper`` asks for it)
    and refuses a reference to a section the paper does not have.
    """
    lines = split_lines(text)
    _check_characters(lines)
    furniture, footers = _page_furniture(lines)
    reader = _Reader(lines, furniture)
    reader.read()
    if not footers:
        raise PaperFormatError(
            None, "頁の柱（掲載誌名・号と頁番号の行）が見つかりません。掲載誌が分からないため取り込めません。"
        )
    return reader.result(footers, information_as_of, link_sections=link_sections)


def _page_furniture(lines: Sequence[str]) -> tuple[set[int], list[_Footer]]:
    """Find the running footers: line groups after two or more empty lines that hold a page number.

    Inside a page, lines are separated by at most one empty line, so a longer
    run marks a page end. Every footer must name the same publication, and
    page numbers must increase.
    """
    furniture: set[int] = set()
    footers: list[_Footer] = []
    index = 2
    while index < len(lines):
        if lines[index] and lines[index - 1] == "" and lines[index - 2] == "":
            end = index
            while end < len(lines) and lines[end]:
                end += 1
            group = lines[index:end]
            numbers = [line for line in group if _PAGE_NUMBER.match(line)]
            if (
                len(numbers) == 1
                and len(group) <= 3
                and sum(map(len, group)) <= _LONGEST_FOOTER
                and all(line == line.strip() for line in group)
                and (publication := "　".join(line for line in group if line not in numbers))
            ):
                footer = _Footer(index + 1, publication, int(re.sub(r"\D", "", numbers[0].translate(_TO_ASCII))))
                if footers and footer.publication != footers[0].publication:
                    raise PaperFormatError(
                        footer.line,
                        f"頁の柱「{footer.publication}」が{footers[0].line}行目の「{footers[0].publication}」と異なります"
                        "（別の号の頁が混じっていませんか）。",
                    )
                if footers and footer.page_number <= footers[-1].page_number:
                    raise PaperFormatError(
                        footer.line,
                        f"頁番号 {footer.page_number} が前の頁番号 {footers[-1].page_number}（{footers[-1].line}行目）"
                        "より大きくありません（頁の順序が乱れていませんか）。",
                    )
                footers.append(footer)
                furniture.update(range(index, end))
            index = end
        index += 1
    return furniture, footers


class _Reader:
    def __init__(self, lines: list[str], furniture: set[int]) -> None:
        self.lines = lines
        self.furniture = furniture
        self.mode = "body"
        self.page = 0
        self.blocks: list[_Block] = []
        self.open_paragraph: _Block | None = None
        self.notes: dict[int, _Text] = {}
        self.note_pages: dict[int, int] = {}
        self.note_lines: dict[int, int] = {}
        self.current_note: int | None = None
        self.note_closed = True
        self.last_note_line = 0
        self.sections: list[PaperSection] = [PaperSection("lead", "", "", None, line=1)]
        self.chapter = 0
        self.subsection = 0
        self.author = ""
        self.byline_line = 0

    # -- line classification ------------------------------------------------

    def read(self) -> None:
        for index, line in enumerate(self.lines):
            number = index + 1
            if index in self.furniture or line == "":
                continue
            if line.strip() == "":
                self._separator(index)
                continue
            if self.mode == "notes":
                if line.startswith(_PARAGRAPH_END):
                    self._enter_body()
                    self._body_line(line, number)
                else:
                    self._note_line(line, number)
            else:
                self._body_line(line, number)
        self._check_end()

    def _check_end(self) -> None:
        last = max((number for number, line in enumerate(self.lines, 1) if line.strip()), default=1)
        if self.current_note is None:
            raise PaperFormatError(last, "脚注が一つも見つかりません。")
        if not self.note_closed:
            raise PaperFormatError(
                self.last_note_line,
                f"ファイルが脚注{self.current_note}の途中で終わっています（注の最後の行は空白で終わります）。"
                "ファイルが途中で切れていないか確認してください。",
            )
        if not self.chapter:
            raise PaperFormatError(None, "章見出し「１．…」が見つかりません。")
        if not self.byline_line:
            raise PaperFormatError(
                last,
                "本文の末尾にある著者名の行（かな書きの氏名を括弧で囲んだ行。例「（やまだ たろう）」）がありません。"
                "ファイルが途中で切れていないか確認してください。",
            )

    def _text_lines_after(self, index: int) -> Iterator[tuple[int, str]]:
        for following in range(index + 1, len(self.lines)):
            if following not in self.furniture and self.lines[following]:
                yield following, self.lines[following]

    def _separator(self, index: int) -> None:
        """A line holding one space: notes start here, or a paragraph/heading break."""
        position, following = next(((i, line) for i, line in self._text_lines_after(index) if line.strip()), (0, None))
        if following is None:
            return
        expected = self._expected_note()
        shape = _NOTE_START_SHAPE.match(following)
        if shape and self.note_closed and int(shape["n"]) != expected:
            raise PaperFormatError(position + 1, self._wrong_note_message(expected, int(shape["n"])))
        starts_note = shape is not None and self.note_closed
        continues_note = (
            not self.note_closed and not following.startswith(_PARAGRAPH_END) and self._notes_block_follows(index)
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
        for _following, raw in self._text_lines_after(index):
            if _NOTE_START_SHAPE.match(raw):
                return True
            if raw.strip() == "" or raw.startswith(_PARAGRAPH_END):
                return False
        return True

    def _wrong_note_message(self, expected: int, found: int) -> str:
        return (
            f"脚注{expected}が始まるべき位置に脚注{found}があります"
            "（脚注の欠落・重複・順序の乱れ、または頁の入れ替わりです）。"
        )

    def _enter_body(self) -> None:
        if self.mode == "notes":
            self.mode = "body"
            self.page += 1

    def _expected_note(self) -> int:
        return (self.current_note or 0) + 1

    def _note_line(self, line: str, number: int) -> None:
        expected = self._expected_note()
        if self.note_closed:
            match = _NOTE_START.match(line)
            if match is None:
                raise PaperFormatError(
                    number, f"脚注{expected}が始まるべき位置（「{expected} 」で始まる行）に「{line[:20]}」があります。"
                )
            if int(match["n"]) != expected:
                raise PaperFormatError(number, self._wrong_note_message(expected, int(match["n"])))
            if not match["rest"].strip():
                raise PaperFormatError(number, f"脚注{expected}の本文が空です。")
            self.current_note = expected
            self.notes[expected] = _Text()
            self.note_pages[expected] = self.page
            self.note_lines[expected] = number
            content = match["rest"]
        else:
            content = line
        assert self.current_note is not None
        self.notes[self.current_note].add(content.strip(" \u3000"), number, self.page)
        self.note_closed = line.endswith(_PARAGRAPH_END)
        self.last_note_line = number

    def _body_line(self, line: str, number: int) -> None:
        stripped = line.strip(" \u3000")
        ends_paragraph = line.endswith(_PARAGRAPH_END)
        if self.open_paragraph is None:
            if byline := _BYLINE.match(stripped):
                if self.byline_line:
                    raise PaperFormatError(number, f"著者名の行が二つあります（{self.byline_line}行目にもあります）。")
                self.author = byline["name"]
                self.byline_line = number
                return
            if self.byline_line:
                raise PaperFormatError(
                    number, f"著者名の行（{self.byline_line}行目）の後に本文があります（頁の順序が乱れていませんか）。"
                )
            if self._heading(stripped, number, one_line=ends_paragraph):
                return
            section = self.sections[-1]
            self.open_paragraph = _Block("paragraph", section, _Text())
            self.blocks.append(self.open_paragraph)
        self.open_paragraph.content.add(stripped, number, self.page)
        if ends_paragraph:
            self._close_paragraph()

    def _close_paragraph(self) -> None:
        self.open_paragraph = None

    def _heading(self, text: str, number: int, *, one_line: bool) -> bool:
        """Start a section at a heading in sequence; refuse a lone heading out of sequence."""
        if match := _CHAPTER.match(text):
            found = int(match["num"].translate(_TO_ASCII))
            if found != self.chapter + 1:
                if one_line:
                    raise PaperFormatError(
                        number,
                        f"章見出し「{text}」の番号が順序どおりではありません"
                        f"（{self.chapter + 1}章があるべき位置です）。",
                    )
                return False
            self.chapter += 1
            self.subsection = 0
            section = PaperSection(f"ch{self.chapter}", f"{match['num']}．", "", None, line=number)
        elif self.chapter and (match := _SUBSECTION.match(text)):
            found = int(match["num"].translate(_TO_ASCII))
            if found != self.subsection + 1:
                if one_line:
                    raise PaperFormatError(
                        number,
                        f"節見出し「{text}」の番号が順序どおりではありません"
                        f"（{self.chapter}章の（{self.subsection + 1}）があるべき位置です）。",
                    )
                return False
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
        if not one_line:  # a heading wrapped over lines goes on until a line ends with a space
            self.open_paragraph = block
        return True

    # -- assembly -------------------------------------------------------------

    def result(
        self, footers: list[_Footer], information_as_of: dt.date | None, *, link_sections: bool = False
    ) -> ParsedPaper:
        labels = spacing_labels([t.text for t in self.notes.values()] + [b.content.text for b in self.blocks])
        notes = {n: t.without(gap_positions(t.text, labels)) for n, t in self.notes.items()}
        for block in self.blocks:
            block.content = block.content.without(gap_positions(block.content.text, labels))
        total = len(notes)
        texts = self._place_markers(total)
        keys = self._section_keys()
        for block, text in zip(self.blocks, texts, strict=True):
            if block.kind == "heading":
                block.section.heading = text
            else:
                block.section.paragraphs.append(self._link_sections(block, text, keys) if link_sections else text)
        raw_notes = {n: t.text for n, t in notes.items()}
        edited: dict[int, str] = {}
        for n, note in raw_notes.items():
            for ref in _CROSS_REF.finditer(note):
                if not 1 <= int(ref["n"].translate(_TO_ASCII)) <= total:
                    raise PaperFormatError(
                        notes[n].line_at(ref.start()),
                        f"脚注{n}が参照する脚注{ref['n']}がありません（脚注は1～{total}）。",
                    )
            edited[n] = _CROSS_REF.sub(lambda m: f"前掲脚注[[fn:p{int(m['n'].translate(_TO_ASCII))}]]参照", note)
        cutoff, cutoff_line = self._cutoff([*notes.values(), *(b.content for b in self.blocks)], information_as_of)
        _check_issue_date(footers[0], cutoff)
        return ParsedPaper(
            sections=self.sections,
            notes=edited,
            raw_notes=raw_notes,
            note_lines=self.note_lines,
            author=self.author,
            publication=footers[0].publication,
            information_as_of=cutoff,
            cutoff_line=cutoff_line,
        )

    def _section_keys(self) -> dict[str, str]:
        """Return section label (「４．（１）」) → section key."""
        numbers = {section.key: section.number for section in self.sections}
        return {
            section_label([numbers[section.parent_key], section.number] if section.parent_key else [section.number]):
            section.key
            for section in self.sections[1:]
        }

    def _link_sections(self, block: _Block, text: str, keys: dict[str, str]) -> str:
        """Write 「（４．（１）参照）」 as 「（[[sec:ch4-1]]参照）」; refuse a reference to a missing section."""

        def link(match: re.Match[str]) -> str:
            if (key := keys.get(match["label"])) is None:
                found = block.content.text.find(match[0])
                raise PaperFormatError(
                    block.content.line_at(max(found, 0)),
                    f"「{match[0]}」が参照する節「{match['label']}」がありません。",
                )
            return f"（[[sec:{key}]]参照）"

        return _SECTION_REF_TEXT.sub(link, text)

    def _place_markers(self, total: int) -> list[str]:
        """Put ``[^pN]`` where markers 1..total stand; return each block's text."""
        blocks = [(block.content.text, block.content.pages) for block in self.blocks]
        try:
            found = locate_markers(blocks, [self.note_pages[n] for n in range(1, total + 1)])
        except MarkerError as error:
            raise self._marker_error(error, total) from error
        cuts: dict[int, list[tuple[int, int]]] = {}
        for number, (block, offset) in enumerate(found, 1):
            cuts.setdefault(block, []).append((offset, number))
            self.blocks[block].section.footnotes.append(number)
        texts: list[str] = []
        for index, (text, _pages) in enumerate(blocks):
            pieces: list[str] = []
            position = 0
            for offset, number in cuts.get(index, []):
                pieces.append(text[position:offset])
                pieces.append(f"[^p{number}]")
                position = offset + len(str(number))
            pieces.append(text[position:])
            texts.append("".join(pieces))
        return texts

    def _marker_error(self, error: MarkerError, total: int) -> PaperFormatError:
        n = error.number
        line = self.blocks[error.block].content.line_at(error.offset or 0) if error.block is not None else None
        if error.problem == "missing":
            return PaperFormatError(
                self.note_lines[n],
                f"脚注{n}の参照記号が本文中に見つかりません（脚注{n}と同じ頁の本文の、脚注{n - 1}の参照記号より後に"
                f"数字{n}がありません）。" if n > 1 else f"脚注{n}の参照記号が本文中に見つかりません。",
            )
        if error.problem == "before":
            return PaperFormatError(
                line, f"脚注{n}の参照記号が脚注{n - 1}の参照記号より前にあります（参照記号の順序の乱れ）。"
            )
        if error.problem == "duplicate":
            return PaperFormatError(line, f"脚注{n}の参照記号が二度あります（参照記号の重複）。")
        return PaperFormatError(
            line,
            f"本文に脚注{n}の参照記号がありますが、脚注は{total}までしかありません"
            "（脚注が欠けています。ファイルが途中で切れていないか確認してください）。",
        )

    def _cutoff(
        self, texts: Sequence[_Text], information_as_of: dt.date | None
    ) -> tuple[PartialDate, int | None]:
        """Find 「<date>現在の情報に基づき」 anywhere; all statements must agree, and with the caller."""
        found: list[tuple[PartialDate, int]] = []
        for text in texts:
            content = text.text
            for match in re.finditer(_CUTOFF_PHRASE, content):
                start = match.start()
                while start > 0 and content[start - 1] in _DATE_CHARACTERS:
                    start -= 1
                line = text.line_at(match.start())
                if start == match.start():
                    raise PaperFormatError(line, "「現在の情報に基づき」の前に日付がありません。")
                try:
                    found.append((parse_japanese_date(content[start : match.start()]), line))
                except DateParseError as exc:
                    raise PaperFormatError(line, f"基準日を読めません: {exc}") from exc
        for date, line in found[1:]:
            if (date.start, date.precision) != (found[0][0].start, found[0][0].precision):
                raise PaperFormatError(
                    line, f"基準日「{date.text}」が{found[0][1]}行目の「{found[0][0].text}」と異なります。"
                )
        if found:
            date, line = found[0]
            if information_as_of is not None and information_as_of != date.start:
                raise PaperFormatError(
                    line,
                    f"論文は「{date.text}現在」と記していますが、指定された基準日（--information-as-of）は"
                    f"{format_date_ja(information_as_of)}です。",
                )
            return date, line
        if information_as_of is None:
            raise PaperFormatError(
                None,
                "論文中に「…現在の情報に基づき…」の形で基準日を記した文が見つかりません。"
                "基準日を --information-as-of YYYY-MM-DD で指定してください。",
            )
        return PartialDate(information_as_of, DatePrecision.DAY, information_as_of.isoformat()), None


def _check_issue_date(footer: _Footer, cutoff: PartialDate) -> None:
    """Refuse a footer naming an issue that appeared before the paper's own cutoff."""
    if (match := _ISSUE_DATE.search(footer.publication)) is None:
        return
    try:
        issue = parse_japanese_date(match[0])
    except DateParseError:
        return
    if issue.latest < cutoff.start:
        raise PaperFormatError(
            footer.line,
            f"頁の柱「{footer.publication}」の号（{issue.display()}）が論文の基準日（{cutoff.display()}）より前です"
            "（別の号の頁の柱が混じっていませんか）。",
        )
