"""Byte-exact responses of a release, derived from its frozen artefact only.

A ``ReleaseRendering`` holds, for one rendering version, the snapshot JSON the
API returns and the HTML of the page body (contents, text, notes). It is made
inside the publishing transaction for the current version, and for a newer
version (a template change: bump ``RENDER_VERSION``) on first use, always from
the artefact document, never from live rows. ``verify_releases`` renders again
and compares.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from briefings.models import Briefing
from core.dates import end_of_day_tokyo, is_future_day
from releases.models import Release, ReleaseRendering
from releases.selectors.history import MAX_NUMBER, Frozen, artefact_of, content_of, section_labels

RENDER_VERSION = "4"  # bump when _content.html, briefings/rendering.py output or the snapshot shape changes

# The API's field order (the artefact stores keys sorted; clients read them in this order).
_SNAPSHOT_ORDER = ("briefing", "release", "kind", "published_at", "information_as_of", "sections", "footnotes",
                   "digest")
_SECTION_ORDER = ("key", "number", "heading", "heading_footnote_refs", "level", "parent", "revision",
                  "information_as_of", "paragraphs")
_CLAIM_ORDER = ("id", "anchor", "text", "footnote_refs", "section_refs")
_REF_ORDER = ("number", "offset")
_SECTION_REF_ORDER = ("key", "offset", "length")
_NOTE_ORDER = ("number", "key", "text", "sources")
_SOURCE_ORDER = ("id", "kind", "citation", "url", "accessed_on", "locator")


def render_snapshot_json(document: dict[str, Any], digest: str) -> str:
    """The snapshot as ``/api/briefings/<slug>/snapshot/`` returns it, digest included."""
    snapshot = {**document["snapshot"], "digest": digest}
    ordered = _ordered(snapshot, _SNAPSHOT_ORDER)
    ordered["sections"] = [
        {
            **_ordered(section, _SECTION_ORDER),
            "heading_footnote_refs": [_ordered(ref, _REF_ORDER) for ref in section["heading_footnote_refs"]],
            "paragraphs": [
                [
                    {**_ordered(claim, _CLAIM_ORDER),
                     "footnote_refs": [_ordered(ref, _REF_ORDER) for ref in claim["footnote_refs"]],
                     # a document older than format 3 has none: the same shape for every release
                     "section_refs": [_ordered(ref, _SECTION_REF_ORDER) for ref in claim.get("section_refs", ())]}
                    for claim in paragraph
                ]
                for paragraph in section["paragraphs"]
            ],
        }
        for section in snapshot["sections"]
    ]
    ordered["footnotes"] = [
        {**_ordered(note, _NOTE_ORDER), "sources": [_ordered(source, _SOURCE_ORDER) for source in note["sources"]]}
        for note in snapshot["footnotes"]
    ]
    text = json.dumps(ordered, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # as DRF's JSONRenderer writes them


def render_content_html(document: dict[str, Any]) -> str:
    """The page body of the release: contents, sections with their claims, numbered notes."""
    return render_to_string(
        "releases/_content.html",
        {"content": content_of(document), "slug": document["briefing"]["slug"],
         "access_date": document["access_date"] and _date(document["access_date"])},
    )


def rendering_create(*, frozen: Frozen) -> ReleaseRendering:
    """Render and store the current version of ``frozen`` (inside the caller's transaction)."""
    return ReleaseRendering.objects.create(
        release=frozen.release,
        version=RENDER_VERSION,
        digest=frozen.digest,
        snapshot_json=render_snapshot_json(frozen.document, frozen.digest),
        content_html=render_content_html(frozen.document),
        page_meta=render_page_meta(frozen.document, frozen.digest),
    )


def render_page_meta(document: dict[str, Any], digest: str) -> dict[str, Any]:
    """What the page around the body needs of the artefact.

    The briefing and the release as published (title, author, number, dates,
    note: for the header, the citations and the meta tags), the digest, how
    readers name each section, the cited sources' ids (to look up archived
    copies, which are live) and the common access date.
    """
    return {
        "briefing": document["briefing"], "digest": digest, "url": document["release"]["url"],
        "release": document["release"], "labels": section_labels(content_of(document)),
        "source_ids": [source["id"] for source in document["sources"]], "access_date": document["access_date"],
    }


def rendering_for(*, release: Release, fields: tuple[str, ...] = ("snapshot_json", "content_html", "page_meta")) -> dict[str, Any]:
    """The current rendering of ``release`` (the requested fields), made from its artefact if missing."""
    row = ReleaseRendering.objects.filter(release=release, version=RENDER_VERSION).values(*fields).first()
    if row is not None:
        return row  # type: ignore[return-value]
    frozen = artefact_of(release=release)
    try:
        with transaction.atomic():
            rendering = rendering_create(frozen=frozen)
    except IntegrityError:  # made by a concurrent request meanwhile
        rendering = ReleaseRendering.objects.get(release=release, version=RENDER_VERSION)
    return {name: getattr(rendering, name) for name in fields}


def stored_snapshot_json(*, slug: str, number: int | None = None, as_of: dt.date | None = None) -> str | None:
    """The stored snapshot JSON the snapshot API returns, in one query; None when it must take the long way.

    The hot path of ``/api/briefings/<slug>/snapshot/``: the rendering row of
    the public release asked for (``number``, else the one in force at the end
    of ``as_of``, else the latest), joined to its release and briefing. None
    for anything else (no such briefing or release, a future date, a rendering
    not made yet for this version): the caller then resolves the release with
    its error messages and ``rendering_for``.
    """
    now = timezone.now()
    if number is not None and not 0 < number <= MAX_NUMBER:
        return None
    if as_of is not None and is_future_day(as_of):
        return None
    until = min(now, end_of_day_tokyo(as_of)) if as_of is not None else now
    sql = _SNAPSHOT_SQL.format(number=" AND r.number = %s" if number is not None else "")
    params: list[Any] = [RENDER_VERSION, slug, connection.ops.adapt_datetimefield_value(until)]
    if number is not None:
        params.append(number)
    with connection.cursor() as cursor:  # hand-written: building the ORM query costs more than running it
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row is not None else None


_SNAPSHOT_SQL = (
    # The release first (a seek down its as-of index), then its rendering by its unique key, whatever the
    # planner thinks of the join (as a join, the as-of snapshot measured 2.1x at 5,000 releases its cost at 1);
    # and a newest release without a rendering of this version takes the long way, never an older one's.
    f"SELECT rr.snapshot_json FROM {ReleaseRendering._meta.db_table} rr WHERE rr.version = %s AND rr.release_id = ("
    f"SELECT r.id FROM {Release._meta.db_table} r JOIN {Briefing._meta.db_table} b ON b.id = r.briefing_id"
    " WHERE b.slug = %s AND r.published_at <= %s{number} ORDER BY r.published_at DESC, r.number DESC LIMIT 1)"
)


def _ordered(item: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {name: item[name] for name in order if name in item}


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
