"""What subscribers and webhook endpoints hear of (connected in ``SubscriptionsConfig.ready``).

Every signal here is sent after commit; the receivers only queue tasks and
read what an event's payload needs, so a publication never waits on a mail
server or a stranger's web server.
"""
from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from core.tasks import enqueue
from events.signals import sections_became_stale
from releases.models import Release
from releases.signals import release_published
from sources.signals import link_became_dead
from subscriptions import selectors, tasks
from subscriptions.models import WebhookEvent


@receiver(release_published, dispatch_uid="subscriptions.release_published")
def after_publication(sender: Any, *, release_id: int, **kwargs: Any) -> None:
    """Queue the subscribers' mails and the ``release.published`` webhooks."""
    enqueue(tasks.subscription_notify_release_task, release_id)
    if not selectors.endpoints_for(event=WebhookEvent.RELEASE_PUBLISHED):
        return
    release = Release.objects.published().select_related("briefing").filter(pk=release_id).first()
    if release is not None:  # never a release dated in the future (CONTRACT: none appears anywhere before its time)
        enqueue(tasks.webhook_event_task, WebhookEvent.RELEASE_PUBLISHED.value,
                selectors.release_event_data(release=release))


@receiver(sections_became_stale, dispatch_uid="subscriptions.sections_became_stale")
def after_staleness(sender: Any, *, section_ids: list[int], **kwargs: Any) -> None:
    """Queue one ``section.stale`` webhook per section that became stale."""
    if not selectors.endpoints_for(event=WebhookEvent.SECTION_STALE):
        return
    for data in selectors.stale_section_event_data(section_ids=section_ids):
        enqueue(tasks.webhook_event_task, WebhookEvent.SECTION_STALE.value, data)


@receiver(link_became_dead, dispatch_uid="subscriptions.link_became_dead")
def after_dead_link(sender: Any, *, source_id: int, **kwargs: Any) -> None:
    """Queue the ``source.dead`` webhook of a public source whose link died."""
    if not selectors.endpoints_for(event=WebhookEvent.SOURCE_DEAD):
        return
    data = selectors.dead_source_event_data(source_id=source_id)
    if data is not None:
        enqueue(tasks.webhook_event_task, WebhookEvent.SOURCE_DEAD.value, data)
