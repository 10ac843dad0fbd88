"""Emails about the review workflow, sent from Celery tasks after commit."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from briefings.models import SectionRevision
from briefings.workflow import Action
from core.roles import REVIEWERS_GROUP
from core.tasks import mail_queue


def notify_reviewers_of_submission(*, revision_id: int) -> int:
    """Email every active reviewer except the author; return the number of emails."""
    revision = SectionRevision.objects.select_related("section__briefing", "author").filter(pk=revision_id).first()
    if revision is None:
        return 0
    users = get_user_model().objects.filter(is_active=True, groups__name=REVIEWERS_GROUP).exclude(email="")
    if revision.author_id:
        users = users.exclude(pk=revision.author_id)
    recipients = sorted({user.email for user in users})
    if not recipients:
        return 0
    subject = f"[審査依頼] {revision.section.briefing.title} {revision.number}{revision.heading}"
    body = (
        f"版{revision.pk}（節 {revision.section.key}）が審査に提出されました。\n"
        f"変更の概要: {revision.change_summary or '（なし）'}\n"
    )
    return mail_queue(subject=subject, body=body, recipients=recipients)


def notify_author_of_review(*, revision_id: int, action: str) -> int:
    """Email the author the outcome of the review; return the number of emails."""
    revision = SectionRevision.objects.select_related("section__briefing", "author").filter(pk=revision_id).first()
    if revision is None or revision.author is None or not revision.author.email:
        return 0
    outcome = {
        Action.APPROVE: "承認され公開されました",
        Action.SCHEDULE: f"承認され {revision.publish_at:%Y-%m-%d %H:%M} に公開予定です" if revision.publish_at else "承認されました",
        Action.REJECT: "差し戻されました",
    }.get(action, action)
    body = f"版{revision.pk}（節 {revision.section.key}）は{outcome}。\n"
    if revision.review_comment:
        body += f"審査コメント: {revision.review_comment}\n"
    return mail_queue(subject=f"[審査結果] {revision.section.briefing.title}", body=body,
                      recipients=[revision.author.email])
