"""The as-of query and the frozen release: the only code that knows how history is stored.

* ``release_as_of`` is one index seek on ``release_as_of`` (briefing,
  -published_at, -number) for the newest release published at or before a
  moment, never a scan of revisions; releases dated in the future are never
  returned (``Release.objects.published``).
* ``artefact_of`` reads a release's frozen artefact; ``content_of`` turns its
  document back into the reader structures the templates render. Nothing here
  reads live revision, claim, footnote, citation or source rows.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Max, Min, Q
from django.utils import timezone

from briefings.markup import section_display_label
from briefings.models import Briefing, ReleaseKind
from briefings.selectors.content import (
    CitedSource,
    Content,
    SnapshotCitation,
    SnapshotClaim,
    SnapshotFootnote,
    SnapshotRef,
    SnapshotSection,
    SnapshotSectionRef,
)
from core.errors import NotFound
from releases.anchors import anchors_for
from releases.models import Release, ReleaseArtefact, ReleaseSection


def release_as_of(*, briefing: Briefing, at: dt.datetime) -> Release | None:
    """Return the release in force at ``at`` (the newest published at or before it)."""
    return Release.objects.of(briefing).in_force_at(at).select_related("briefing").first()


def release_as_of_date(*, briefing: Briefing, day: dt.date) -> Release | None:
    """Return the release in force at the end of ``day`` in Asia/Tokyo."""
    return Release.objects.of(briefing).as_of(day).select_related("briefing").first()


def release_latest(*, briefing: Briefing) -> Release | None:
    return Release.objects.of(briefing).published().newest_first().select_related("briefing").first()


MAX_NUMBER = 2**31 - 1  # the column is a 32-bit integer


def release_by_number(*, briefing: Briefing, number: int) -> Release | None:
    if not 0 < number <= MAX_NUMBER:  # a number no release can have, never sent to the database
        return None
    return Release.objects.of(briefing).published().filter(number=number).select_related("briefing").first()


def release_by_slug(*, slug: str, number: int) -> Release | None:
    """Release ``number`` of the briefing ``slug`` if public, with its briefing, in one query.

    The hot path of release pages; a miss says nothing about why (unknown
    briefing or release): callers take the long way for the message.
    """
    if not 0 < number <= MAX_NUMBER:
        return None
    return Release.objects.published().filter(briefing__slug=slug, number=number).select_related("briefing").first()


def release_first(*, briefing: Briefing) -> Release | None:
    return Release.objects.of(briefing).published().order_by("published_at", "number").select_related("briefing").first()


def release_next(*, release: Release) -> Release | None:
    """Return the release published after ``release``, if one is already public."""
    return (
        Release.objects.of(release.briefing_id).published()
        .filter(number__gt=release.number)
        .order_by("number")
        .first()
    )


def release_previous(*, release: Release) -> Release | None:
    return Release.objects.of(release.briefing_id).published().filter(number__lt=release.number).order_by("-number").first()


@dataclass(frozen=True)
class TimeMapPage:
    """One page of a TimeMap: the public releases numbered ``start`` to ``start + size - 1``, oldest first.

    ``rows`` are (number, published_at) pairs. ``first``/``last`` are the whole
    history's first and last public releases; ``before``/``after`` the rows of
    the neighbouring pages (empty when there is none), which the page links to
    with their ``from`` and ``until`` (the Memento convention for paged TimeMaps).
    """

    start: int
    size: int
    rows: list[tuple[int, dt.datetime]]
    first: tuple[int, dt.datetime] | None
    last: tuple[int, dt.datetime] | None
    before: list[tuple[int, dt.datetime]]
    after: list[tuple[int, dt.datetime]]


def timemap_page(*, briefing: Briefing, size: int, start: int | None = None) -> TimeMapPage:
    """Page ``start`` (the newest page if None) of the TimeMap: pages hold ``size`` release numbers each.

    Pages are fixed ranges of release numbers (1–size, size+1–2·size, …), so a
    full page never changes. Two index range scans on (briefing, number),
    whatever the length of the history: the first and last public numbers,
    then the rows of this page, the page before and the page after. Never an
    ``OFFSET``, never the whole history.
    """
    public = Release.objects.of(briefing).published()
    bounds = public.aggregate(low=Min("number"), high=Max("number"))
    if bounds["high"] is None:
        return TimeMapPage(1, size, [], None, None, [], [])
    start = bounds["high"] if start is None else max(1, min(start, MAX_NUMBER))
    start = (start - 1) // size * size + 1  # the page that holds it: pages are fixed ranges
    window = public.filter(
        Q(number__gte=max(1, start - size), number__lt=start + 2 * size) | Q(number__in=(bounds["low"], bounds["high"]))
    ).order_by("number").values_list("number", "published_at")
    rows = {number: published for number, published in window}
    around = sorted(rows.items())
    return TimeMapPage(
        start=start, size=size,
        rows=[row for row in around if start <= row[0] < start + size],
        first=(bounds["low"], rows[bounds["low"]]) if bounds["low"] in rows else None,
        last=(bounds["high"], rows[bounds["high"]]) if bounds["high"] in rows else None,
        before=[row for row in around if start - size <= row[0] < start],
        after=[row for row in around if start + size <= row[0] < start + 2 * size],
    )


@dataclass(frozen=True)
class ReleasePage:
    """A page of the release list, newest first, and whether there are newer and older releases beyond it."""

    releases: list[Release]
    newer: bool
    older: bool


def release_page(*, briefing: Briefing, size: int, kind: str = "", before: int | None = None,
                 after: int | None = None) -> ReleasePage:
    """Public releases of ``briefing``, newest first, ``size`` at most (``kind`` filters).

    Keyset pagination on the release number: ``before`` gives the newest
    releases numbered below it, ``after`` the oldest above it (shown newest
    first); neither gives the newest. Two index seeks on (briefing, number),
    whatever the length of the history: the page (one row more, to know whether
    there are older ones) and whether a release lies beyond it on the other side.
    """
    releases = Release.objects.of(briefing).published().select_related("briefing")
    if kind:
        releases = releases.filter(kind=kind)
    if after is not None:
        rows = list(releases.filter(number__gt=after).order_by("number")[:size + 1])
        newer = len(rows) > size
        rows = rows[:size][::-1]
        older = bool(rows) and releases.filter(number__lt=rows[-1].number).exists()
        return ReleasePage(rows, newer, older)
    rows = list((releases.filter(number__lt=before) if before is not None else releases).order_by("-number")[:size + 1])
    older = len(rows) > size
    rows = rows[:size]
    newer = before is not None and bool(rows) and releases.filter(number__gt=rows[0].number).exists()
    return ReleasePage(rows, newer, older)


def manifests_of(*, releases: list[Release]) -> dict[int, list[dict[str, Any]]]:
    """Each release's manifest as ``{"key", "revision"}`` in page order, in one query (tuples, not model rows)."""
    result: dict[int, list[dict[str, Any]]] = {release.pk: [] for release in releases}
    rows = (
        ReleaseSection.objects.filter(release__in=list(result)).order_by("release_id", "position")
        .values_list("release_id", "section__key", "revision_id")
    )
    for release_id, key, revision in rows:
        result[release_id].append({"key": key, "revision": revision})
    return result


def corrections_up_to(*, release: Release) -> int:
    """How many corrections the briefing has had up to and including ``release`` (a fact fixed with it)."""
    corrections = Release.objects.of(release.briefing_id).filter(kind=ReleaseKind.CORRECTION)
    return corrections.filter(number__lte=release.number).count()


@dataclass(frozen=True)
class Neighbours:
    """The releases around one release: what Memento and the page's navigation link to."""

    first: Release
    previous: Release | None
    next: Release | None
    last: Release


_RELEASE = Release._meta.db_table
_PUBLIC = "{t}.briefing_id = %s AND {t}.published_at <= %s"
_NEIGHBOURS = (
    "SELECT " + ", ".join(f"r.{field.column}" for field in Release._meta.concrete_fields) + f" FROM {_RELEASE} r"
    f" WHERE {_PUBLIC.format(t='r')} AND r.number IN ("
    f"(SELECT f.number FROM {_RELEASE} f WHERE {_PUBLIC.format(t='f')} ORDER BY f.published_at, f.number LIMIT 1), "
    f"(SELECT p.number FROM {_RELEASE} p WHERE {_PUBLIC.format(t='p')} AND p.number < %s"
    " ORDER BY p.number DESC LIMIT 1), "
    f"(SELECT n.number FROM {_RELEASE} n WHERE {_PUBLIC.format(t='n')} AND n.number > %s ORDER BY n.number LIMIT 1))"
)


def neighbours_of(*, release: Release, latest: Release) -> Neighbours:
    """First, previous, next and last public releases around ``release``.

    One query (none for the only release): the first public release is the
    earliest published (as ``release_first``), the previous and next are the
    nearest public numbers below and above.
    """
    if release.number == 1 and release.pk == latest.pk:
        return Neighbours(release, None, None, latest)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    briefing_id = release.briefing_id
    params = [briefing_id, now, briefing_id, now, briefing_id, now, release.number, briefing_id, now, release.number]
    rows = list(Release.objects.raw(_NEIGHBOURS, params))  # hand-written: the hot path of every release page
    if Release.briefing.is_cached(release):
        for row in rows:
            row.briefing = release.briefing
    before = [row for row in rows if row.number < release.number]
    after = [row for row in rows if row.number > release.number]
    return Neighbours(
        first=min(before, key=lambda row: (row.published_at, row.number)) if before else release,
        previous=max(before, key=lambda row: row.number) if before else None,
        next=min(after, key=lambda row: row.number) if after else None,
        last=latest,
    )


def section_labels(content: Content) -> dict[str, str]:
    """How readers name each section of a release: 「４．（１）ロシア・ウクライナの攻防と国際社会の動き」.

    A subsection is named with its chapter's number; a section without a
    heading (the lead) is 「冒頭」.
    """
    numbers = {section.key: section.number for section in content.sections}
    return {
        section.key: section_display_label(
            chapter=numbers.get(section.parent, "") if section.parent else "", number=section.number,
            heading=section.heading_text,
        )
        for section in content.sections
    }


@dataclass(frozen=True)
class Frozen:
    """A release with its artefact: the document (parsed on demand) and its digest."""

    release: Release
    document_text: str
    digest: str

    @cached_property
    def document(self) -> dict[str, Any]:
        return json.loads(self.document_text)  # type: ignore[no-any-return]

    @cached_property
    def content(self) -> Content:
        return content_of(self.document)


def artefact_of(*, release: Release) -> Frozen:
    """The frozen artefact of ``release`` (one query)."""
    row = ReleaseArtefact.objects.filter(release=release).values_list("document", "digest").first()
    if row is None:
        raise NotFound(f"第{release.number}版の保存物がありません（verify_releases で確認してください）。")
    return Frozen(release, row[0], row[1])


def cited_sources_csl(frozen: Frozen) -> list[dict[str, Any]]:
    """The CSL-JSON items of every source ``frozen`` cites, once each, in the order of first citation.

    The items are the CSL stored in the artefact at publication (never the live
    source rows): a source corrected later, or given an archived copy, leaves
    them as they were. Read from the notes in number order, then each note's
    citations in their order.
    """
    stored = {source["id"]: source["csl"] for source in frozen.document["sources"]}
    notes = sorted(frozen.document["snapshot"]["footnotes"], key=lambda note: note["number"])
    first_cited = dict.fromkeys(source["id"] for note in notes for source in note["sources"])
    return [stored[source_id] for source_id in first_cited]


def content_of(document: dict[str, Any]) -> Content:
    """Rebuild the reader structures of a release from its document alone (format 1, 2 or 3).

    Format 2 carries each sentence's anchor; for format 1 it is derived from the
    frozen text by the function that froze format 2 (``releases.anchors``).
    Format 3 carries the section references; older documents have none.
    """
    snapshot = document["snapshot"]
    numbers = {note["key"]: note["number"] for note in snapshot["footnotes"]}
    keys = {number: key for key, number in numbers.items()}
    notes = {note["key"]: note for note in document["notes"]}

    def refs(items: list[dict[str, int]]) -> tuple[SnapshotRef, ...]:
        return tuple(SnapshotRef(keys[ref["number"]], ref["number"], ref["offset"]) for ref in items)

    sections = []
    for item in snapshot["sections"]:
        heading_refs = refs(item["heading_footnote_refs"])
        claims = [claim for paragraph in item["paragraphs"] for claim in paragraph]
        derived = iter(anchors_for(item["key"], [claim["text"] for claim in claims]))
        anchors = {id(claim): claim.get("anchor") or next(derived) for claim in claims}
        sections.append(SnapshotSection(
            key=item["key"],
            number=item["number"],
            heading=SnapshotClaim(0, item["heading"], heading_refs) if item["heading"] or heading_refs else None,
            level=item["level"],
            parent=item["parent"],
            revision=item["revision"],
            information_as_of=dt.date.fromisoformat(item["information_as_of"]),
            paragraphs=[
                [SnapshotClaim(claim["id"], claim["text"], refs(claim["footnote_refs"]), anchors[id(claim)],
                               tuple(SnapshotSectionRef(**ref) for ref in claim.get("section_refs", ())))
                 for claim in paragraph]
                for paragraph in item["paragraphs"]
            ],
        ))
    footnotes = [
        SnapshotFootnote(
            number=note["number"],
            key=note["key"],
            source_text=notes[note["key"]]["source_text"],
            text=note["text"],
            citations=[_citation(source) for source in note["sources"]],
            section_key=notes[note["key"]]["section"],
        )
        for note in snapshot["footnotes"]
    ]
    return Content(sections, footnotes, numbers)


def _citation(item: dict[str, Any]) -> SnapshotCitation:
    accessed = dt.date.fromisoformat(item["accessed_on"]) if item["accessed_on"] else None
    return SnapshotCitation(
        CitedSource(item["id"], item["kind"], item["citation"], item["url"] or "", accessed), item["locator"]
    )
