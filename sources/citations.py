"""Citation formatting in the paper's style, and CSL-JSON export. The one place that
knows how each kind of source is written.

Paper style, by kind (dates as originally written, e.g. 「2025.1.23」「2024.11/12」):

* newspaper          『日本経済新聞』（2025.1.23）, or 「記事名」『…新聞』（2025.1.23）
* diet_record        第217回国会参議院本会議録第１号（2025.1.24）
* journal_article    近藤正規「題名」『外交』Vol.88（2024.11/12）
* book               日本国際問題研究所『戦略アウトルック2025』
* website            JETROウェブサイト「題名」<URL>, 渡辺紫乃「題名」ＮＰＩウェブサイト（2024年12月）<URL>,
                     or 『ＮＨＫニュースウェブサイト』（2024.7.12）<URL>
* government_document 題名（外務省ウェブサイト<URL>）, or 防衛省「題名」（2025.3.10）
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.dates import DatePrecision
from sources.models import Source, SourceKind

CSL_TYPES = {
    SourceKind.NEWSPAPER: "article-newspaper",
    SourceKind.WEBSITE: "webpage",
    SourceKind.DIET_RECORD: "hearing",
    SourceKind.JOURNAL_ARTICLE: "article-magazine",
    SourceKind.BOOK: "book",
    SourceKind.GOVERNMENT_DOCUMENT: "report",
    SourceKind.OTHER: "document",
}


def format_citation(source: Source) -> str:
    """The source as the paper writes it; the stored citation when fields are missing."""
    formatter = _FORMATTERS.get(source.kind)
    formatted = formatter(source) if formatter else ""
    return formatted or source.citation


def _date(source: Source) -> str:
    return f"（{source.issued_text}）" if source.issued_text else ""


def _url(source: Source) -> str:
    return f"<{source.url}>" if source.url else ""


def _newspaper(s: Source) -> str:
    if not s.container:
        return ""
    return f"{'「' + s.title + '」' if s.title else ''}{s.container}{_date(s)}"


def _diet_record(s: Source) -> str:
    return f"{s.title}{_date(s)}" if s.title else ""


def _journal_article(s: Source) -> str:
    if not (s.title and s.container):
        return ""
    pages = f"{s.pages}" if s.pages else ""
    return f"{s.author}「{s.title}」{s.container}{s.volume}{_date(s)}{pages}"


def _book(s: Source) -> str:
    if not s.title:
        return ""
    return f"{s.author or s.publisher}『{s.title}』{_date(s)}"


def _website(s: Source) -> str:
    if s.url and s.container and not s.title:  # a news site cited like a paper: 『…ウェブサイト』（2024.7.12）<URL>
        return f"{s.container}{_date(s)}{_url(s)}"
    if not s.url or not s.publisher:
        return ""
    if s.author:
        return f"{s.author}「{s.title}」{s.publisher}{_date(s)}{_url(s)}"
    title = f"「{s.title}」" if s.title else ""
    return f"{s.publisher}{title}{_date(s)}{_url(s)}"


def _government_document(s: Source) -> str:
    if s.url and s.title and s.publisher:
        return f"{s.title}（{s.publisher}{_url(s)}）"
    if s.url and s.publisher:
        return f"{s.publisher}{_url(s)}"
    if s.title and s.publisher:
        return f"{s.publisher}「{s.title}」{_date(s)}"
    return ""


_FORMATTERS = {
    SourceKind.NEWSPAPER: _newspaper,
    SourceKind.DIET_RECORD: _diet_record,
    SourceKind.JOURNAL_ARTICLE: _journal_article,
    SourceKind.BOOK: _book,
    SourceKind.WEBSITE: _website,
    SourceKind.GOVERNMENT_DOCUMENT: _government_document,
}


def to_csl(source: Source) -> dict[str, Any]:
    """One CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    item: dict[str, Any] = {
        "id": f"source-{source.pk}",
        "type": CSL_TYPES.get(source.kind, "document"),
        "title": source.title or format_citation(source),
        "language": "ja",
        "note": format_citation(source),
    }
    if source.container:
        item["container-title"] = source.container.strip("『』")
    if source.author:
        item["author"] = [{"literal": name.strip()} for name in source.author.split("・") if name.strip()]
    if source.publisher:
        item["publisher"] = source.publisher
    if source.volume:
        item["volume" if source.kind == SourceKind.JOURNAL_ARTICLE else "number"] = source.volume
    if source.pages:
        item["page"] = source.pages.removesuffix("頁")
    if source.issued_on:
        item["issued"] = {"date-parts": [_parts(source.issued_on, source.issued_precision)], "raw": source.issued_text}
        if source.issued_until:
            item["issued"]["date-parts"].append(_parts(source.issued_until, source.issued_precision))
    if source.url:
        item["URL"] = source.url
    if source.accessed_on:
        item["accessed"] = {"date-parts": [_parts(source.accessed_on, DatePrecision.DAY)]}
    if source.archive_url:
        item["archive_location"] = source.archive_url
    return item


def _parts(day: dt.date, precision: str) -> list[int]:
    if precision == DatePrecision.YEAR:
        return [day.year]
    if precision == DatePrecision.MONTH:
        return [day.year, day.month]
    return [day.year, day.month, day.day]
