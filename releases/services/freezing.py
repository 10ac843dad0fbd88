"""Freeze a release: everything readers and clients get of it, as one canonical JSON document.

The document is built once, inside the publishing transaction, from the live
rows of the revisions the release shows (``briefings.selectors.content``) and
the sources they cite as they stand at that moment. It is serialised
canonically (UTF-8, keys sorted, no insignificant whitespace) and its SHA-256
is the release's public digest. Every reader surface of the release derives
from the document alone (``releases.services.rendering``).

Document (``format`` 3; format 2 is the same without ``section_refs``, format 1
also without ``anchor``)::

    {"format": 3,
     "briefing": {"slug", "title", "publication", "author", "description"},
     "release": {"number", "kind", "published_at", "information_as_of", "summary", "url"},
     "snapshot": <the API snapshot, without its digest; each claim has its stable "anchor"
                  and its "section_refs">,
     "notes": [{"number", "key", "section", "source_text"}],     # notes in the editing format
     "sections": [{"key", "label", "changed", "change_summary"}],
     "sources": [{"id", "kind", "citation", "url", "accessed_on", "csl"}],
     "access_date": "YYYY-MM-DD" | null}

Format 2 adds to every claim of the snapshot its stable ``anchor``
(``releases.anchors``). Readers handle both: for a format-1 document the
anchors are derived from its frozen text with the same function
(``releases.selectors.history.content_of``). Format 3 (this code) adds to every
claim its ``section_refs``: a claim's ``text`` is what readers read, a reference
to a section written as its number 「４．（１）」, and each
``{"key", "offset", "length"}`` says where such a label stands (the editing
format's ``[[sec:key]]`` stays in the revision's body and claim rows, which the
export reads). Older documents have no section references.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from briefings.selectors.content import Content, SnapshotClaim, SnapshotSection
from core.dates import to_tokyo
from core.site import absolute_url
from releases.anchors import anchors_for
from sources.citations import to_csl

FORMAT = 3


def canonical_json(value: Any) -> str:
    """The canonical serialisation the digest is computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(document_text: str) -> str:
    return "sha256:" + hashlib.sha256(document_text.encode("utf-8")).hexdigest()


def datetime_text(value: dt.datetime) -> str:
    """A publication time as the API writes it: ISO 8601 in Asia/Tokyo."""
    return to_tokyo(value).isoformat()


def build_document(
    *,
    briefing: Any,
    release: Any,
    content: Content,
    sections: list[dict[str, Any]],
    sources: dict[int, Any],
    path: str,
) -> dict[str, Any]:
    """Return the artefact document of ``release`` (a pure function of its arguments).

    ``briefing``, ``release`` and ``sources`` are model instances (current or
    historical: a data migration freezes old releases with the same code);
    ``sections`` the per-section history metadata; ``path`` the release URL.
    """
    snapshot = _snapshot(briefing=briefing, release=release, content=content)
    _check_anchors_unique(snapshot)
    return {
        "format": FORMAT,
        "briefing": {name: getattr(briefing, name) for name in ("slug", "title", "publication", "author", "description")},
        "release": {
            "number": release.number,
            "kind": release.kind,
            "published_at": datetime_text(release.published_at),
            "information_as_of": release.information_as_of.isoformat(),
            "summary": release.summary,
            "url": absolute_url(path),
        },
        "snapshot": snapshot,
        "notes": [
            {"number": note.number, "key": note.key, "section": note.section_key, "source_text": note.source_text}
            for note in content.footnotes
        ],
        "sections": sections,
        "sources": [_source(sources[source_id]) for source_id in sorted(sources)],
        "access_date": _common_access_date(content),
    }


def _snapshot(*, briefing: Any, release: Any, content: Content) -> dict[str, Any]:
    """The snapshot as the API returns it (CONTRACT.md), without its digest."""
    return {
        "briefing": briefing.slug,
        "release": release.number,
        "kind": release.kind,
        "published_at": datetime_text(release.published_at),
        "information_as_of": release.information_as_of.isoformat(),
        "sections": [_section(section) for section in content.sections],
        "footnotes": [
            {
                "number": note.number,
                "key": note.key,
                "text": note.text,
                "sources": [
                    {
                        "id": c.source.id,
                        "kind": c.source.kind,
                        "citation": c.source.citation,
                        "url": c.source.url or None,
                        "accessed_on": c.source.accessed_on.isoformat() if c.source.accessed_on else None,
                        "locator": c.locator,
                    }
                    for c in note.citations
                ],
            }
            for note in content.footnotes
        ],
    }


def _claim(claim: SnapshotClaim, anchor: str) -> dict[str, Any]:
    return {
        "id": claim.id,
        "anchor": anchor,
        "text": claim.text,
        "footnote_refs": [{"number": ref.number, "offset": ref.offset} for ref in claim.refs],
        "section_refs": [{"key": ref.key, "offset": ref.offset, "length": ref.length} for ref in claim.sections],
    }


def _section(section: SnapshotSection) -> dict[str, Any]:
    anchors = iter(anchors_for(section.key, [claim.text for paragraph in section.paragraphs for claim in paragraph]))
    return {
        "key": section.key,
        "number": section.number,
        "heading": section.heading_text,
        "heading_footnote_refs": [
            {"number": ref.number, "offset": ref.offset} for ref in (section.heading.refs if section.heading else ())
        ],
        "level": section.level,
        "parent": section.parent,
        "revision": section.revision,
        "information_as_of": section.information_as_of.isoformat(),
        "paragraphs": [[_claim(claim, next(anchors)) for claim in paragraph] for paragraph in section.paragraphs],
    }


def _source(source: Any) -> dict[str, Any]:
    csl = to_csl(source)
    csl.pop("archive_location", None)  # link health and archives are live information, never frozen
    return {
        "id": source.pk,
        "kind": source.kind,
        "citation": source.citation,
        "url": source.url or None,
        "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
        "csl": csl,
    }


def _common_access_date(content: Content) -> str | None:
    """The access date most of the release's cited URLs share (stated once, as the paper does)."""
    dates = Counter(
        citation.source.accessed_on
        for note in content.footnotes
        for citation in note.citations
        if citation.source.url and citation.source.accessed_on
    )
    return dates.most_common(1)[0][0].isoformat() if dates else None


def _check_anchors_unique(snapshot: dict[str, Any]) -> None:
    """Refuse a (vanishingly unlikely) hash collision rather than publish two elements with one id."""
    anchors = [claim["anchor"] for section in snapshot["sections"] for p in section["paragraphs"] for claim in p]
    if len(anchors) != len(set(anchors)):
        raise ValueError("two sentences of the release have the same anchor; change one of them")
