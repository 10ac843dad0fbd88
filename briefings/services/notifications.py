"""Emails about the review workflow, sent from Celery tasks after commit.

Every email has a plain-text and an HTML part, gives times in Asia/Tokyo
(「2025年3月10日 17:00（日本時間）」) and links, as absolute URLs on ``SITE_URL``
(``core.site.absolute_url``, never the request's host), to the page where
its reader acts: the review page for a reviewer or for a rejected author, the
published briefing for an author whose revision went out.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from briefings.markup import without_marks
from briefings.models import RevisionStatus, SectionRevision
from briefings.workflow import Action
from core.dates import format_date_ja, format_datetime_ja
from core.roles import REVIEWERS_GROUP
from core.site import absolute_url
from core.tasks import mail_queue

TOKYO_SUFFIX = "（日本時間）"


def notify_reviewers_of_submission(*, revision_id: int) -> int:
    """Email every active reviewer except the author; return the number of emails."""
    revision = _revision(revision_id)
    if revision is None:
        return 0
    users = get_user_model().objects.filter(is_active=True, groups__name=REVIEWERS_GROUP).exclude(email="")
    if revision.author_id:
        users = users.exclude(pk=revision.author_id)
    recipients = sorted({user.email for user in users})
    if not recipients:
        return 0
    context = {
        **_context(revision),
        "submitted_at": _tokyo(revision.submitted_at),
        "action_label": "審査する",
        "action_url": _review_url(revision),
    }
    _send(f"[審査依頼] {revision.section.briefing.title} {context['section_label']}", "review_requested",
          context, recipients)
    return len(recipients)


def notify_author_of_review(*, revision_id: int, action: str) -> int:
    """Email the author the outcome of the review (or of the scheduled publication); return the number of emails."""
    revision = _revision(revision_id)
    if revision is None or revision.author is None or not revision.author.email:
        return 0
    briefing_url = absolute_url(f"/briefings/{revision.section.briefing.slug}/")
    if action == Action.SCHEDULE and revision.publish_at:
        outcome = f"承認され、{_tokyo(revision.publish_at)}に公開される予定です"
        action_label, action_url = "公開予約を確認する", _review_url(revision)
    elif action in (Action.APPROVE, Action.PUBLISH):
        when = _tokyo(revision.published_at) if revision.published_at else ""
        outcome = f"{'承認され' if action == Action.APPROVE else '予約どおり'}{when}に公開されました"
        action_label, action_url = "公開された版を読む", briefing_url
    elif action == Action.REJECT:
        outcome = "差し戻されました"
        action_label, action_url = "コメントを読んで修正する", _review_url(revision)
    else:
        outcome, action_label, action_url = f"「{action}」となりました", "版を開く", _review_url(revision)
    context = {
        **_context(revision),
        "outcome": outcome,
        "reviewed_at": _tokyo(revision.reviewed_at),
        "comment": revision.review_comment,
        "action_label": action_label,
        "action_url": action_url,
    }
    _send(f"[審査結果] {revision.section.briefing.title} {context['section_label']}: {outcome}", "review_outcome",
          context, [revision.author.email])
    return 1


def _revision(revision_id: int) -> SectionRevision | None:
    return (
        SectionRevision.objects.select_related("section__briefing", "author", "reviewed_by")
        .filter(pk=revision_id)
        .first()
    )


def _context(revision: SectionRevision) -> dict[str, Any]:
    return {
        "revision": revision,
        "briefing": revision.section.briefing,
        "section_label": _section_label(revision),
        "author": _name(revision.author),
        "reviewer": _name(revision.reviewed_by),
        "information_as_of": format_date_ja(revision.information_as_of),
        "site_name": settings.BRIEFINGS_SITE_NAME,
        "site_url": settings.SITE_URL,
    }


def _section_label(revision: SectionRevision) -> str:
    """「４．（１）ロシア・ウクライナの攻防…」: the chapter's number, then the section's own."""
    chapter = ""
    if revision.section.parent_id:
        chapter = (
            SectionRevision.objects.filter(section_id=revision.section.parent_id, status=RevisionStatus.PUBLISHED)
            .values_list("number", flat=True)
            .first()
        ) or ""
    return f"{chapter}{revision.number}{without_marks(revision.heading)}".strip() or revision.section.key


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _tokyo(value: Any) -> str:
    return f"{format_datetime_ja(value)}{TOKYO_SUFFIX}" if value else ""


def _review_url(revision: SectionRevision) -> str:
    return absolute_url(reverse("admin:briefings_sectionrevision_review", args=[revision.pk]))


def _send(subject: str, template: str, context: dict[str, Any], recipients: list[str]) -> None:
    """Queue one email per recipient (``core.mail``: retried with backoff, logged per recipient)."""
    text = render_to_string(f"briefings/emails/{template}.txt", context)
    html = render_to_string(f"briefings/emails/{template}.html", context)
    mail_queue(subject=subject, body=text, html=html, recipients=recipients)
