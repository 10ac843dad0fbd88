"""Emails about stale sections, sent from Celery tasks after commit."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from core.dates import format_date_ja
from core.roles import EDITORS_GROUP
from core.tasks import mail_queue
from events.selectors import stale_sections


def notify_editors_of_stale_sections(*, section_ids: list[int]) -> int:
    """Email the editors of each stale section: the author of its published revision when
    that is an active editor, else every active editor. Returns the number of emails."""
    editors = list(get_user_model().objects.filter(is_active=True, groups__name=EDITORS_GROUP).exclude(email=""))
    by_pk = {user.pk: user for user in editors}
    sent = 0
    for entry in stale_sections(section_ids=section_ids):
        author = by_pk.get(entry.revision.author_id) if entry.revision.author_id else None
        recipients = sorted({author.email} if author else {user.email for user in editors})
        if not recipients:
            continue
        lines = [f"・{item.event.date_display} {item.event.title}" + ("（基準日と重なる可能性）" if item.is_ambiguous else "")
                 for item in entry.events]
        body = (
            f"{entry.section.briefing.title} の節 {entry.section.key} {entry.revision.number}{entry.revision.heading} は、"
            f"情報の基準日（{format_date_ja(entry.cutoff)}）より後の出来事があり、更新が必要な可能性があります。\n"
            + "\n".join(lines)
            + "\n管理画面の「更新が必要な節」から下書きを作成できます。\n"
        )
        sent += mail_queue(subject=f"[更新の要否] {entry.section.briefing.title} {entry.section.key}", body=body,
                           recipients=recipients)
    return sent
