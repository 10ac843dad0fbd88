"""Cite a release: SIST 02, APA and Chicago strings, BibTeX, RIS, CSL-JSON and Highwire meta tags.

A release is cited as what it is: a web document with a version (「第2版」),
published on a date, stating the information cutoff (「2025年3月10日現在」),
at its permanent URL, read on the reader's access date. Everything but the
access date comes from the frozen artefact document; the access date is the
day of the request in Asia/Tokyo. (Sources cited *by* a release are written by
``sources.citations``; this module is about the release itself.)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from core.dates import format_date_ja

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_SPACES = re.compile(r"[ \u3000]+")


@dataclass(frozen=True)
class ReleaseCitation:
    """The bibliographic facts of one release, as frozen, plus the reader's access date."""

    slug: str
    title: str
    author: str
    original: str
    """Where the briefing first appeared (「立法と調査　2025.2　No.473」), if anywhere."""
    number: int
    published: dt.date
    cutoff: dt.date
    url: str
    accessed: dt.date
    publisher: str
    anchor: str = ""
    """A sentence of the release (``c-…``): the citation then points at it."""

    @classmethod
    def of(cls, document: dict[str, Any], *, accessed: dt.date, anchor: str = "") -> ReleaseCitation:
        """The citation of the release frozen in ``document`` (its artefact), read on ``accessed``."""
        briefing, release = document["briefing"], document["release"]
        return cls(
            slug=briefing["slug"],
            title=briefing["title"],
            author=_SPACES.sub(" ", briefing.get("author") or "").strip(),
            original=_SPACES.sub(" ", briefing.get("publication") or "").strip(),
            number=release["number"],
            published=dt.datetime.fromisoformat(release["published_at"]).date(),
            cutoff=dt.date.fromisoformat(release["information_as_of"]),
            url=release["url"] + (f"#{anchor}" if anchor else ""),
            accessed=accessed,
            publisher=settings.BRIEFINGS_SITE_NAME,
            anchor=anchor,
        )

    @property
    def version(self) -> str:
        return "初版" if self.number == 1 else f"第{self.number}版"

    @property
    def cutoff_label(self) -> str:
        return f"{format_date_ja(self.cutoff)}現在"

    @property
    def key(self) -> str:
        """A citation key: ``world-2025-r2`` (``-c-…`` for a sentence)."""
        return f"{self.slug}-r{self.number}" + (f"-{self.anchor}" if self.anchor else "")

    def name_parts(self) -> tuple[str, str] | None:
        """(family, given) for a name written 「姓 名」; ``None`` for anything else (kept whole)."""
        parts = self.author.split(" ")
        return (parts[0], parts[1]) if len(parts) == 2 else None


def sist02(c: ReleaseCitation) -> str:
    """SIST 02 (科学技術情報流通技術基準) for a web document: 著者. “題名”. 版. サイト. 日付. URL, (参照 日付)."""
    author = f"{c.author}. " if c.author else ""
    return (f"{author}“{c.title}”. {c.version}（{c.cutoff_label}）. {c.publisher}. {c.published.isoformat()}. "
            f"{c.url}, (参照 {c.accessed.isoformat()}).")


def apa(c: ReleaseCitation) -> str:
    """APA (7th ed.) for a web page with a version: Author. (Year, Month Day). Title (Version). Site. Retrieved …"""
    author = f"{c.author}. " if c.author else ""
    return (f"{author}({c.published.year}, {_MONTHS[c.published.month - 1]} {c.published.day}). {c.title} "
            f"({c.version}, {c.cutoff_label}). {c.publisher}. Retrieved {_english(c.accessed)}, from {c.url}")


def chicago(c: ReleaseCitation) -> str:
    """Chicago (17th ed., bibliography) for a web page: Author. “Title.” Version. Site, Month Day, Year. Accessed …"""
    author = f"{c.author}. " if c.author else ""
    return (f"{author}“{c.title}.” {c.version}（{c.cutoff_label}）. {c.publisher}, {_english(c.published)}. "
            f"Accessed {_english(c.accessed)}. {c.url}.")


def to_csl(c: ReleaseCitation) -> dict[str, Any]:
    """The release as one CSL-JSON item (a web page with a version)."""
    parts = c.name_parts()
    item: dict[str, Any] = {
        "id": c.key,
        "type": "webpage",
        "title": c.title,
        "version": c.version,
        "container-title": c.publisher,
        "publisher": c.publisher,
        "issued": {"date-parts": [[c.published.year, c.published.month, c.published.day]]},
        "accessed": {"date-parts": [[c.accessed.year, c.accessed.month, c.accessed.day]]},
        "URL": c.url,
        "language": "ja",
        "note": c.cutoff_label + (f"。初出：{c.original}" if c.original else ""),
    }
    if c.author:
        item["author"] = [{"family": parts[0], "given": parts[1]} if parts else {"literal": c.author}]
    return item


def to_bibtex(c: ReleaseCitation) -> str:
    """The release as a biblatex ``@online`` entry (BibTeX tools read it too: ``year``/``month`` are given)."""
    parts = c.name_parts()
    fields = []
    if c.author:  # a name that is not 「姓 名」 is braced, so no tool splits it into given and family names
        author = f"{_tex(parts[0])}, {_tex(parts[1])}" if parts else "{" + _tex(c.author) + "}"
        fields.append(("author", author))
    fields += [
        ("title", _tex(c.title)),
        ("version", _tex(c.version)),
        ("organization", _tex(c.publisher)),
        ("date", c.published.isoformat()),
        ("year", str(c.published.year)),
        ("month", str(c.published.month)),
        ("urldate", c.accessed.isoformat()),
        ("url", c.url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")),
        ("langid", "japanese"),
        ("note", _tex(c.cutoff_label + (f"。初出：{c.original}" if c.original else ""))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{c.key},\n{body}\n}}\n"


def to_ris(c: ReleaseCitation) -> str:
    """The release as an RIS record (``ELEC``: a web page)."""
    parts = c.name_parts()
    lines = [("TY", "ELEC")]
    if c.author:
        lines.append(("AU", f"{parts[0]}, {parts[1]}" if parts else c.author))
    lines += [
        ("TI", c.title),
        ("ET", c.version),
        ("PB", c.publisher),
        ("PY", str(c.published.year)),
        ("DA", c.published.strftime("%Y/%m/%d")),
        ("Y2", c.accessed.strftime("%Y/%m/%d")),
        ("UR", c.url),
        ("LA", "ja"),
        ("N1", c.cutoff_label + (f"。初出：{c.original}" if c.original else "")),
        ("ID", c.key),
    ]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines) + "ER  - \r\n"


def highwire(c: ReleaseCitation, *, pdf_url: str) -> list[tuple[str, str]]:
    """``<meta name="citation_…">`` pairs that Zotero and Google Scholar read (Highwire Press tags)."""
    tags = [("citation_title", f"{c.title}（{c.version}・{c.cutoff_label}）")]
    if c.author:
        tags.append(("citation_author", c.author))
    tags += [
        ("citation_publication_date", c.published.strftime("%Y/%m/%d")),
        ("citation_online_date", c.published.strftime("%Y/%m/%d")),
        ("citation_date", c.published.strftime("%Y/%m/%d")),
        ("citation_publisher", c.publisher),
        ("citation_public_url", c.url),
        ("citation_abstract_html_url", c.url),
        ("citation_language", "ja"),
        ("citation_pdf_url", pdf_url),
    ]
    return tags


def _english(day: dt.date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(value: str) -> str:
    """Escape TeX's special characters, so a field never unbalances braces or starts a command."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in value)
