"""The bibliography: every source, with the notes and sections of the latest releases citing it."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from briefings.markup import without_marks
from briefings.models import Briefing, Citation, Release, ReleaseSection
from briefings.selectors.history import release_latest
from sources.models import Source


@dataclass(frozen=True)
class CitingNote:
    briefing: Briefing
    release: Release
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
    sources = Source.objects.all()
    if kind:
        sources = sources.filter(kind=kind)
    if domain:
        sources = sources.filter(url_domain=domain)
    if q:
        sources = sources.filter(Q(citation__icontains=q) | Q(title__icontains=q) | Q(url__icontains=q))
    return sources


def bibliography(*, sources: QuerySet[Source]) -> list[BibliographyEntry]:
    """Sources in the order the latest releases first cite them (then the uncited ones).

    Four queries plus one per briefing (its latest public release).
    """
    entries = {
        source.pk: BibliographyEntry(source)
        for source in sources.select_related("link_health").order_by("kind", "citation", "pk")
    }
    latest = [r for r in (release_latest(briefing=b) for b in Briefing.objects.all()) if r is not None]
    if entries and latest:
        manifest = {
            entry.revision_id: entry
            for entry in ReleaseSection.objects.filter(release__in=latest).select_related("release__briefing", "section", "revision")
        }
        citations = Citation.objects.filter(
            footnote__revision_id__in=manifest, source_id__in=entries
        ).values_list("source_id", "footnote__key", "footnote__revision_id", "locator")
        for source_id, key, revision_id, locator in citations:
            row = manifest[revision_id]
            number = row.release.footnote_numbers.get(key)
            if number is None:
                continue
            label = f"{row.revision.number}{without_marks(row.revision.heading)}"
            entries[source_id].notes.append(
                CitingNote(row.release.briefing, row.release, number, row.section.key, label, locator)
            )
    for entry in entries.values():
        entry.notes.sort(key=lambda note: (note.briefing.pk, note.number))
    return sorted(entries.values(), key=lambda entry: (entry.first_number, entry.source.kind, entry.source.citation))


def citing_notes(*, source_ids: list[int]) -> dict[int, list[CitingNote]]:
    """The notes of the latest releases citing each of ``source_ids``."""
    entries = bibliography(sources=Source.objects.filter(pk__in=source_ids))
    return {entry.source.pk: entry.notes for entry in entries}
