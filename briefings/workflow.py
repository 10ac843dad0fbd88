"""The editorial workflow, written once as data: states, actions, moves and who may take them.

This module is a leaf: it imports models and ``core`` only, never a service.
Every question of the kind "may this user do this to this revision?" or
"which buttons does this page show?" is answered here:

* ``available_actions(revision, user)`` — the actions a person may take now
  (admin buttons and forms, the API, the dashboard);
* ``check(revision, action, user)`` — the same rule, raising
  ``InvalidTransition`` (HTTP 409: not from this state) or
  ``WorkflowPermissionDenied`` (HTTP 403: not this person), used by the one
  entry point ``briefings.services.transitions.revision_transition``.

Four eyes: nobody takes a reviewing move (approve, schedule, reject,
unschedule) on a revision they contributed to — its author or anyone who
changed its content (``SectionRevision.contributors``) — superusers included.

    draft ──submit──▶ submitted ──approve──▶ published ──(next publication)──▶ superseded
      ▲  └─rebase─┘       │  └──schedule──▶ scheduled ──publish (beat, when due)──▶ published
      │                   │                    ├─unschedule──▶ submitted
      │◀──────────────────┼────────────────────┴─withdraw (editor)
      └────reopen──── rejected ◀──reject (comment required)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from briefings.models import RevisionStatus
from core.errors import Conflict, PermissionDeniedError
from core.roles import is_editor, is_reviewer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from briefings.models import SectionRevision

    User = AbstractBaseUser | AnonymousUser


class Action(models.TextChoices):
    SUBMIT = "submit", "提出"
    REBASE = "rebase", "最新の公開版に合わせる"
    APPROVE = "approve", "承認して公開"
    SCHEDULE = "schedule", "承認して公開予約"
    REJECT = "reject", "差戻し"
    REOPEN = "reopen", "下書きに戻す"
    UNSCHEDULE = "unschedule", "公開予約の取消し"
    WITHDRAW = "withdraw", "公開予約を取り下げて下書きに戻す"
    PUBLISH = "publish", "予約公開"
    SUPERSEDE = "supersede", "新版により置換"
    IMPORT = "import", "取込み公開"


# What the user is told after an action, in Japanese as it is said (not the label + 「しました」).
DONE: dict[str, str] = {
    Action.SUBMIT: "提出しました",
    Action.REBASE: "最新の公開版に合わせました",
    Action.APPROVE: "承認し、公開しました",
    Action.SCHEDULE: "承認し、公開を予約しました",
    Action.REJECT: "差し戻しました",
    Action.REOPEN: "下書きに戻しました",
    Action.UNSCHEDULE: "公開予約を取り消しました",
    Action.WITHDRAW: "公開予約を取り下げ、下書きに戻しました",
    Action.PUBLISH: "予約どおり公開しました",
    Action.SUPERSEDE: "新しい版で置き換えました",
    Action.IMPORT: "取り込んで公開しました",
}


class Role(models.TextChoices):
    EDITOR = "editor", "編集者"
    REVIEWER = "reviewer", "審査者"
    SYSTEM = "system", "システム"


@dataclass(frozen=True)
class Move:
    """One allowed move: ``action`` takes a revision from ``source`` to ``target``."""

    action: str
    source: str
    target: str
    role: str
    four_eyes: bool = False
    """Contributors of the revision may not take this move."""
    needs_comment: bool = False
    needs_publish_at: bool = False
    publishes: bool = False
    """The move publishes the revision in a new release of its briefing."""


S, A, R = RevisionStatus, Action, Role
MOVES: tuple[Move, ...] = (
    Move(A.SUBMIT, S.DRAFT, S.SUBMITTED, R.EDITOR),
    Move(A.REBASE, S.DRAFT, S.DRAFT, R.EDITOR),
    Move(A.APPROVE, S.SUBMITTED, S.PUBLISHED, R.REVIEWER, four_eyes=True, publishes=True),
    Move(A.SCHEDULE, S.SUBMITTED, S.SCHEDULED, R.REVIEWER, four_eyes=True, needs_publish_at=True),
    Move(A.REJECT, S.SUBMITTED, S.REJECTED, R.REVIEWER, four_eyes=True, needs_comment=True),
    Move(A.REOPEN, S.REJECTED, S.DRAFT, R.EDITOR),
    Move(A.UNSCHEDULE, S.SCHEDULED, S.SUBMITTED, R.REVIEWER, four_eyes=True),
    Move(A.WITHDRAW, S.SCHEDULED, S.DRAFT, R.EDITOR),
    Move(A.PUBLISH, S.SCHEDULED, S.PUBLISHED, R.SYSTEM, publishes=True),
    Move(A.SUPERSEDE, S.PUBLISHED, S.SUPERSEDED, R.SYSTEM),
    Move(A.IMPORT, S.DRAFT, S.PUBLISHED, R.SYSTEM, publishes=True),
)
MOVES_BY_KEY: dict[tuple[str, str], Move] = {(move.source, move.action): move for move in MOVES}
TRANSITIONS: dict[tuple[str, str], str] = {key: move.target for key, move in MOVES_BY_KEY.items()}
"""(status, action) → status: the table every status change is looked up in."""

_ROLE_DENIED = {
    R.EDITOR: "「{action}」は編集者（editors）のみが行えます。",
    R.REVIEWER: "「{action}」は審査者（reviewers）のみが行えます。",
    R.SYSTEM: "「{action}」はシステムまたは審査者のみが行えます。",
}
FOUR_EYES_DENIED = "自分が作成または変更した版を承認・差戻し・予約取消しすることはできません。別の審査者に依頼してください。"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class WorkflowPermissionDenied(PermissionDeniedError):
    code = "permission_denied"


class StaleBase(Conflict):
    code = "stale_base"


def move_for(*, status: str, action: str) -> Move:
    """Return the move ``action`` makes from ``status``; raise ``InvalidTransition`` if none."""
    move = MOVES_BY_KEY.get((status, action))
    if move is None:
        raise InvalidTransition(
            f"「{RevisionStatus(status).label}」の版に「{_label(action)}」はできません。",
            extra={"revision_status": status, "action": action},  # "status" is the HTTP status of the problem
        )
    return move


def has_role(user: User | None, role: str) -> bool:
    """Whether ``user`` holds ``role`` (``None`` is the system itself)."""
    if role == R.EDITOR:
        return is_editor(user)
    if role == R.REVIEWER:
        return is_reviewer(user)
    return user is None or bool(getattr(user, "is_superuser", False)) or is_reviewer(user)


def contributed(revision: SectionRevision, user: User | None, contributor_ids: set[int] | None = None) -> bool:
    """Whether ``user`` wrote or changed ``revision`` (its author or a recorded contributor)."""
    if user is None or not user.is_authenticated:
        return False
    if revision.author_id is not None and revision.author_id == user.pk:
        return True
    ids = contributor_ids if contributor_ids is not None else contributor_ids_of(revision)
    return user.pk in ids


def contributor_ids_of(revision: SectionRevision) -> set[int]:
    return set(revision.contributors.values_list("pk", flat=True)) if revision.pk else set()


def check(revision: SectionRevision, action: str, user: User | None, *, contributor_ids: set[int] | None = None) -> Move:
    """Return the move, or raise: ``InvalidTransition`` first (state), then ``WorkflowPermissionDenied``."""
    move = move_for(status=revision.status, action=action)
    if not has_role(user, move.role):
        raise WorkflowPermissionDenied(_ROLE_DENIED[Role(move.role)].format(action=_label(action)))
    if move.four_eyes and contributed(revision, user, contributor_ids):
        raise WorkflowPermissionDenied(FOUR_EYES_DENIED, extra={"reason": "four_eyes"})
    return move


def available_actions(
    revision: SectionRevision, user: User | None, *, contributor_ids: set[int] | None = None
) -> list[str]:
    """The actions ``user`` may take on ``revision`` now, in table order (system moves excluded)."""
    if user is None or not user.is_authenticated:
        return []
    ids = contributor_ids if contributor_ids is not None else contributor_ids_of(revision)
    allowed = []
    for move in MOVES:
        if move.source != revision.status or move.role == R.SYSTEM:
            continue
        if has_role(user, move.role) and not (move.four_eyes and contributed(revision, user, ids)):
            allowed.append(move.action)
    return allowed


def blocked_by_four_eyes(revision: SectionRevision, user: User | None, *, contributor_ids: set[int] | None = None) -> bool:
    """Whether ``user`` could review ``revision`` now but for having contributed to it."""
    ids = contributor_ids if contributor_ids is not None else contributor_ids_of(revision)
    return any(
        move.source == revision.status and move.four_eyes and has_role(user, move.role)
        for move in MOVES
    ) and contributed(revision, user, ids)


def _label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action


def describe(actions: list[str]) -> list[dict[str, Any]]:
    """``[{"action": "approve", "label": "承認して公開"}, …]`` for the API and templates."""
    return [{"action": action, "label": _label(action)} for action in actions]
