"""Revision workflow: the only code that changes ``SectionRevision.status``.

``revision_transition`` is the one entry point (named wrappers and the batch
approval call the same steps), in this order:

1. lock the briefing row, then the revision rows in id order — one global lock
   order, so concurrent approvals of different sections never deadlock (and a
   transaction PostgreSQL still aborts for a race is retried, ``core.db``);
2. ask ``briefings.workflow.check`` whether the move exists from this state
   (``InvalidTransition``, 409) and whether this person may take it, four eyes
   included (``WorkflowPermissionDenied``, 403);
3. check what the table cannot know: a stale base, a pending schedule, a
   missing comment or publication time;
4. save the changed fields and write a ``RevisionTransition`` audit row
   (``apply_transition``, the only assignment of ``status``);
5. for a publishing move, hand the new state to the publisher
   (``briefings.publication``), which freezes the release in this transaction;
6. after commit, send ``briefings.signals.revision_transitioned`` (emails and
   other side effects listen there; nothing here knows them).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from briefings import publication, workflow
from briefings.markup import parse_revision
from briefings.models import Briefing, ReleaseKind, RevisionStatus, RevisionTransition, SectionRevision
from briefings.selectors.catalog import section_keys
from briefings.selectors.content import cited_source_ids
from briefings.selectors.review import release_note_default
from briefings.signals import revision_transitioned
from briefings.workflow import Action, InvalidTransition, Move, StaleBase
from core.dates import format_date_ja, to_tokyo
from core.db import retry_on_conflict
from core.errors import ApplicationError, Conflict, NotFound
from sources.services import sources_freeze

if TYPE_CHECKING:
    from briefings.workflow import User

logger = logging.getLogger(__name__)

RELEASE_NOTE_MAX = 4000


def person(actor: User | None) -> User | None:
    """Return ``actor`` when it is a signed-in user, else ``None`` (system or anonymous)."""
    return actor if actor is not None and actor.is_authenticated else None


@retry_on_conflict()
def revision_transition(
    *,
    revision_id: int,
    action: str,
    actor: User | None,
    comment: str = "",
    publish_at: dt.datetime | None = None,
    release_note: str | None = None,
) -> SectionRevision:
    """Perform a workflow ``action`` on a revision for ``actor`` and return it.

    Approving publishes now, or schedules when ``publish_at`` is in the future;
    the release is of the revision's ``release_kind`` (an update moves the
    briefing's information cutoff; a minor change and a correction keep it).
    ``release_note`` is the public note of the release, written or confirmed by
    the reviewer (``None``: the draft made from the change summary); it is
    kept on the revision, so a scheduled publication uses the note approved.
    Rebasing moves a draft's base to the section's current published revision,
    keeping the editor's text.
    Raises ``NotFound``, ``InvalidTransition`` (409), ``WorkflowPermissionDenied``
    (403), ``StaleBase`` and ``Conflict`` (409: the section was published again
    since the draft was based, or another revision of it is scheduled),
    ``PublishConflict`` (409: a cross-reference would break) and
    ``ApplicationError`` (400) for a missing comment or publication time.
    """
    now = timezone.now()
    if action == Action.APPROVE and publish_at is not None and publish_at > now:
        action = Action.SCHEDULE
    with transaction.atomic(durable=True):
        [revision] = _lock_revisions([revision_id])
        move = workflow.check(revision, action, actor)
        handler = _HANDLERS.get(move.action)
        if handler is None:
            raise InvalidTransition(f"「{Action(move.action).label}」は直接実行できません。")
        _check_inputs(move, comment=comment, publish_at=publish_at, now=now)
        if move.action in (Action.APPROVE, Action.SCHEDULE):
            revision.release_note = _note(release_note, [revision])
        handler(revision, move, actor, comment, publish_at)
        _send_after_commit([revision.pk], move.action)
    revision.refresh_from_db()
    return revision


@retry_on_conflict()
def revisions_approve(
    *, revision_ids: list[int], actor: User | None, comment: str = "", release_note: str | None = None
) -> list[SectionRevision]:
    """Approve several submitted revisions of one briefing as a single new release.

    All or nothing: each revision is checked as a single approval would be
    (state, role, four eyes, stale base, pending schedule) and the first refusal
    aborts the whole batch. The release is an update when any revision is one,
    else a correction when any is one, else a minor change. ``release_note`` is
    its public note (``None``: drafted from the change summaries). Returns the
    published revisions.
    """
    if not revision_ids:
        raise InvalidTransition("承認する版が選ばれていません。")
    with transaction.atomic(durable=True):
        revisions = _lock_revisions(sorted(set(revision_ids)))
        sections = [revision.section_id for revision in revisions]
        if len(set(sections)) != len(sections):
            raise InvalidTransition("同じ節の版を2つ以上まとめて承認することはできません。")
        for revision in revisions:
            workflow.check(revision, Action.APPROVE, actor)
            _check_publishable(revision)
        kinds = {revision.release_kind for revision in revisions}
        kind = next(k for k in (ReleaseKind.UPDATE, ReleaseKind.CORRECTION, ReleaseKind.MINOR) if k in kinds)
        note = _note(release_note, revisions)
        for revision in revisions:
            revision.release_note = note
        _publish(revisions, actor=actor, action=Action.APPROVE, comment=comment, kind=kind, summary=note)
        _send_after_commit([revision.pk for revision in revisions], Action.APPROVE)
    return list(SectionRevision.objects.filter(pk__in=[r.pk for r in revisions]).order_by("pk"))


@retry_on_conflict()
def revisions_reject(*, revision_ids: list[int], actor: User | None, comment: str) -> list[SectionRevision]:
    """Reject a change set (several submitted revisions of one briefing) with one comment.

    All or nothing, as ``revisions_approve``: each revision is checked as a single
    rejection would be (state, role, four eyes) and the first refusal rejects none.
    Each keeps the comment and its rejected text (``_reject``). Raises
    ``InvalidTransition`` (409), ``WorkflowPermissionDenied`` (403) and
    ``ApplicationError`` (400) without a comment.
    """
    if not revision_ids:
        raise InvalidTransition("差し戻す版が選ばれていません。")
    with transaction.atomic(durable=True):
        revisions = _lock_revisions(sorted(set(revision_ids)))
        moves = [workflow.check(revision, Action.REJECT, actor) for revision in revisions]
        _check_inputs(moves[0], comment=comment, publish_at=None, now=timezone.now())
        for revision, move in zip(revisions, moves, strict=True):
            _reject(revision, move, actor, comment, None)
        _send_after_commit([revision.pk for revision in revisions], Action.REJECT)
    return list(SectionRevision.objects.filter(pk__in=[r.pk for r in revisions]).order_by("pk"))


def revision_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled revision whose ``publish_at`` has passed, oldest first.

    Idempotent: each revision is re-locked and re-checked by the workflow, so a
    second run (or a concurrent one) publishes nothing twice. A revision that
    can no longer be published (its base went stale, a cross-reference broke)
    is logged as an error and left scheduled for a reviewer; the others still
    go out. Returns the ids published by this run.
    """
    now = now or timezone.now()
    due = list(
        SectionRevision.objects.filter(status=RevisionStatus.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    published: list[int] = []
    for revision_id in due:
        try:
            revision_transition(revision_id=revision_id, action=Action.PUBLISH, actor=None)
        except InvalidTransition:
            continue  # published or unscheduled meanwhile by another run
        except ApplicationError as exc:  # stale base, broken cross-reference: needs a person
            logger.error("scheduled revision %s not published: %s", revision_id, exc.message)
            continue
        logger.info("published scheduled revision %s", revision_id)
        published.append(revision_id)
    return published


def revisions_publish_import(
    *,
    revisions: Sequence[SectionRevision],
    actor: User | None,
    published_at: dt.datetime,
    information_as_of: dt.date,
    summary: str,
) -> publication.PublishedRelease:
    """Publish freshly imported drafts as their briefing's release (inside the importer's transaction)."""
    workflow_actor = person(actor)
    for revision in revisions:
        workflow.check(revision, Action.IMPORT, workflow_actor)
    return _publish(
        list(revisions), actor=workflow_actor, action=Action.IMPORT, comment="", kind=ReleaseKind.UPDATE,
        published_at=published_at, information_as_of=information_as_of, summary=summary,
    )


def current_published_revision_id(*, section_id: int) -> int | None:
    return SectionRevision.objects.filter(section_id=section_id).current().values_list("pk", flat=True).first()


def apply_transition(
    *,
    revision: SectionRevision,
    action: str,
    actor: User | None,
    comment: str = "",
    fields: dict[str, object] | None = None,
    content: dict[str, str] | None = None,
) -> SectionRevision:
    """Move a locked ``revision`` along the workflow table and record it.

    The caller holds the row lock and has checked permission; this is the only
    assignment of ``status`` in the code base. ``content`` is what the revision
    said at this moment, kept in the audit row (a rejection keeps the rejected
    text, so the resubmission can be compared with it). Raises ``InvalidTransition``.
    """
    from_status = revision.status
    to_status = workflow.move_for(status=from_status, action=action).target
    if from_status == RevisionStatus.DRAFT and to_status != RevisionStatus.DRAFT:
        sources_freeze(source_ids=cited_source_ids(revision_id=revision.pk), at=timezone.now())
    revision.status = to_status
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(revision, name, value)
        changed.append(name)
    revision.save(update_fields=changed)
    RevisionTransition.objects.create(
        revision=revision, action=action, from_status=from_status, to_status=to_status, actor=person(actor),
        comment=comment, content=content or {},
    )
    return revision


# --- steps -------------------------------------------------------------------------


def _lock_revisions(revision_ids: list[int]) -> list[SectionRevision]:
    """Lock the revisions' briefing, then the revisions in id order; all of one briefing."""
    briefings = set(
        SectionRevision.objects.filter(pk__in=revision_ids).values_list("section__briefing_id", flat=True)
    )
    if len(briefings) > 1:
        raise InvalidTransition("まとめて承認できるのは同じブリーフィングの版だけです。")
    if briefings:
        Briefing.objects.select_for_update().filter(pk__in=briefings).values_list("pk", flat=True).first()
    revisions = list(
        SectionRevision.objects.select_for_update().select_related("section").filter(pk__in=revision_ids).order_by("pk")
    )
    missing = sorted(set(revision_ids) - {revision.pk for revision in revisions})
    if missing:
        raise NotFound(f"版{missing[0]}は存在しません。")
    return revisions


def _check_inputs(move: Move, *, comment: str, publish_at: dt.datetime | None, now: dt.datetime) -> None:
    if move.needs_comment and not comment.strip():
        raise ApplicationError(f"{Action(move.action).label}にはコメントが必要です。",
                               extra={"errors": {"comment": ["必須です。"]}})
    if move.needs_publish_at and (publish_at is None or publish_at <= now):
        raise ApplicationError("公開予約には未来の公開日時が必要です。",
                               extra={"errors": {"publish_at": ["未来の日時を指定してください。"]}})


def _check_publishable(revision: SectionRevision) -> None:
    """Raise unless ``revision`` is based on its section's published revision and nothing
    else of the section is scheduled. Callers hold the briefing lock, so the answer holds."""
    current = current_published_revision_id(section_id=revision.section_id)
    if current != revision.base_id:
        base = f"版{revision.base_id}" if revision.base_id else "新規"
        now_at = f"版{current}" if current else "未公開"
        raise StaleBase(
            f"この下書きは{base}を基にしていますが、節は現在{now_at}です。下書きを更新（リベース）してください。",
            extra={"base": revision.base_id, "current": current},
        )
    scheduled = (
        SectionRevision.objects.filter(section_id=revision.section_id, status=RevisionStatus.SCHEDULED)
        .exclude(pk=revision.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if scheduled is not None:
        raise Conflict(
            f"この節には公開予約中の版{scheduled}があります。その予約を取り消すか、公開後にリベースしてください。",
            extra={"scheduled": scheduled},
        )


def _publish(
    revisions: list[SectionRevision],
    *,
    actor: User | None,
    action: str,
    comment: str,
    kind: str,
    published_at: dt.datetime | None = None,
    information_as_of: dt.date | None = None,
    summary: str = "",
) -> publication.PublishedRelease:
    """Supersede what the sections showed, publish ``revisions`` and freeze the release."""
    now = published_at or timezone.now()
    reviewer = person(actor) if action != Action.IMPORT else None
    for revision in revisions:
        if revision.information_as_of > to_tokyo(now).date():
            raise ApplicationError(
                f"版{revision.pk}の情報の基準日（{format_date_ja(revision.information_as_of)}）が公開日より後です。"
                "基準日は公開日以前にしてください。",
                extra={"errors": {"information_as_of": ["公開日以前の日付にしてください。"]}},
            )
        for old in SectionRevision.objects.select_for_update().filter(section_id=revision.section_id).current():
            apply_transition(revision=old, action=Action.SUPERSEDE, actor=actor)
        fields: dict[str, object] = {"published_at": now, "review_comment": ""}
        if action == Action.APPROVE:
            fields.update(reviewed_by=reviewer, reviewed_at=now, release_note=revision.release_note)
        apply_transition(revision=revision, action=action, actor=actor, comment=comment, fields=fields)
    return publication.publish(
        publication.PublishRequest(
            briefing_id=revisions[0].section.briefing_id,
            revision_ids=tuple(revision.pk for revision in revisions),
            actor_id=getattr(person(actor), "pk", None),
            published_at=now,
            kind=kind,
            information_as_of=information_as_of,
            summary=summary,
        )
    )


def _submit(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    """Submit a draft for review; its section references must name sections the briefing has now
    (``BodyValidationError`` otherwise: a section may have been deleted since the draft was saved)."""
    parse_revision(heading=revision.heading, body=revision.body,
                   sections=section_keys(briefing_id=revision.section.briefing_id))
    apply_transition(revision=revision, action=move.action, actor=actor, comment=comment,
                     fields={"submitted_at": timezone.now()})


def _reject(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    """Reject with the reviewer's comment, keeping the rejected text for the review of the resubmission."""
    apply_transition(revision=revision, action=move.action, actor=actor, comment=comment,
                     fields={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_comment": comment},
                     content=rejected_content(revision))


def rejected_content(revision: SectionRevision) -> dict[str, str]:
    """Return what a reviewer rejected: the fields a resubmission is compared with."""
    return {"number": revision.number, "heading": revision.heading, "body": revision.body,
            "information_as_of": revision.information_as_of.isoformat()}


def _plain(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    apply_transition(revision=revision, action=move.action, actor=actor, comment=comment)


def _unschedule(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    apply_transition(revision=revision, action=move.action, actor=actor, comment=comment,
                     fields={"publish_at": None, "release_note": ""})


def _withdraw(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    """Take a scheduled revision back to draft: it will need a new review."""
    apply_transition(revision=revision, action=move.action, actor=actor, comment=comment,
                     fields={"publish_at": None, "reviewed_by": None, "reviewed_at": None, "release_note": ""})


def _rebase(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    """Base a draft on the section's current published revision; its text is untouched."""
    current = current_published_revision_id(section_id=revision.section_id)
    if current == revision.base_id:
        return  # already up to date: nothing to record
    note = comment or f"基の版を{revision.base_id or '新規'}から{current or '新規'}に変更"
    apply_transition(revision=revision, action=move.action, actor=actor, comment=note, fields={"base_id": current})


def _schedule(revision: SectionRevision, move: Move, actor: User | None, comment: str, at: object) -> None:
    _check_publishable(revision)
    apply_transition(
        revision=revision, action=move.action, actor=actor, comment=comment,
        fields={"reviewed_by": actor, "reviewed_at": timezone.now(), "publish_at": at, "review_comment": "",
                "release_note": revision.release_note},
    )


def _publish_one(revision: SectionRevision, move: Move, actor: User | None, comment: str, _at: object) -> None:
    _check_publishable(revision)
    _publish([revision], actor=actor, action=move.action, comment=comment, kind=revision.release_kind,
             summary=revision.release_note or release_note_default([revision]))


_HANDLERS = {
    Action.SUBMIT: _submit,
    Action.REJECT: _reject,
    Action.REOPEN: _plain,
    Action.REBASE: _rebase,
    Action.UNSCHEDULE: _unschedule,
    Action.WITHDRAW: _withdraw,
    Action.SCHEDULE: _schedule,
    Action.APPROVE: _publish_one,
    Action.PUBLISH: _publish_one,
}


def _note(given: str | None, revisions: list[SectionRevision]) -> str:
    """The public note of a release: the reviewer's, else the draft made from the change summaries."""
    note = (given or "").strip()
    if len(note) > RELEASE_NOTE_MAX:
        raise ApplicationError(f"公開版の注記は{RELEASE_NOTE_MAX}字以内にしてください（{len(note)}字）。",
                               extra={"errors": {"release_note": [f"{RELEASE_NOTE_MAX}字以内にしてください。"]}})
    return note or release_note_default(revisions)


def _send_after_commit(revision_ids: list[int], action: str) -> None:
    def send() -> None:
        for revision_id in revision_ids:
            revision_transitioned.send(sender=SectionRevision, revision_id=revision_id, action=action)

    transaction.on_commit(send)
