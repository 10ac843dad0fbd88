"""A source's identity: one fingerprint computed from its structured fields.

Two citations name one source when they describe the same document, however a
note spells it. The fingerprint is a SHA-256 over these fields, each normalised:

* ``kind``;
* the names the document is published under: ``container`` and ``publisher``,
  whichever are given, a name given in both counted once (the paper writes a
  site as 「ＮＨＫニュースウェブサイト」 or 『ＮＨＫニュースウェブサイト』; a book or a
  ministry's document is told apart from a same-titled one only by its publisher);
* ``title``, ``author`` (the list of names, whatever separates them) and ``volume``;
* the issued date as a date: start, end of a range and precision, never the text
  as written (「2025.1.23」 and 「2025年1月23日」 are one day);
* the URL, normalised (scheme, letter case of the host, a leading ``www.``,
  default ports, fragments and percent-encoding do not matter).

Text is compared after NFKC (full-width and half-width forms agree), without
white space, 『』 or 「」 around it, and case-folded. Where in the document a note
points (「84頁」) is the citation's locator, not part of the source.

This module is pure (no models, no database): migrations import it too.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

VERSION = "source-identity/2"

# 「、」「，」「；」「;」「／」 separate names; so does 「・」 except between two katakana
# (「イーロン・マスク」 is one person, 「山田太郎・鈴木花子」 two), and so does 「,」
# between full names (「John Smith, Jane Doe」), not in 「Smith, John」.
_NAME_SEPARATORS = re.compile(r"\s*(?:[、，;；／/]|(?<![ァ-ヺー])・|・(?![ァ-ヺー]))\s*")
_WHITE = re.compile(r"\s+")
_WAVES = str.maketrans({"〜": "~", "～": "~", "‐": "-", "−": "-", "–": "-", "—": "-", "―": "-"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


class Identified(Protocol):
    """What a fingerprint is computed from: a ``Source`` or a migration's historical model."""

    kind: str
    title: str
    container: str
    publisher: str
    author: str
    volume: str
    issued_on: dt.date | None
    issued_until: dt.date | None
    issued_precision: str
    url: str


def author_names(author: str) -> list[str]:
    """Split an author field into names: 「川島真、酒井啓子、三牧聖子」 → three names."""
    names = []
    for name in _NAME_SEPARATORS.split(author.strip()):
        pieces = [piece.strip() for piece in name.split(",")]
        names.extend(pieces if len(pieces) > 1 and all(" " in piece for piece in pieces) else [name.strip()])
    return [name for name in names if name]


def normalise_text(value: str) -> str:
    """Return ``value`` as compared for identity: NFKC, no spaces or outer brackets, case-folded."""
    text = unicodedata.normalize("NFKC", value).translate(_WAVES)
    text = _WHITE.sub("", text)
    while len(text) >= 2 and (text[0], text[-1]) in (("『", "』"), ("「", "」")):
        text = text[1:-1]
    return text.casefold()


def normalise_url(url: str) -> str:
    """Return the URL as compared for identity (``""`` for none).

    >>> normalise_url("HTTPS://WWW.Example.org:443/a%7eb#top")
    '//example.org/a~b'
    """
    if not url.strip():
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"//{netloc}{path}{query}"


def fingerprint(
    *,
    kind: str,
    title: str = "",
    container: str = "",
    publisher: str = "",
    author: str = "",
    volume: str = "",
    issued_on: dt.date | None = None,
    issued_until: dt.date | None = None,
    issued_precision: str = "",
    url: str = "",
) -> str:
    """Return the 64-hex-digit fingerprint of the source these fields describe."""
    names = sorted({normalise_text(container), normalise_text(publisher)} - {""})
    basis = [
        VERSION,
        kind,
        names,
        normalise_text(title),
        [normalise_text(name) for name in author_names(author)],
        normalise_text(volume),
        issued_on.isoformat() if issued_on else "",
        issued_until.isoformat() if issued_until else "",
        issued_precision if issued_on else "",
        normalise_url(url),
    ]
    return hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode("utf-8")).hexdigest()


def source_fingerprint(source: Identified) -> str:
    """Return the fingerprint of a stored source from its fields."""
    return fingerprint(
        kind=source.kind, title=source.title, container=source.container, publisher=source.publisher,
        author=source.author, volume=source.volume, issued_on=source.issued_on, issued_until=source.issued_until,
        issued_precision=source.issued_precision, url=source.url,
    )


def kept_apart_fingerprint(canonical: str, pk: int) -> str:
    """Return the fingerprint of a row kept apart from an older row with the same identity.

    Rows that existed before identities were computed from fields may describe
    one document twice. They are never merged behind the readers' back: published
    releases cite each of them. The older row keeps the canonical fingerprint (new
    citations of the document find it); the newer gets this one, distinct and stable.
    """
    return hashlib.sha256(f"{canonical}|kept-apart|{pk}".encode()).hexdigest()
