"""The bibliography readers see: public sources, with the notes of the latest releases citing them."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery

from releases.models import Release, ReleaseArtefact
from releases.selectors.history import Frozen
from sources.models import Source


@dataclass(frozen=True)
class CitingNote:
    briefing_slug: str
    briefing_title: str
    release_number: int
    number: int
    section_key: str
    section_label: str
    locator: str


@dataclass
class BibliographyEntry:
    source: Source
    notes: list[CitingNote] = field(default_factory=list)

    @property
    def first_number(self) -> int:
        return min((note.number for note in self.notes), default=10**9)


def source_queryset(*, kind: str = "", domain: str = "", q: str = "") -> QuerySet[Source]:
    """Public sources matching the filters (drafts' sources are for editors alone)."""
    sources = Source.objects.public()
    if kind:
        sources = sources.filter(kind=kind)
    if domain:
        sources = sources.filter(url_domain=domain)
    if q:
        sources = sources.filter(Q(citation__icontains=q) | Q(title__icontains=q) | Q(url__icontains=q))
    return sources


def latest_artefacts() -> list[Frozen]:
    """The artefact of every briefing's latest public release. Two queries whatever the number of briefings."""
    latest = Release.objects.published().filter(briefing=OuterRef("briefing")).newest_first().values("pk")[:1]
    releases = list(
        Release.objects.published().filter(pk=Subquery(latest)).select_related("briefing").order_by("briefing_id")
    )
    documents = dict(ReleaseArtefact.objects.filter(release__in=releases).values_list("release_id", "document"))
    digests = dict(ReleaseArtefact.objects.filter(release__in=releases).values_list("release_id", "digest"))
    return [Frozen(release, documents[release.pk], digests[release.pk]) for release in releases if release.pk in documents]


def citing_notes(*, source_ids: set[int] | None = None) -> dict[int, list[CitingNote]]:
    """The notes of the latest public releases citing each source (all sources when ``None``)."""
    notes: dict[int, list[CitingNote]] = {}
    for frozen in latest_artefacts():
        content = frozen.content
        labels = {section.key: section.label for section in content.sections}
        briefing = frozen.document["briefing"]
        for note in content.footnotes:
            for citation in note.citations:
                if source_ids is not None and citation.source.id not in source_ids:
                    continue
                notes.setdefault(citation.source.id, []).append(CitingNote(
                    briefing["slug"], briefing["title"], frozen.release.number, note.number, note.section_key,
                    labels.get(note.section_key, ""), citation.locator,
                ))
    return notes


@dataclass
class BibliographyPage:
    entries: list[BibliographyEntry]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def bibliography_page(*, sources: QuerySet[Source], page: int, per_page: int) -> BibliographyPage:
    """One page of the sources, in the order the latest releases first cite them (then the others).

    The order needs every matching source's sort key (pk, kind, citation: a
    narrow read) and the notes of the latest releases (one artefact per
    briefing, not per release); full rows and their link health are read for
    the ``per_page`` sources shown only. A fixed number of queries whatever
    the number of sources, briefings or releases.
    """
    notes = citing_notes()
    first = {source_id: min(note.number for note in cited) for source_id, cited in notes.items()}
    keys = sorted(sources.values_list("pk", "kind", "citation"),
                  key=lambda row: (first.get(row[0], 10**9), row[1], row[2]))
    count = len(keys)
    num_pages = max((count + per_page - 1) // per_page, 1)
    shown = [row[0] for row in keys[(page - 1) * per_page:page * per_page]]
    rows = Source.objects.filter(pk__in=shown).select_related("link_health").in_bulk()
    entries = []
    for pk in shown:
        entry = BibliographyEntry(rows[pk])
        entry.notes = sorted(notes.get(pk, []), key=lambda note: (note.briefing_slug, note.number))
        entries.append(entry)
    return BibliographyPage(entries, page, num_pages, count)
