"""A release exported in the editing format: everything needed to import it again elsewhere.

The bundle (JSON, ``format: "briefing-bundle/1"``) holds the briefing's
metadata and the release's publication facts as frozen in its artefact, and
each section of its manifest with the revision's body in the editing format
(``[^key]`` references, ``[^key]:`` notes, ``[[fn:key]]`` cross-references)
and the citations of its notes with the sources' structured fields. All of it
is read from frozen rows (the release's artefact, manifest and revisions, the
sources they cite), so it is the release as published. ``briefing_import_bundle``
(``briefings.services.importing``) reads it back.
"""
from __future__ import annotations

from typing import Any

from briefings.models import Citation
from releases.models import Release, ReleaseSection
from releases.selectors.history import artefact_of

FORMAT = "briefing-bundle/1"
SOURCE_FIELDS = ("kind", "title", "container", "volume", "author", "publisher", "issued_text", "url", "pages")


def release_export(*, release: Release) -> dict[str, Any]:
    """Return the bundle of ``release`` (a JSON-ready dict)."""
    document = artefact_of(release=release).document
    entries = list(
        ReleaseSection.objects.filter(release=release).select_related("section__parent", "revision").order_by("position")
    )
    revisions = [entry.revision for entry in entries]
    citations = list(
        Citation.objects.filter(footnote__revision__in=revisions)
        .select_related("footnote__revision__section", "source")
        .order_by("footnote__revision__section__position", "footnote__position", "position")
    )
    sources = {citation.source_id: citation.source for citation in citations}
    return {
        "format": FORMAT,
        "briefing": document["briefing"],
        "release": {name: document["release"][name]
                    for name in ("number", "kind", "published_at", "information_as_of", "summary")},
        "sections": [
            {
                "key": entry.section.key,
                "parent": entry.section.parent.key if entry.section.parent_id else None,
                "number": entry.revision.number,
                "heading": entry.revision.heading,
                "body": entry.revision.body,
                "information_as_of": entry.revision.information_as_of.isoformat(),
                "change_summary": entry.revision.change_summary,
            }
            for entry in entries
        ],
        "sources": [
            {"ref": f"s{source.pk}", **{name: getattr(source, name) for name in SOURCE_FIELDS},
             "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None}
            for source in sorted(sources.values(), key=lambda s: s.pk)
        ],
        "citations": [
            {"section": c.footnote.revision.section.key, "note": c.footnote.key, "position": c.position,
             "source": f"s{c.source_id}", "locator": c.locator}
            for c in citations
        ],
    }
