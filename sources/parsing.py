"""Recognize the sources cited in the text of a Japanese footnote.

The forms are those of the research papers we import (立法と調査 style)::

    『日本経済新聞』（2025.1.23）                         newspaper
    第217回国会参議院本会議録第１号（2025.1.24）           Diet record
    近藤正規「…」『外交』Vol.88（2024.11/12）84頁           journal article
    『旬刊中国内外動向』No.1553（2024年第16号）100頁         periodical issue
    日本国際問題研究所『戦略アウトルック2025』15頁           book
    JETROウェブサイト「ビジネス短信 …」<https://…>          website
    錦田愛子（前掲脚注12参照）33頁                         the source of another note

``extract_citations`` is pure: it returns what it found, in the order of the
text, and leaves storing to ``sources.services``. Dates it cannot parse raise
``core.dates.DateParseError``. Each source comes with every field the renderer
(``sources.citations``) needs to write it again: title, container, volume,
author, publisher, the issued date with its text as written, and the URL; the
locator (「84頁」) belongs to the citation, not to the source.

``parse_citation`` reads one citation given on its own (an event's source, the
API's ``citation``), falling back to 「発行者「題名」（日付）」 and, failing that,
to the whole text as the title: nothing is lost and nothing is guessed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from core.dates import DateParseError, PartialDate, parse_japanese_date
from sources.identity import fingerprint
from sources.models import SourceKind

# Domains whose pages are official documents rather than articles.
GOVERNMENT_DOMAINS = (
    "mofa.go.jp",
    "kantei.go.jp",
    "mod.go.jp",
    "cas.go.jp",
    "npa.go.jp",
    "whitehouse.gov",
    "state.gov",
    "defense.gov",
)

_DIGITS = r"[0-9０-９]"
_PAGES = rf"(?P<pages>{_DIGITS}+(?:[～~]{_DIGITS}+)?頁(?:（[^（）]*部分）)?)?"
_NAME = r"[^（）「」『』。<>]+?"


@dataclass(frozen=True)
class ParsedSource:
    """The bibliographic description of one source, as found in a note.

    ``citation`` is the text as written (in the note, the event file or the API
    request); the stored ``Source.citation`` is rendered from the other fields.
    """

    kind: str
    citation: str
    title: str = ""
    container: str = ""
    volume: str = ""
    author: str = ""
    publisher: str = ""
    issued: PartialDate | None = None
    url: str = ""
    pages: str = ""
    """The document's own pages (an article's 「80～89頁」), never a note's locator."""

    @property
    def fingerprint(self) -> str:
        """Return the natural key: a hash of the normalised structured fields (``sources.identity``)."""
        issued = self.issued
        return fingerprint(
            kind=self.kind, title=self.title, container=self.container, publisher=self.publisher,
            author=self.author, volume=self.volume, issued_on=issued.start if issued else None,
            issued_until=issued.until if issued else None, issued_precision=issued.precision if issued else "",
            url=self.url,
        )

    @property
    def url_domain(self) -> str:
        return url_domain(self.url)

    def completed(self, *, strict: bool = False) -> ParsedSource:
        """Return this source with the fields left empty read from ``citation``, the text as written.

        Fields given explicitly (and the kind) win over what the text says. With
        ``strict``, a date in the text that cannot be read raises ``DateParseError``
        unless the issued date is given; otherwise the text is kept whole as the title.
        """
        if not self.citation.strip():
            return self
        found = parse_citation(self.citation, kind=self.kind, strict=strict and self.issued is None)
        return replace(self, **{name: getattr(found, name) for name in _FILLABLE if not getattr(self, name)})


_FILLABLE = ("title", "container", "volume", "author", "publisher", "issued", "url", "pages")


@dataclass(frozen=True)
class CitationMatch:
    """A source cited in a note, with the locator (「84頁」) of that note."""

    source: ParsedSource
    locator: str = ""
    start: int = 0


@dataclass(frozen=True)
class NoteReference:
    """「錦田愛子（前掲脚注12参照）33頁」: the source of note 12, cited again."""

    footnote_number: int
    who: str
    locator: str = ""
    start: int = 0


@dataclass
class NoteCitations:
    citations: list[CitationMatch] = field(default_factory=list)
    references: list[NoteReference] = field(default_factory=list)


def url_domain(url: str) -> str:
    """Return the site of ``url`` for grouping and filtering: one spelling per domain.

    ``https://WWW.Mofa.go.jp./a``, ``https://mofa.go.jp/b`` and
    ``https://ｗｗｗ．ｍｏｆａ．ｇｏ．ｊｐ/c`` all give ``mofa.go.jp``: case folded,
    full-width characters and IDNA (``xn--``) spellings unified into the Unicode
    form readers can read (``日本.jp``), the root's trailing dot and one leading
    ``www.`` dropped. Ports and addresses are left as they are.
    """
    if not url:
        return ""
    try:
        host = urlparse(url.strip()).hostname or ""
    except ValueError:
        return ""
    return normalise_domain(host)


def normalise_domain(host: str) -> str:
    """Return ``host`` in the one spelling ``url_domain`` uses (see there)."""
    host = unicodedata.normalize("NFKC", host).strip().lower().rstrip(".")
    if host and ":" not in host:  # not an IPv6 address
        try:
            host = host.encode("idna").decode("idna")
        except UnicodeError:
            pass  # not a valid IDNA name: grouped by its plain spelling
    return host.removeprefix("www.")


def is_government_url(url: str) -> bool:
    domain = url_domain(url)
    return any(domain == d or domain.endswith("." + d) for d in GOVERNMENT_DOMAINS)


_URL = re.compile(r"<(?P<url>https?://[^<>\s]+)>")
_NEWSPAPER = re.compile(r"(?:「(?P<title>[^「」（）。]+)」)?『(?P<paper>[^『』]*新聞)』（(?P<date>[^（）]+)）")
_DIET = re.compile(
    r"第(?P<session>\d+)回国会(?P<house>衆議院|参議院)(?P<body>[^（）「」『』。]*?)(?:会議録|議録)"
    rf"第(?P<no>{_DIGITS}+)号（(?P<date>[^（）]+)）{_PAGES}"
)
_AUTHORS = r"[^（）「」『』。<>0-9０-９①-⑳]{1,24}?"
_TITLE = r"(?:[^「」（）。]|「[^「」]*」)+"
_ARTICLE = re.compile(
    rf"(?:(?<=（)|^)(?P<author>{_AUTHORS})「(?P<title>{_TITLE})」『(?P<journal>[^『』]+)』"
    rf"(?P<volume>(?:Vol|No)\.\d+)?（(?P<date>[^（）]+)）{_PAGES}"
)
_PERIODICAL = re.compile(
    rf"『(?P<journal>[^『』]+)』(?P<volume>(?:Vol|No)\.\d+)（(?P<date>[^（）]+)）{_PAGES}"
)
_BOOK = re.compile(rf"(?:(?<=（)|^)(?P<publisher>{_NAME})『(?P<title>[^『』]+)』{_PAGES}")
_NOTE_REFERENCE = re.compile(
    rf"(?:(?<=（)|^)(?P<who>{_NAME})（前掲脚注\s*(?P<n>{_DIGITS}+)\s*参照）{_PAGES}"
)
_TRAILING_DATE = re.compile(r"（(?P<date>[^（）]+)）$")
_SITE_TITLE = re.compile(r"^(?P<site>[^「」]*?(?:ウェブサイト|日本版)』?)「(?P<title>.*)」$")
_AUTHOR_TITLE_SITE = re.compile(rf"^(?P<author>{_NAME})「(?P<title>.*)」(?P<site>[^「」]*)$")
# One citation on its own: 「防衛省「台湾をめぐる最近の動向」（2025.3.10）」, 「『戦略アウトルック2025』」.
_DOCUMENT = re.compile(
    rf"^(?P<who>{_NAME})?(?:「(?P<title>.+)」|『(?P<book>.+)』)(?:（(?P<date>(?:[^（）]|（[^（）]*）)+)）)?$"
)


def extract_citations(note: str) -> NoteCitations:
    """Return the sources cited in ``note`` in text order.

    Spans already claimed by one pattern are not read again by a later one, so
    the article 「…」『外交』 is not also read as a book.
    """
    found = NoteCitations()
    taken: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> bool:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return False
        taken.append((start, end))
        return True

    for match in _URL.finditer(note):
        start = _citation_start(note, match.start())
        if claim(start, match.end()):
            found.citations.append(_website(note, start, match))
    for match in _DIET.finditer(note):
        if claim(match.start(), match.end()):
            found.citations.append(_diet_record(match))
    for match in _ARTICLE.finditer(note):
        if claim(match.start(), match.end()):
            found.citations.append(_article(match))
    for match in _PERIODICAL.finditer(note):
        if claim(match.start(), match.end()):
            found.citations.append(_periodical(match))
    for match in _NEWSPAPER.finditer(note):
        if claim(match.start(), match.end()):
            found.citations.append(_newspaper(match))
    for match in _BOOK.finditer(note):
        if claim(match.start(), match.end()):
            found.citations.append(_book(match))
    for match in _NOTE_REFERENCE.finditer(note):
        if claim(match.start(), match.end()):
            found.references.append(
                NoteReference(
                    footnote_number=int(_ascii_digits(match["n"])),
                    who=match["who"].strip(),
                    locator=match["pages"] or "",
                    start=match.start(),
                )
            )
    found.citations.sort(key=lambda c: c.start)
    return found


def parse_citation(text: str, *, kind: str = "", strict: bool = False) -> ParsedSource:
    """Return the source described by ``text``, one citation given on its own.

    The note patterns are tried first (the first source found is taken, so a
    whole note may be given). Then 「who「title」（date）」 or 「who『title』」: ``who``
    is the author of an article, else the publisher. Failing both, the whole text
    is the title. ``kind`` (when given) is kept. A date that cannot be read raises
    ``DateParseError`` with ``strict``; otherwise the text is kept whole as the title.
    """
    text = " ".join(text.split()).removesuffix("。")
    try:
        found = extract_citations(text).citations
    except DateParseError:
        if strict:
            raise
        found = []
    if found:
        return replace(found[0].source, kind=kind or found[0].source.kind)
    kind = kind or SourceKind.OTHER
    if match := _DOCUMENT.match(text):
        try:
            issued = _issued(match["date"]) if match["date"] else None
        except DateParseError:
            if strict:
                raise
            return ParsedSource(kind=kind, citation=text, title=text)
        who = (match["who"] or "").strip()
        person = kind in (SourceKind.JOURNAL_ARTICLE, SourceKind.NEWSPAPER)
        return ParsedSource(
            kind=kind, citation=text, title=match["title"] or match["book"], author=who if person else "",
            publisher="" if person else who, issued=issued,
        )
    return ParsedSource(kind=kind, citation=text, title=text)


def _ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def _citation_start(note: str, url_start: int) -> int:
    """Return where the citation ending in a URL begins: after its opening bracket."""
    depth = 0
    for index in range(url_start - 1, -1, -1):
        char = note[index]
        if char in "）」』":
            depth += 1
        elif char in "（「『":
            if depth == 0:
                return index + 1 if char == "（" else index
            depth -= 1
        elif char == "。" and depth == 0:
            return index + 1
    return 0


def _issued(date_text: str) -> PartialDate:
    return parse_japanese_date(date_text)


def _website(note: str, start: int, match: re.Match[str]) -> CitationMatch:
    url = match["url"]
    text = note[start : match.start()].strip()
    issued = None
    if date_match := _TRAILING_DATE.search(text):
        issued = _issued(date_match["date"])
        text = text[: date_match.start()]
    author = title = ""
    site = text
    if site_title := _SITE_TITLE.match(text):
        site, title = site_title["site"], site_title["title"]
    elif author_title := _AUTHOR_TITLE_SITE.match(text):
        author, title, site = author_title["author"], author_title["title"], author_title["site"]
    if not title and start > 0 and note[start - 1] == "（":
        # 「Ｇ７外相声明（外務省ウェブサイト<…>）」: a note that is nothing but a
        # document name followed by where it is published.
        rest = note[match.end() :].strip()
        before = note[: start - 1]
        if rest == "）" and not any(c in before for c in "。（「、"):
            title = before.strip()
    citation = note[start : match.end()]
    if title and title not in citation:
        citation = f"{title}（{citation}）"
    kind = SourceKind.GOVERNMENT_DOCUMENT if is_government_url(url) else SourceKind.WEBSITE
    return CitationMatch(
        ParsedSource(
            kind=kind,
            citation=citation,
            title=title,
            author=author,
            publisher=site.strip("『』 "),
            container=site if site.startswith("『") else "",
            issued=issued,
            url=url,
        ),
        start=start,
    )


def _diet_record(match: re.Match[str]) -> CitationMatch:
    title = match.group(0)[: match.start("date") - match.start() - 1]
    return CitationMatch(
        ParsedSource(
            kind=SourceKind.DIET_RECORD,
            citation=f"{title}（{match['date']}）",
            title=title,
            publisher=match["house"],
            volume=f"第{match['no']}号",
            issued=_issued(match["date"]),
        ),
        locator=match["pages"] or "",
        start=match.start(),
    )


def _article(match: re.Match[str]) -> CitationMatch:
    volume = match["volume"] or ""
    author = match["author"].strip()
    citation = f"{author}「{match['title']}」『{match['journal']}』{volume}（{match['date']}）"
    newspaper = match["journal"].endswith("新聞")  # a signed newspaper article
    return CitationMatch(
        ParsedSource(
            kind=SourceKind.NEWSPAPER if newspaper else SourceKind.JOURNAL_ARTICLE,
            citation=citation,
            title=match["title"],
            author=author,
            container=f"『{match['journal']}』",
            volume=volume,
            publisher=match["journal"] if newspaper else "",
            issued=_issued(match["date"]),
        ),
        locator=match["pages"] or "",
        start=match.start(),
    )


def _periodical(match: re.Match[str]) -> CitationMatch:
    citation = f"『{match['journal']}』{match['volume']}（{match['date']}）"
    return CitationMatch(
        ParsedSource(
            kind=SourceKind.JOURNAL_ARTICLE,
            citation=citation,
            container=f"『{match['journal']}』",
            volume=match["volume"],
            issued=_issued(match["date"]),
        ),
        locator=match["pages"] or "",
        start=match.start(),
    )


def _newspaper(match: re.Match[str]) -> CitationMatch:
    return CitationMatch(
        ParsedSource(
            kind=SourceKind.NEWSPAPER,
            citation=match.group(0),
            title=match["title"] or "",
            container=f"『{match['paper']}』",
            publisher=match["paper"],
            issued=_issued(match["date"]),
        ),
        start=match.start(),
    )


def _book(match: re.Match[str]) -> CitationMatch:
    publisher = match["publisher"].strip()
    return CitationMatch(
        ParsedSource(
            kind=SourceKind.BOOK,
            citation=f"{publisher}『{match['title']}』",
            title=match["title"],
            publisher=publisher,
        ),
        locator=match["pages"] or "",
        start=match.start(),
    )
