"""Publish imported drafts as a release with the workflow's rows written in bulk: the benchmark's fast path.

``briefings.services.transitions.revisions_publish_import`` moves each revision
through ``apply_transition`` one at a time (a frozen-content check, a save and
an audit row per revision, the previous revision of each section superseded
the same way): about 220 of the ~275 statements of publishing 22 sections.
``publish_import_bulk`` writes the same rows with a handful of statements (the
statuses, ``published_at``, the audit rows, the cited sources frozen), then
hands the release to the same publisher the workflow calls
(``briefings.publication.publish``): the release, its manifest, artefact,
digest, anchors, rendering and page frame are made by the product's own code.

Only for the benchmark's synthetic history (``benchmarks.run.History``), where
nobody reviews: no locks, no permission checks, no signals of transitions
(nothing listens to an import's). ``tests/benchmarks/test_bulk.py`` proves that
a history built this way equals one built through the service, row for row.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from briefings import publication, workflow
from briefings.models import (
    Briefing,
    Citation,
    Claim,
    Footnote,
    FootnoteReference,
    ReleaseKind,
    RevisionStatus,
    RevisionTransition,
    SectionRevision,
)
from briefings.workflow import Action
from core.dates import to_tokyo
from sources.services import sources_freeze

_Content = TypeVar("_Content", Claim, Footnote)


def publish_import_bulk(
    *,
    revisions: Sequence[SectionRevision],
    published_at: dt.datetime,
    information_as_of: dt.date,
    summary: str,
) -> publication.PublishedRelease:
    """Publish freshly made drafts (one per section, of one briefing) as the briefing's next release.

    The rows are those of ``revisions_publish_import`` with no actor: each
    section's published revision superseded (status, ``updated_at``, a
    ``supersede`` audit row), each draft published (status, ``published_at``,
    an empty review comment, an ``import`` audit row), the sources the drafts
    cite frozen, then the release made by the publisher. Raises
    ``InvalidTransition`` when a revision is not a draft and ``ValueError`` when
    a revision's information date is after the publication day (the service's
    ``ApplicationError``).
    """
    revisions = list(revisions)
    if any(revision.information_as_of > to_tokyo(published_at).date() for revision in revisions):
        raise ValueError("a revision's information date is after the publication day")
    ids = [revision.pk for revision in revisions]
    now = timezone.now()
    with transaction.atomic():
        drafts = list(SectionRevision.objects.filter(pk__in=ids).values_list("pk", "status", "section_id"))
        if len(drafts) != len(ids) or len({section for _pk, _status, section in drafts}) != len(ids):
            raise ValueError("publish one existing revision per section")
        imported = {workflow.move_for(status=status, action=Action.IMPORT).target for _pk, status, _s in drafts}
        sections = [section for _pk, _status, section in drafts]
        shown = SectionRevision.objects.filter(section_id__in=sections).current()
        superseded = list(shown.order_by("pk").values_list("pk", flat=True))
        old_status = RevisionStatus.PUBLISHED
        replaced = workflow.move_for(status=old_status, action=Action.SUPERSEDE).target
        # QuerySet.update, not the model's: SectionRevisionQuerySet.update refuses any bulk change of a non-draft
        # revision (only the workflow moves them). Here the moves are the workflow's own (``move_for``), and on
        # PostgreSQL the frozen-history triggers still refuse any other change.
        QuerySet.update(SectionRevision.objects.filter(pk__in=superseded), status=replaced, updated_at=now)
        cited = Citation.objects.filter(footnote__revision_id__in=ids).values_list("source_id", flat=True)
        sources_freeze(source_ids=sorted(set(cited)), at=now)
        [new_status] = imported
        QuerySet.update(SectionRevision.objects.filter(pk__in=ids, status=RevisionStatus.DRAFT),
                        status=new_status, published_at=published_at, review_comment="", updated_at=now)
        RevisionTransition.objects.bulk_create(
            [RevisionTransition(revision_id=pk, action=Action.SUPERSEDE, from_status=old_status, to_status=replaced,
                                actor=None, comment="", content={}) for pk in superseded]
            + [RevisionTransition(revision_id=pk, action=Action.IMPORT, from_status=status, to_status=new_status,
                                  actor=None, comment="", content={}) for pk, status, _s in drafts],
            batch_size=500,
        )
        briefing_id = SectionRevision.objects.filter(pk=ids[0]).values_list("section__briefing_id", flat=True).get()
        return publication.publish(publication.PublishRequest(
            briefing_id=briefing_id, revision_ids=tuple(ids), actor_id=None, published_at=published_at,
            kind=ReleaseKind.UPDATE, information_as_of=information_as_of, summary=summary,
        ))


class Drafts:
    """New drafts of every section of a briefing, copies of what its first release showed, made in bulk.

    Each ``make`` writes one draft per section, based on the section's previous
    draft (the revision the last release published), with the same text,
    sentences, notes, references and citations as release 1: what an editor's
    saves would write, in six statements.
    """

    def __init__(self, *, briefing: Briefing) -> None:
        first = briefing.releases.get(number=1)
        entries = first.entries.select_related("revision", "section").order_by("position")
        self.templates = [entry.revision for entry in entries]
        ids = [r.pk for r in self.templates]
        self.claims = _by_revision(Claim.objects.filter(revision_id__in=ids).order_by("revision", "position"))
        self.notes = _by_revision(Footnote.objects.filter(revision_id__in=ids).order_by("revision", "position"))
        self.refs: dict[int, list[tuple[int, str, int]]] = {pk: [] for pk in ids}
        for revision_id, position, key, offset in FootnoteReference.objects.filter(claim__revision_id__in=ids).order_by(
            "pk"
        ).values_list("claim__revision_id", "claim__position", "footnote__key", "offset"):
            self.refs[revision_id].append((position, key, offset))
        self.cites: dict[int, list[tuple[str, int, int, str]]] = {pk: [] for pk in ids}
        for revision_id, key, source_id, position, locator in Citation.objects.filter(
            footnote__revision_id__in=ids
        ).order_by("pk").values_list("footnote__revision_id", "footnote__key", "source_id", "position", "locator"):
            self.cites[revision_id].append((key, source_id, position, locator))
        self.current = ids

    def make(self, *, when: dt.datetime, summary: str) -> list[SectionRevision]:
        """Write the drafts (information as of ``when``'s day, change summary ``summary``) in reading order."""
        revisions = SectionRevision.objects.bulk_create(
            SectionRevision(
                section=t.section, base_id=previous, number=t.number, heading=t.heading, body=t.body,
                information_as_of=when.date(), status=RevisionStatus.DRAFT, change_summary=summary,
            )
            for t, previous in zip(self.templates, self.current, strict=True)
        )
        claims, notes = [], []
        for template, revision in zip(self.templates, revisions, strict=True):
            claims += [Claim(revision=revision, position=c.position, paragraph=c.paragraph, role=c.role, text=c.text)
                       for c in self.claims.get(template.pk, ())]
            notes += [Footnote(revision=revision, key=n.key, position=n.position, text=n.text)
                      for n in self.notes.get(template.pk, ())]
        claims = Claim.objects.bulk_create(claims, batch_size=500)
        notes = Footnote.objects.bulk_create(notes, batch_size=500)
        claim_at = {(c.revision_id, c.position): c for c in claims}
        note_at = {(n.revision_id, n.key): n for n in notes}
        refs, cites = [], []
        for template, revision in zip(self.templates, revisions, strict=True):
            refs += [FootnoteReference(claim=claim_at[(revision.pk, position)], footnote=note_at[(revision.pk, key)],
                                       offset=offset) for position, key, offset in self.refs[template.pk]]
            cites += [Citation(footnote=note_at[(revision.pk, key)], source_id=source, position=position,
                               locator=locator) for key, source, position, locator in self.cites[template.pk]]
        FootnoteReference.objects.bulk_create(refs, batch_size=500)
        Citation.objects.bulk_create(cites, batch_size=500)
        self.current = [revision.pk for revision in revisions]
        return revisions


def _by_revision(rows: Iterable[_Content]) -> dict[int, list[_Content]]:
    grouped: dict[int, list[_Content]] = {}
    for row in rows:
        grouped.setdefault(row.revision_id, []).append(row)
    return grouped
