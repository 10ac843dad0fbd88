"""Citations rendered from a source's structured fields: the paper's style, CSL-JSON, BibTeX and RIS.

The one place that knows how each kind of source is written. ``Source.citation``
is a cache of ``format_citation``, written by ``sources.services`` whenever the
fields change; nothing here reads it.

Paper style (立法と調査), by kind; dates as written (「2025.1.23」「2024.11/12」「令7.1.8」):

* newspaper           『日本経済新聞』（2025.1.23）, or 「記事名」『朝日新聞』（2025.3.7）
* diet_record         第217回国会参議院本会議録第１号（2025.1.24）
* journal_article     近藤正規「題名」『外交』Vol.88（2024.11/12）, or 『旬刊中国内外動向』No.1553（2024年第16号）
* book                日本国際問題研究所『戦略アウトルック2025』
* website             JETROウェブサイト「題名」<URL>, 渡辺紫乃「題名」ＮＰＩウェブサイト（2024年12月）<URL>,
                      森聡「題名」<URL>, or 『ＮＨＫニュースウェブサイト』（2024.7.12）<URL>
* government_document 題名（外務省ウェブサイト<URL>）, 外務省ウェブサイト<URL>, or 防衛省「題名」（2025.3.10）
* other               the same parts in the same order, the title without brackets when nothing else names it

CSL-JSON is the common model of the three exports: ``to_bibtex`` and ``to_ris``
are written from ``to_csl`` items, so the three always agree on title, container,
date and URL. They need no third-party library (the tests parse them back with
bibtexparser and rispy).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from core.dates import DatePrecision
from sources.identity import author_names, normalise_text
from sources.models import Source, SourceKind

CSL_TYPES = {
    SourceKind.NEWSPAPER: "article-newspaper",
    SourceKind.WEBSITE: "webpage",
    SourceKind.DIET_RECORD: "report",
    SourceKind.JOURNAL_ARTICLE: "article-journal",
    SourceKind.BOOK: "book",
    SourceKind.GOVERNMENT_DOCUMENT: "report",
    SourceKind.INTERVIEW: "interview",
    SourceKind.OTHER: "document",
}
# Genre of a report: what kind of official document it is (APA prints it in brackets).
CSL_GENRES = {SourceKind.DIET_RECORD: "会議録", SourceKind.GOVERNMENT_DOCUMENT: "政府資料"}

_CJK = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \u3000]+(?=[{_CJK}])")
_LATIN_NAME = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f .'\-]*")
_SITE_SUFFIXES = ("ウェブサイト", "ホームページ", "公式サイト", "Webサイト", "webサイト")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


# --- The paper's style ------------------------------------------------------------


def format_citation(source: Source) -> str:
    """Return the source as the paper writes it, from its structured fields only."""
    return _FORMATTERS.get(source.kind, _other)(source)


def _bracketed(name: str) -> str:
    """『name』: a publication's name, whether or not it was stored with its brackets."""
    return name if not name or name.startswith("『") else f"『{name}』"


def _plain(name: str) -> str:
    return name.strip().removeprefix("『").removesuffix("』")


def _quoted(title: str) -> str:
    return f"「{title}」" if title else ""


def _authors(source: Source) -> str:
    """The authors as written, without the space a name may keep between family and given name."""
    return _CJK_GAP.sub("", source.author.strip())


def _date(source: Source) -> str:
    text = source.issued_text or _paper_date(source)
    return f"（{text}）" if text else ""


def _paper_date(source: Source) -> str:
    """「2025.1.23」「2024.11/12」「2024」: the paper's form, when no text as written is kept."""
    start, until, precision = source.issued_on, source.issued_until, source.issued_precision
    if start is None:
        return ""
    first = _dotted(start, precision)
    if until is None or until == start:
        return first
    if precision == DatePrecision.DAY and (until.year, until.month) == (start.year, start.month):
        return f"{first}/{until.day}"
    if precision == DatePrecision.MONTH and until.year == start.year:
        return f"{first}/{until.month}"
    return f"{first}/{_dotted(until, precision)}"


def _dotted(day: dt.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return f"{day.year}.{day.month}"
    return f"{day.year}.{day.month}.{day.day}"


def _url(source: Source) -> str:
    return f"<{source.url}>" if source.url else ""


def _site(source: Source) -> str:
    """The site a page is on, as written: 『』 kept when the note brackets it."""
    return source.container or source.publisher


def _newspaper(s: Source) -> str:
    return f"{_authors(s)}{_quoted(s.title)}{_bracketed(s.container or s.publisher)}{_date(s)}{s.pages}{_url(s)}"


def _diet_record(s: Source) -> str:
    volume = "" if s.title.endswith(s.volume) else s.volume
    return f"{s.title}{volume}{_date(s)}{s.pages}{_url(s)}"


def _journal_article(s: Source) -> str:
    return f"{_authors(s)}{_quoted(s.title)}{_bracketed(s.container)}{s.volume}{_date(s)}{s.pages}{_url(s)}"


def _book(s: Source) -> str:
    by = _authors(s) or s.publisher
    publisher = s.publisher if s.publisher and s.publisher != by else ""
    title = f"『{_plain(s.title)}』" if s.title else ""
    return f"{by}{title}{publisher}{_date(s)}{s.pages}{_url(s)}"


def _website(s: Source) -> str:
    if s.author:
        return f"{_authors(s)}{_quoted(s.title)}{_site(s)}{_date(s)}{_url(s)}"
    return f"{_site(s)}{_quoted(s.title)}{_date(s)}{_url(s)}"


def _government_document(s: Source) -> str:
    site = _site(s)
    if s.url and s.title and site and not s.author:
        # 「Ｇ７外相声明（外務省ウェブサイト<…>）」: the document, then where it is published.
        return f"{s.title}（{site}{_date(s)}{_url(s)}）"
    return f"{_authors(s) or site}{_quoted(s.title)}{_date(s)}{_url(s)}"


def _other(s: Source) -> str:
    by = _authors(s) or s.publisher
    title = _quoted(s.title) if by else s.title
    container = _bracketed(s.container) if s.container else ""
    return f"{by}{title}{container}{s.volume}{_date(s)}{s.pages}{_url(s)}"


_FORMATTERS = {
    SourceKind.NEWSPAPER: _newspaper,
    SourceKind.DIET_RECORD: _diet_record,
    SourceKind.JOURNAL_ARTICLE: _journal_article,
    SourceKind.BOOK: _book,
    SourceKind.WEBSITE: _website,
    SourceKind.GOVERNMENT_DOCUMENT: _government_document,
}


# --- CSL-JSON -------------------------------------------------------------------------


def to_csl(source: Source) -> dict[str, Any]:
    """Return one CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html).

    Only what the source says: no title when the note names none (a newspaper
    cited by its date), no publisher that merely repeats the container, each
    author split into family and given name when the field separates them
    (「近藤 正規」; Japanese names family first) and a ``literal`` otherwise.
    """
    item: dict[str, Any] = {"id": f"source-{source.pk}", "type": CSL_TYPES.get(source.kind, "document")}
    if genre := CSL_GENRES.get(source.kind):
        item["genre"] = genre
    title = _plain(source.title) if source.kind == SourceKind.BOOK else source.title.strip()
    if title:
        item["title"] = title
    container = _csl_container(source)
    if container:
        item["container-title"] = container
    if authors := [csl_name(name) for name in author_names(source.author)]:
        item["author"] = authors
    publisher = _csl_publisher(source)
    if publisher and normalise_text(publisher) not in {normalise_text(container), normalise_text(source.author)}:
        item["publisher"] = publisher
    item.update(_csl_volume(source))
    if page := csl_page(source.pages):
        item["page"] = page
    if source.issued_on:
        parts = [_parts(source.issued_on, source.issued_precision)]
        if source.issued_until and source.issued_until != source.issued_on:
            parts.append(_parts(source.issued_until, source.issued_precision))
        item["issued"] = {"date-parts": parts}
    if source.url:
        item["URL"] = source.url
    if source.accessed_on:
        item["accessed"] = {"date-parts": [_parts(source.accessed_on, DatePrecision.DAY)]}
    if source.archive_url:
        item["archive_location"] = source.archive_url
    item["language"] = "ja"
    return item


def csl_name(name: str) -> dict[str, str]:
    """Return a CSL name: family and given when the text separates them, else a literal.

    「近藤 正規」 → 近藤 / 正規 (Japanese, family first); 「John Smith」 → Smith / John;
    「Smith, John」 → Smith / John; 「近藤正規」 or 「日本国際問題研究所」 → literal.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        if family and given:
            return {"family": family, "given": given}
    words = text.split()
    if len(words) < 2:
        return {"literal": text}
    if _LATIN_NAME.fullmatch(text):
        return {"family": words[-1], "given": " ".join(words[:-1])}
    return {"family": words[0], "given": " ".join(words[1:])}


def csl_page(pages: str) -> str:
    """「107～108頁」 → 「107-108」; what is not a page range (a note on the part cited) is dropped."""
    text = re.sub(r"（[^（）]*）", "", pages).translate(_DIGITS).removesuffix("頁").removeprefix("pp.").strip()
    text = re.sub(r"\s*[～〜~\-–]\s*", "-", text.removeprefix("p.").strip())
    return text if re.fullmatch(r"\d+(?:-\d+)?", text) else ""


def _csl_container(source: Source) -> str:
    if source.kind in (SourceKind.NEWSPAPER, SourceKind.WEBSITE):
        return _plain(source.container or source.publisher)
    if source.kind in (SourceKind.GOVERNMENT_DOCUMENT, SourceKind.DIET_RECORD):
        return ""  # a report is published by a body, not in a container; its site becomes the publisher
    return _plain(source.container)


def _csl_publisher(source: Source) -> str:
    if source.kind in (SourceKind.GOVERNMENT_DOCUMENT, SourceKind.DIET_RECORD):
        return organisation(source.publisher or source.container)
    return _plain(source.publisher)


def organisation(site: str) -> str:
    """「外務省ウェブサイト」 → 「外務省」: the body a site name stands for."""
    name = _plain(site)
    for suffix in _SITE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name.removesuffix(suffix)
    return name


def _csl_volume(source: Source) -> dict[str, str]:
    """「Vol.88」 → volume 88, 「No.1553」 → issue 1553; a diet record's number is in its title."""
    text = unicodedata.normalize("NFKC", source.volume).strip()
    if not text or source.kind == SourceKind.DIET_RECORD:
        return {}
    if match := re.fullmatch(r"(?i)vol\.?\s*(\d+)(?:\s*,?\s*no\.?\s*(\d+))?", text):
        return {"volume": match[1], **({"issue": match[2]} if match[2] else {})}
    if match := re.fullmatch(r"(?i)(?:no\.?\s*|第)(\d+)号?", text):
        return {"issue": match[1]}
    if match := re.fullmatch(r"第(\d+)巻", text):
        return {"volume": match[1]}
    return {"volume": text}


def _parts(day: dt.date, precision: str) -> list[int]:
    if precision == DatePrecision.YEAR:
        return [day.year]
    if precision == DatePrecision.MONTH:
        return [day.year, day.month]
    return [day.year, day.month, day.day]


# --- BibTeX and RIS, written from the CSL items ---------------------------------------------

BIBTEX_TYPES = {
    "article-newspaper": "article", "article-journal": "article", "book": "book", "report": "techreport",
    "webpage": "misc", "document": "misc",
}
# Where each BibTeX entry type keeps the CSL container-title and publisher.
_BIBTEX_CONTAINER = {"article": "journal", "misc": "howpublished"}
_BIBTEX_PUBLISHER = {"techreport": "institution", "book": "publisher", "misc": "organization", "article": "publisher"}
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_BIBTEX_ESCAPE = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIALS))

RIS_TYPES = {
    "article-newspaper": "NEWS", "article-journal": "JOUR", "book": "BOOK", "report": "RPRT", "webpage": "ELEC",
    "document": "GEN",
}


def to_bibtex(sources: Iterable[Source]) -> str:
    """Return the sources as a BibTeX database (UTF-8; BibLaTeX's ``date`` and ``urldate`` included).

    Entry keys are the CSL ids (``source-12``). Text is escaped for LaTeX; URLs are
    left verbatim (``url`` fields are read verbatim), but for braces and backslashes.
    """
    return csl_to_bibtex(to_csl(source) for source in sources)


def csl_to_bibtex(items: Iterable[dict[str, Any]]) -> str:
    """Return CSL-JSON items as BibTeX: what a frozen release exports from the CSL it stored."""
    return "\n".join(_bibtex_entry(item) for item in items)


def _bibtex_entry(item: dict[str, Any]) -> str:
    entry_type = BIBTEX_TYPES.get(item["type"], "misc")
    fields: list[tuple[str, str]] = []
    if authors := item.get("author"):
        fields.append(("author", " and ".join(_bibtex_name(name) for name in authors)))
    if "title" in item:
        fields.append(("title", _bibtex_text(item["title"])))
    if "container-title" in item:
        fields.append((_BIBTEX_CONTAINER.get(entry_type, "journal"), _bibtex_text(item["container-title"])))
    if "publisher" in item:
        fields.append((_BIBTEX_PUBLISHER.get(entry_type, "publisher"), _bibtex_text(item["publisher"])))
    if "genre" in item and entry_type == "techreport":
        fields.append(("type", _bibtex_text(item["genre"])))
    for csl_key, bib_key in (("volume", "volume"), ("issue", "number")):
        if csl_key in item:
            fields.append((bib_key, _bibtex_text(item[csl_key])))
    if "page" in item:
        fields.append(("pages", item["page"].replace("-", "--")))
    if issued := item.get("issued"):
        start = issued["date-parts"][0]
        fields.append(("year", str(start[0])))
        if len(start) > 1 and len(issued["date-parts"]) == 1:
            fields.append(("month", str(start[1])))
        fields.append(("date", "/".join(_iso(parts) for parts in issued["date-parts"])))
    if "URL" in item:
        fields.append(("url", _bibtex_url(item["URL"])))
    if accessed := item.get("accessed"):
        fields.append(("urldate", _iso(accessed["date-parts"][0])))
    fields.append(("language", "japanese"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{item['id']},\n{body}\n}}\n"


def _bibtex_text(text: str) -> str:
    return _BIBTEX_ESCAPE.sub(lambda match: _BIBTEX_SPECIALS[match.group(0)], " ".join(text.split()))


def _bibtex_url(url: str) -> str:
    """Leave a URL verbatim except for what would end the field: braces and backslashes, percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + _bibtex_text(name["literal"]) + "}"  # braces: one name, never split by BibTeX
    return f"{_bibtex_text(name['family'])}, {_bibtex_text(name['given'])}"


def to_ris(sources: Iterable[Source]) -> str:
    """Return the sources as RIS records (one value per line; line breaks in values become spaces)."""
    return csl_to_ris(to_csl(source) for source in sources)


def csl_to_ris(items: Iterable[dict[str, Any]]) -> str:
    """Return CSL-JSON items as RIS: what a frozen release exports from the CSL it stored."""
    return "".join(_ris_record(item) for item in items)


def _ris_record(item: dict[str, Any]) -> str:
    lines = [("TY", RIS_TYPES.get(item["type"], "GEN")), ("ID", item["id"])]
    for name in item.get("author", []):
        lines.append(("AU", name.get("literal") or f"{name['family']}, {name['given']}"))
    for csl_key, tag in (("title", "TI"), ("container-title", "T2"), ("publisher", "PB"), ("genre", "M3"),
                         ("volume", "VL"), ("issue", "IS")):
        if csl_key in item:
            lines.append((tag, item[csl_key]))
    if "page" in item:
        first, _, last = item["page"].partition("-")
        lines.append(("SP", first))
        if last:
            lines.append(("EP", last))
    if issued := item.get("issued"):
        start = issued["date-parts"][0]
        lines.append(("PY", str(start[0])))
        lines.append(("DA", _ris_date(start) + "/"))
    if "URL" in item:
        lines.append(("UR", item["URL"]))
    if accessed := item.get("accessed"):
        lines.append(("Y2", _ris_date(accessed["date-parts"][0])))
    lines.append(("LA", "ja"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines) + "\n"


def _ris_date(parts: list[int]) -> str:
    """「2024/11/」「2025/01/23」: RIS dates are year/month/day with empty parts kept."""
    padded = [str(parts[0]), *(f"{part:02d}" for part in parts[1:])]
    return "/".join([*padded, "", ""][:3])


def _iso(parts: list[int]) -> str:
    return "-".join([str(parts[0]), *(f"{part:02d}" for part in parts[1:])])
