"""Revision workflow: the only code that changes ``SectionRevision.status``.

States and the moves between them are the explicit ``TRANSITIONS`` table.
``revision_transition`` is the one entry point; it

1. locks the revision row (``select_for_update``);
2. looks the move up in the table (``InvalidTransition``, HTTP 409, if absent);
3. checks the actor's permission (``WorkflowPermissionDenied``, HTTP 403);
4. saves the changed fields;
5. writes a ``RevisionTransition`` audit row;
6. queues notifications with ``transaction.on_commit``.

Publishing (approve now, or a scheduled revision falling due) also creates a
release through ``briefings.services.publishing`` in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from briefings.models import RevisionStatus, RevisionTransition, SectionRevision
from core.errors import Conflict, PermissionDeniedError
from core.roles import EDITORS_GROUP, REVIEWERS_GROUP, is_editor, is_reviewer  # noqa: F401  (re-exported)
from core.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


class Action(models.TextChoices):
    SUBMIT = "submit", "提出"
    REBASE = "rebase", "最新の公開版に合わせる"
    APPROVE = "approve", "承認して公開"
    SCHEDULE = "schedule", "承認して公開予約"
    REJECT = "reject", "差戻し"
    REOPEN = "reopen", "下書きに戻す"
    UNSCHEDULE = "unschedule", "公開予約の取消し"
    PUBLISH = "publish", "予約公開"
    SUPERSEDE = "supersede", "新版により置換"
    IMPORT = "import", "取込み公開"


S = RevisionStatus
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.REBASE): S.DRAFT,
    (S.SUBMITTED, Action.APPROVE): S.PUBLISHED,
    (S.SUBMITTED, Action.SCHEDULE): S.SCHEDULED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.REJECTED, Action.REOPEN): S.DRAFT,
    (S.SCHEDULED, Action.PUBLISH): S.PUBLISHED,
    (S.SCHEDULED, Action.UNSCHEDULE): S.SUBMITTED,
    (S.PUBLISHED, Action.SUPERSEDE): S.SUPERSEDED,
    (S.DRAFT, Action.IMPORT): S.PUBLISHED,
}

# Actions no person triggers directly: they happen as part of another move.
SYSTEM_ACTIONS = {Action.SUPERSEDE, Action.PUBLISH, Action.IMPORT}
EDITOR_ACTIONS = {Action.SUBMIT, Action.REOPEN, Action.REBASE}
REVIEWER_ACTIONS = {Action.APPROVE, Action.SCHEDULE, Action.REJECT, Action.UNSCHEDULE}


class InvalidTransition(Conflict):
    code = "invalid_transition"


class WorkflowPermissionDenied(PermissionDeniedError):
    code = "permission_denied"


class StaleBase(Conflict):
    code = "stale_base"


def person(actor: User | None) -> User | None:
    """Return ``actor`` when it is a signed-in user, else ``None`` (system or anonymous)."""
    return actor if actor is not None and actor.is_authenticated else None


def target_status(*, revision: SectionRevision, action: str) -> str:
    """Return where ``action`` takes ``revision``; raise ``InvalidTransition`` if nowhere."""
    to_status = TRANSITIONS.get((revision.status, action))
    if to_status is None:
        raise InvalidTransition(
            f"「{revision.get_status_display()}」の版に「{Action(action).label}」はできません。",
            extra={"status": revision.status, "action": action},
        )
    return to_status


def check_permission(*, revision: SectionRevision, action: str, actor: User | None) -> None:
    """Raise ``WorkflowPermissionDenied`` unless ``actor`` may do ``action`` on ``revision``."""
    if action in SYSTEM_ACTIONS:
        if actor is None or getattr(actor, "is_superuser", False) or is_reviewer(actor):
            return
        raise WorkflowPermissionDenied("この操作はシステムまたは審査者のみが行えます。")
    if action in EDITOR_ACTIONS:
        if not is_editor(actor):
            raise WorkflowPermissionDenied("下書きの提出・再開・リベースは編集者（editors）のみが行えます。")
        return
    if action in REVIEWER_ACTIONS:
        if not is_reviewer(actor):
            raise WorkflowPermissionDenied("承認・差戻しは審査者（reviewers）のみが行えます。")
        if actor is not None and revision.author_id is not None and revision.author_id == actor.pk:
            raise WorkflowPermissionDenied("自分が作成した版を承認・差戻しすることはできません。")
        return
    raise WorkflowPermissionDenied(f"未知の操作です: {action}")


def apply_transition(
    *,
    revision: SectionRevision,
    action: str,
    actor: User | None,
    comment: str = "",
    fields: dict[str, object] | None = None,
) -> SectionRevision:
    """Move a locked ``revision`` along ``TRANSITIONS`` and record it.

    The caller holds the row lock and has checked permission; this is the only
    assignment of ``status`` in the code base. Raises ``InvalidTransition``.
    """
    from_status = revision.status
    to_status = target_status(revision=revision, action=action)
    revision.status = to_status
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(revision, name, value)
        changed.append(name)
    revision.save(update_fields=changed)
    RevisionTransition.objects.create(
        revision=revision,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=person(actor),
        comment=comment,
    )
    return revision


def lock_revision(revision_id: int) -> SectionRevision:
    try:
        return SectionRevision.objects.select_for_update().select_related("section").get(pk=revision_id)
    except SectionRevision.DoesNotExist as exc:
        from core.errors import NotFound

        raise NotFound(f"版{revision_id}は存在しません。") from exc


def revision_transition(
    *,
    revision_id: int,
    action: str,
    actor: User | None,
    comment: str = "",
    publish_at: dt.datetime | None = None,
) -> SectionRevision:
    """Perform a workflow ``action`` on a revision for ``actor``.

    Approving publishes now, or schedules when ``publish_at`` is in the future;
    the release is of the revision's ``release_kind`` (a correction keeps the
    briefing's information cutoff). Rebasing moves a draft's base to the
    section's current published revision, keeping the editor's text.
    Raises ``InvalidTransition`` (409), ``WorkflowPermissionDenied`` (403),
    ``StaleBase`` (409, the section was published again since the draft was
    based) and ``ApplicationError`` (400) for a missing rejection comment.
    """
    with transaction.atomic(durable=True):
        revision = lock_revision(revision_id)
        target_status(revision=revision, action=action)
        check_permission(revision=revision, action=action, actor=actor)
        if action == Action.SUBMIT:
            apply_transition(revision=revision, action=action, actor=actor, comment=comment,
                             fields={"submitted_at": timezone.now()})
        elif action == Action.REJECT:
            if not comment.strip():
                from core.errors import ApplicationError

                raise ApplicationError("差戻しにはコメントが必要です。", extra={"errors": {"comment": ["必須です。"]}})
            apply_transition(
                revision=revision,
                action=action,
                actor=actor,
                comment=comment,
                fields={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_comment": comment},
            )
        elif action == Action.REOPEN:
            apply_transition(revision=revision, action=action, actor=actor, comment=comment)
        elif action == Action.REBASE:
            _rebase(revision=revision, actor=actor, comment=comment)
        elif action == Action.UNSCHEDULE:
            apply_transition(revision=revision, action=action, actor=actor, comment=comment,
                             fields={"publish_at": None})
        elif action in {Action.APPROVE, Action.SCHEDULE}:
            _approve(revision=revision, actor=actor, comment=comment, publish_at=publish_at)
        elif action == Action.PUBLISH:
            from briefings.services.publishing import lock_briefing, release_publish

            lock_briefing(revision.section.briefing_id)
            _check_base(revision)
            release_publish(briefing_id=revision.section.briefing_id, revisions=[revision], actor=actor,
                            action=Action.PUBLISH, kind=revision.release_kind)
        else:
            raise InvalidTransition(f"「{action}」は直接実行できません。")
        revision.refresh_from_db()
        _notify_on_commit(revision=revision, action=action)
        return revision


def revisions_approve(*, revision_ids: list[int], actor: User | None, comment: str = "") -> list[SectionRevision]:
    """Approve several submitted revisions of one briefing as a single new release.

    All or nothing: each revision is checked as a single approval would be
    (state, role, own-revision rule, stale base, pending schedule) and the first
    refusal aborts the whole batch. The release is a correction only when every
    revision is a correction. Returns the published revisions.
    """
    from briefings.models import ReleaseKind
    from briefings.services.publishing import lock_briefing, release_publish

    if not revision_ids:
        raise InvalidTransition("承認する版が選ばれていません。")
    with transaction.atomic(durable=True):
        revisions = [lock_revision(revision_id) for revision_id in sorted(set(revision_ids))]
        briefings = {revision.section.briefing_id for revision in revisions}
        if len(briefings) != 1:
            raise InvalidTransition("まとめて承認できるのは同じブリーフィングの版だけです。")
        sections = [revision.section_id for revision in revisions]
        if len(set(sections)) != len(sections):
            raise InvalidTransition("同じ節の版を2つ以上まとめて承認することはできません。")
        lock_briefing(briefings.pop())
        now = timezone.now()
        for revision in revisions:
            target_status(revision=revision, action=Action.APPROVE)
            check_permission(revision=revision, action=Action.APPROVE, actor=actor)
            _check_base(revision)
            _check_no_schedule(revision)
            revision.reviewed_by = actor  # type: ignore[assignment]
            revision.reviewed_at = now
        kind = (
            ReleaseKind.CORRECTION
            if all(revision.release_kind == ReleaseKind.CORRECTION for revision in revisions)
            else ReleaseKind.UPDATE
        )
        release_publish(
            briefing_id=revisions[0].section.briefing_id, revisions=revisions, actor=actor,
            action=Action.APPROVE, comment=comment, kind=kind,
        )
        for revision in revisions:
            _notify_on_commit(revision=revision, action=Action.APPROVE)
        return [SectionRevision.objects.get(pk=revision.pk) for revision in revisions]


def _check_no_schedule(revision: SectionRevision) -> None:
    scheduled = (
        SectionRevision.objects.filter(section_id=revision.section_id, status=RevisionStatus.SCHEDULED)
        .values_list("pk", flat=True)
        .first()
    )
    if scheduled is not None:
        raise Conflict(
            f"この節には公開予約中の版{scheduled}があります。その予約を取り消すか、公開後にリベースしてください。",
            extra={"scheduled": scheduled},
        )


def _approve(
    *, revision: SectionRevision, actor: User | None, comment: str, publish_at: dt.datetime | None
) -> None:
    from briefings.services.publishing import lock_briefing, release_publish

    lock_briefing(revision.section.briefing_id)
    _check_base(revision)
    _check_no_schedule(revision)
    reviewed = {"reviewed_by": actor, "reviewed_at": timezone.now()}
    if publish_at is not None and publish_at > timezone.now():
        apply_transition(
            revision=revision, action=Action.SCHEDULE, actor=actor, comment=comment,
            fields={**reviewed, "publish_at": publish_at},
        )
        return
    revision.reviewed_by = actor  # type: ignore[assignment]
    revision.reviewed_at = reviewed["reviewed_at"]  # type: ignore[assignment]
    release_publish(
        briefing_id=revision.section.briefing_id, revisions=[revision], actor=actor,
        action=Action.APPROVE, comment=comment, kind=revision.release_kind,
    )


def _check_base(revision: SectionRevision) -> None:
    """Raise ``StaleBase`` unless ``revision`` is based on its section's published revision.

    Callers hold the briefing lock, so the answer cannot change before they commit.
    """
    from briefings.services.publishing import current_published_revision_id

    current = current_published_revision_id(section_id=revision.section_id)
    if current != revision.base_id:
        base = f"版{revision.base_id}" if revision.base_id else "新規"
        now_at = f"版{current}" if current else "未公開"
        raise StaleBase(
            f"この下書きは{base}を基にしていますが、節は現在{now_at}です。下書きを更新（リベース）してください。",
            extra={"base": revision.base_id, "current": current},
        )


def _rebase(*, revision: SectionRevision, actor: User | None, comment: str) -> None:
    """Base a draft on the section's current published revision; its text is untouched."""
    from briefings.services.publishing import current_published_revision_id

    current = current_published_revision_id(section_id=revision.section_id)
    if current == revision.base_id:
        return  # already up to date: nothing to record
    note = comment or f"基の版を{revision.base_id or '新規'}から{current or '新規'}に変更"
    apply_transition(revision=revision, action=Action.REBASE, actor=actor, comment=note,
                     fields={"base_id": current})


def _notify_on_commit(*, revision: SectionRevision, action: str) -> None:
    from briefings import tasks

    revision_id = revision.pk
    if action == Action.SUBMIT:
        enqueue_on_commit(tasks.revision_notify_reviewers_task, revision_id)
    elif action in {Action.APPROVE, Action.SCHEDULE, Action.REJECT, Action.PUBLISH}:
        enqueue_on_commit(tasks.revision_notify_author_task, revision_id, action)
