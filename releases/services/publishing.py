"""Create a release and freeze it: the publisher the editorial workflow calls (``briefings.publication``).

Inside the workflow's transaction (the briefing row is already locked), in one go:
the release row, its manifest, its footnote numbering, the artefact document and
its digest, the index of its sentences' anchors and their spans of releases, the
current rendering and page frame, and the publication of the sources it cites
(the stored live state, whose newest release this changes, is dropped).
Either all of it exists or none of it does. After commit, ``release_published``
is sent (cache purge, the PDF, notifications of readers).
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from briefings.markup import cross_references, section_references, without_marks
from briefings.models import Briefing, Claim, Footnote, ReleaseKind, Section, SectionRevision
from briefings.publication import PublishConflict, PublishedRelease, PublishRequest
from briefings.selectors.content import Content, assemble, footnote_numbering, published_manifest, source_updates_of
from releases.anchors import document_anchors
from releases.models import ClaimAnchor, ClaimSpan, Release, ReleaseArtefact, ReleaseSection
from releases.selectors.claims import indexed_spans
from releases.selectors.history import Frozen, section_labels
from releases.services.freezing import build_document, canonical_json, digest_of
from releases.services.live import live_state_changed
from releases.services.pages import page_frame
from releases.services.rendering import rendering_create
from releases.signals import release_published
from sources.models import Source
from sources.services import sources_publish


def release_publish(request: PublishRequest) -> PublishedRelease:
    """Publish the briefing's current published revisions as its next release, frozen.

    Raises ``PublishConflict`` when the release would be dated before the
    previous one, when a cross-reference (``[[fn:key]]``) would point at a
    footnote missing from the release, when a section reference
    (``[[sec:key]]``) would point at a section missing from it, or when two
    sections define one key.
    """
    briefing = Briefing.objects.get(pk=request.briefing_id)
    previous = Release.objects.of(briefing).order_by("-number").first()
    if previous is not None and previous.published_at > request.published_at:
        raise PublishConflict("前の版より前の日時で公開することはできません。")
    manifest = published_manifest(briefing_id=briefing.pk)
    numbers = _numbering([revision.pk for _section, revision in manifest])
    _check_section_references(manifest)
    release = Release.objects.create(
        briefing=briefing,
        number=(previous.number + 1) if previous else 1,
        kind=request.kind,
        published_at=request.published_at,
        information_as_of=_cutoff(request, previous, [revision for _s, revision in manifest]),
        summary=_summary(request, [revision for _s, revision in manifest]),
        published_by_id=request.actor_id,
        footnote_numbers=numbers,
    )
    content = assemble(manifest, numbers)
    sections = _manifest_create(release, manifest, content, previous)
    frozen = release_freeze(release=release, briefing=briefing, content=content, sections=sections)
    anchors = document_anchors(frozen.document["snapshot"])
    claim_anchors_create(frozen=frozen, rows=anchors)
    claim_spans_extend(release=release, anchors={anchor for _key, _revision, _claim, anchor in anchors})
    rendering_create(frozen=frozen)
    page_frame(release=release)
    live_state_changed()
    sources_publish(source_ids=_cited_source_ids(content), at=release.published_at)
    backdated = request.published_at < timezone.now() - dt.timedelta(minutes=1)
    transaction.on_commit(
        lambda: release_published.send(sender=Release, release_id=release.pk, backdated=backdated)
    )
    return PublishedRelease(release.pk, release.number)


def release_freeze(
    *, release: Release, briefing: Briefing, content: Content, sections: list[dict[str, object]]
) -> Frozen:
    """Store the artefact of ``release``: its canonical document and digest."""
    source_ids = _cited_source_ids(content)
    document = build_document(
        briefing=briefing,
        release=release,
        content=content,
        sections=sections,
        sources=Source.objects.in_bulk(source_ids),
        path=f"/briefings/{briefing.slug}/releases/{release.number}/",
    )
    text = canonical_json(document)
    digest = digest_of(text)
    ReleaseArtefact.objects.create(release=release, format=document["format"], document=text, digest=digest)
    return Frozen(release, text, digest)


def claim_anchors_create(*, frozen: Frozen, rows: list[tuple[str, int, int, str]]) -> list[ClaimAnchor]:
    """Index the anchors of the sentences of revisions this release shows for the first time.

    ``rows``: the frozen document's ``releases.anchors.document_anchors``.
    """
    briefing_id = frozen.release.briefing_id
    revisions = {revision_id for _key, revision_id, _claim, _anchor in rows}
    done = set(ClaimAnchor.objects.filter(revision_id__in=revisions).values_list("revision_id", flat=True).distinct())
    sections = dict(Section.objects.filter(briefing_id=briefing_id).values_list("key", "pk"))
    return ClaimAnchor.objects.bulk_create(
        ClaimAnchor(briefing_id=briefing_id, anchor=anchor, section_id=sections[key], revision_id=revision_id,
                    claim_id=claim_id)
        for key, revision_id, claim_id, anchor in rows
        if revision_id not in done
    )


def claim_spans_extend(*, release: Release, anchors: set[str]) -> None:
    """Add ``release`` to the span of every sentence it shows (``anchors``): two statements, whatever the history.

    Inside the publisher's transaction, with the briefing row locked: releases
    of one briefing are added one at a time, in number order. No batch size:
    the paper's 139 sentences, or a briefing ten times its size, are one
    statement on PostgreSQL (Django splits them where SQLite needs it).
    """
    counts = dict(
        ClaimSpan.objects.filter(briefing_id=release.briefing_id, anchor__in=anchors).values_list("anchor", "count")
    )
    ClaimSpan.objects.bulk_create(
        [
            # ``first`` is not among the fields a conflict updates: a known sentence keeps its first release
            ClaimSpan(briefing_id=release.briefing_id, anchor=anchor, first=release.number, last=release.number,
                      count=counts.get(anchor, 0) + 1)
            for anchor in sorted(anchors)
        ],
        update_conflicts=True,
        unique_fields=("briefing", "anchor"),
        update_fields=("last", "count"),
    )


def claim_spans_rebuild(*, briefing_id: int) -> int:
    """Replace the briefing's spans with what the anchor index and the manifests say; return how many.

    For a backup made before spans existed (``restore_backup``); the publisher
    extends them release by release.
    """
    spans = indexed_spans(briefing_id=briefing_id)
    ClaimSpan.objects.filter(briefing_id=briefing_id).delete()
    ClaimSpan.objects.bulk_create(
        (ClaimSpan(briefing_id=briefing_id, anchor=anchor, first=first, last=last, count=count)
         for anchor, (first, last, count) in sorted(spans.items())),
        batch_size=1000,
    )
    return len(spans)


def _summary(request: PublishRequest, revisions: list[SectionRevision]) -> str:
    """The release note, naming every corrected source the release brings (reviewed with its revision)."""
    lines = [request.summary] if request.summary else []
    brought = [revision for revision in revisions if revision.pk in request.revision_ids]
    updates = source_updates_of(revisions=brought)  # one query for the whole release
    for revision in brought:
        lines.extend(
            f"出典の修正（注[^{update.footnote_key}]）：{update.old.citation} → {update.new.citation}"
            for update in updates.get(revision.pk, ())
        )
    return "\n".join(lines)


def _numbering(revision_ids: list[int]) -> dict[str, int]:
    numbering, duplicates = footnote_numbering(revision_ids)
    if duplicates:
        keys = "」「".join(duplicates)
        raise PublishConflict(f"脚注キー「{keys}」が複数の節で使われています。キーは一意にしてください。")
    missing: list[str] = []
    for key, text in Footnote.objects.filter(revision_id__in=revision_ids).values_list("key", "text"):
        missing.extend(f"脚注[^{key}]が参照する[[fn:{t}]]" for t in cross_references(text) if t not in numbering)
    if missing:
        raise PublishConflict(
            "参照先の脚注が公開版に存在しません: " + "、".join(missing) + "。参照を直してから承認してください。",
            extra={"missing": missing},
        )
    return numbering


def _check_section_references(manifest: list[tuple[Section, SectionRevision]]) -> None:
    """Refuse a ``[[sec:key]]`` whose section the release would not show (one query)."""
    shown = {section.key for section, _revision in manifest}
    rows = (
        Claim.objects.filter(revision_id__in=[revision.pk for _section, revision in manifest], text__contains="[[sec:")
        .order_by("revision__section__position", "position")
        .values_list("revision__section__key", "text")
    )
    missing = list(dict.fromkeys(
        f"節「{section}」の[[sec:{key}]]" for section, text in rows for _s, _e, key in section_references(text)
        if key not in shown
    ))
    if missing:
        raise PublishConflict(
            "参照先の節が公開版に存在しません: " + "、".join(missing)
            + "。参照を直すか、参照先の節を先に公開してください。",
            extra={"missing_sections": missing},
        )


def _cutoff(request: PublishRequest, previous: Release | None, revisions: list[SectionRevision]) -> dt.date:
    """An update moves the information cutoff to its newest revision; a minor change or a correction keeps it."""
    if request.information_as_of is not None:
        return request.information_as_of
    if request.kind in (ReleaseKind.CORRECTION, ReleaseKind.MINOR) and previous is not None:
        return previous.information_as_of
    brought = [revision.information_as_of for revision in revisions if revision.pk in request.revision_ids]
    return max([*brought, *([previous.information_as_of] if previous else [])])


def _manifest_create(
    release: Release, manifest: list[tuple[Section, SectionRevision]], content: Content, previous: Release | None
) -> list[dict[str, object]]:
    """Write the manifest rows (with what history pages need) and return the same as document data."""
    before = dict(previous.entries.values_list("section_id", "revision_id")) if previous else {}
    labels = section_labels(content)  # 「４．（１）…」: how readers name a section
    rows = []
    for position, (section, revision) in enumerate(manifest):
        changed = before.get(section.pk) != revision.pk
        rows.append(ReleaseSection(
            release=release, section=section, revision=revision, position=position,
            label=labels.get(section.key) or f"{revision.number}{without_marks(revision.heading)}",
            information_as_of=revision.information_as_of,
            change_summary=revision.change_summary if changed else "",
            changed=changed,
        ))
    ReleaseSection.objects.bulk_create(rows)
    return [
        {"key": row.section.key, "label": row.label, "changed": row.changed, "change_summary": row.change_summary}
        for row in rows
    ]


def _cited_source_ids(content: Content) -> list[int]:
    return sorted({citation.source.id for note in content.footnotes for citation in note.citations})
