"""Create releases: the frozen manifest of a briefing and its footnote numbering."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from briefings.markup import cross_references
from briefings.models import (
    Briefing,
    Footnote,
    FootnoteReference,
    Release,
    ReleaseKind,
    ReleaseSection,
    RevisionStatus,
    Section,
    SectionRevision,
)
from briefings.selectors.history import footnote_numbering
from core.errors import Conflict, NotFound

if TYPE_CHECKING:
    from briefings.services.workflow import User


class PublishConflict(Conflict):
    code = "publish_conflict"


def lock_briefing(briefing_id: int) -> Briefing:
    """Lock the briefing row: releases of one briefing are created one at a time."""
    try:
        return Briefing.objects.select_for_update().get(pk=briefing_id)
    except Briefing.DoesNotExist as exc:
        raise NotFound(f"ブリーフィング{briefing_id}は存在しません。") from exc


def current_published_revision_id(*, section_id: int) -> int | None:
    return (
        SectionRevision.objects.filter(section_id=section_id, status=RevisionStatus.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )


def release_publish(
    *,
    briefing_id: int,
    revisions: Sequence[SectionRevision],
    actor: User | None,
    action: str,
    comment: str = "",
    published_at: dt.datetime | None = None,
    kind: str = ReleaseKind.UPDATE,
    information_as_of: dt.date | None = None,
    summary: str = "",
) -> Release:
    """Publish ``revisions`` as the next release of the briefing.

    Runs inside the caller's transaction with the briefing row locked, so the
    release, its manifest, its footnote numbering and the revisions' new
    statuses appear together or not at all. The previous release's other
    sections are carried over unchanged. ``published_at`` defaults to the
    server clock; only operator paths (the importer) pass another value.

    Raises ``PublishConflict`` when a cross-reference (``[[fn:key]]``) would
    point at a footnote missing from the new release, or when two sections
    define the same footnote key; ``InvalidTransition`` from the workflow.
    """
    from briefings.services.workflow import Action, apply_transition, lock_revision, person

    if not revisions:
        raise PublishConflict("公開する版がありません。")
    lock_briefing(briefing_id)
    now = published_at or timezone.now()
    previous = Release.objects.filter(briefing_id=briefing_id).order_by("-number").first()
    if previous is not None and previous.published_at > now:
        raise PublishConflict("前の版より前の日時で公開することはできません。")
    manifest: dict[int, int] = {}
    if previous is not None:
        manifest = dict(previous.entries.values_list("section_id", "revision_id"))

    for revision in revisions:
        if revision.section.briefing_id != briefing_id:
            raise PublishConflict(f"版{revision.pk}はこのブリーフィングの版ではありません。")
        old_id = manifest.get(revision.section_id)
        if old_id is not None and old_id != revision.pk:
            old = lock_revision(old_id)
            if old.status == RevisionStatus.PUBLISHED:
                apply_transition(revision=old, action=Action.SUPERSEDE, actor=actor)
        fields: dict[str, object] = {"published_at": now}
        if revision.reviewed_by_id is not None:
            fields.update(reviewed_by=revision.reviewed_by, reviewed_at=revision.reviewed_at)
        apply_transition(revision=revision, action=action, actor=actor, comment=comment, fields=fields)
        manifest[revision.section_id] = revision.pk

    positions = dict(
        Section.objects.filter(pk__in=manifest.keys()).values_list("pk", "position")
    )
    ordered = sorted(manifest.items(), key=lambda item: positions[item[0]])
    numbering = _number_footnotes([revision_id for _section, revision_id in ordered])
    _check_cross_references([revision_id for _section, revision_id in ordered], numbering)

    if information_as_of is None:
        cutoffs = SectionRevision.objects.filter(pk__in=[r.pk for r in revisions]).values_list(
            "information_as_of", flat=True
        )
        if kind == ReleaseKind.CORRECTION and previous is not None:
            information_as_of = previous.information_as_of
        else:
            information_as_of = max([*cutoffs, *([previous.information_as_of] if previous else [])])
    release = Release.objects.create(
        briefing_id=briefing_id,
        number=(previous.number + 1) if previous else 1,
        kind=kind,
        published_at=now,
        information_as_of=information_as_of,
        summary=summary,
        published_by=person(actor),
        footnote_numbers=numbering,
    )
    ReleaseSection.objects.bulk_create(
        ReleaseSection(release=release, section_id=section_id, revision_id=revision_id, position=index)
        for index, (section_id, revision_id) in enumerate(ordered)
    )
    backdated = published_at is not None and published_at < timezone.now() - dt.timedelta(minutes=1)
    transaction.on_commit(lambda: _release_published(release.pk, backdated=backdated))
    return release


def _number_footnotes(revision_ids: list[int]) -> dict[str, int]:
    numbering, duplicates = footnote_numbering(revision_ids)
    if duplicates:
        keys = "」「".join(duplicates)
        raise PublishConflict(f"脚注キー「{keys}」が複数の節で使われています。キーは一意にしてください。")
    return numbering


def _check_cross_references(revision_ids: list[int], numbering: dict[str, int]) -> None:
    missing: list[str] = []
    for key, text in Footnote.objects.filter(revision_id__in=revision_ids).values_list("key", "text"):
        for target in cross_references(text):
            if target not in numbering:
                missing.append(f"脚注[^{key}]が参照する[[fn:{target}]]")
    if missing:
        raise PublishConflict(
            "参照先の脚注が公開版に存在しません: " + "、".join(missing) + "。参照を直してから承認してください。",
            extra={"missing": missing},
        )


def _release_published(release_id: int, *, backdated: bool = False) -> None:
    """After commit: let listeners know. A release dated in the past (an operator's
    import) can change what past as-of URLs resolve to, so cached pages are dropped."""
    from django.core.cache import cache

    from briefings.signals import release_published

    if backdated:
        cache.clear()

    release_published.send(sender=Release, release_id=release_id)
