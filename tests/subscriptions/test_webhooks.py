"""Signed webhooks delivered to a real local HTTP receiver, with retries, backoff, a log and SSRF refusal."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone

from events.signals import sections_became_stale
from sources.models import LinkHealth, LinkStatus, Source
from sources.services import link_check
from sources.signals import link_became_dead
from subscriptions.admin import WebhookEndpointForm
from subscriptions.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from subscriptions.services import webhook_attempt, webhook_event_record
from subscriptions.tasks import webhook_deliver_task
from tests.subscriptions.receiver import receiver

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verifier():  # type: ignore[no-untyped-def]
    """Return ``verify_webhook`` and ``InvalidWebhook`` as docs/webhooks.md writes them (the recipe is run, not copied)."""
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert code, "docs/webhooks.md lost its Python recipe"
    namespace: dict[str, object] = {}
    exec(code.group(1), namespace)  # noqa: S102  (our own documentation, under test)
    return namespace["verify_webhook"], namespace["InvalidWebhook"]


def endpoint(url: str, *events: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=url, events=list(events or WebhookEvent.values))


@pytest.mark.django_db
def test_release_published_reaches_the_receiver_signed_and_the_documented_recipe_verifies_it(
    publish_change, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    # given
    verify, invalid = documented_verifier()
    with receiver() as hook:
        target = endpoint(hook.url, WebhookEvent.RELEASE_PUBLISHED)
        # when
        with django_capture_on_commit_callbacks(execute=True):
            release = publish_change(key="ch4-1", summary="情勢を更新")
    # then
    assert len(hook.requests) == 1
    request = hook.requests[0]
    verify(target.secret, request.headers, request.body)
    payload = json.loads(request.body)
    assert payload["type"] == "release.published"
    assert payload["data"]["release"]["number"] == release.number
    assert payload["data"]["release"]["url"].startswith("https://briefings.example.org/briefings/world-2025/releases/")
    assert [s["key"] for s in payload["data"]["changed_sections"]] == ["ch4-1"]
    assert request.headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert request.headers["webhook-id"] == delivery.message_id
    # a tampered body, another secret or an old timestamp are refused by the recipe
    with pytest.raises(invalid):
        verify(target.secret, request.headers, request.body.replace(b"ch4-1", b"ch4-2"))
    with pytest.raises(invalid):
        verify("whsec_" + "A" * 43 + "=", request.headers, request.body)
    with pytest.raises(invalid):
        verify(target.secret, {**request.headers, "webhook-timestamp": str(int(timezone.now().timestamp()) - 3600)},
               request.body)


@pytest.mark.django_db
def test_a_receiver_failing_twice_gets_the_same_message_again_with_backoff_until_it_succeeds():
    # given
    with receiver(500, 503) as hook:
        target = endpoint(hook.url)
        [delivery_id] = webhook_event_record(event="section.stale", data={"section": {"key": "ch1"}})
        start = timezone.now()
        # when: the worker's three runs of the task (eager: each run is one attempt)
        first = webhook_attempt(delivery_id=delivery_id, now=start)
        second = webhook_attempt(delivery_id=delivery_id, now=start + dt.timedelta(seconds=30))
        assert webhook_deliver_task.apply(args=[delivery_id]).get() == DeliveryStatus.DELIVERED
    # then
    assert (first.retry_in, second.retry_in) == (30, 60)  # exponential backoff
    assert first.delivery.next_retry_at == start + dt.timedelta(seconds=30)
    assert first.delivery.status == DeliveryStatus.RETRYING
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3 and delivery.next_retry_at is None
    log = list(delivery.attempt_log.values_list("number", "status_code", "response_excerpt"))
    assert log == [(1, 500, "answer 500"), (2, 503, "answer 503"), (3, 204, "")]
    ids = {request.headers["webhook-id"] for request in hook.requests}
    assert ids == {delivery.message_id} and len({r.body for r in hook.requests}) == 1
    verify, _ = documented_verifier()
    verify(target.secret, hook.requests[-1].headers, hook.requests[-1].body)
    # a delivered message is never sent again
    assert webhook_attempt(delivery_id=delivery_id).retry_in is None and len(hook.requests) == 3


@pytest.mark.django_db
def test_a_delivery_fails_after_the_last_attempt(settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with receiver(500, 500, 500) as hook:
        endpoint(hook.url)
        [delivery_id] = webhook_event_record(event="source.dead", data={})
        webhook_attempt(delivery_id=delivery_id)
        result = webhook_attempt(delivery_id=delivery_id)
        webhook_attempt(delivery_id=delivery_id)
    assert result.retry_in is None and result.delivery.status == DeliveryStatus.FAILED
    assert result.delivery.last_error == "HTTP 500" and len(hook.requests) == 2


@pytest.mark.django_db
def test_a_receiver_that_does_not_answer_is_logged_and_retried():
    with receiver() as hook:
        url = hook.url
    endpoint(url)  # the server is gone: connection refused
    [delivery_id] = webhook_event_record(event="source.dead", data={})
    result = webhook_attempt(delivery_id=delivery_id)
    assert result.retry_in == 30 and result.delivery.status == DeliveryStatus.RETRYING
    assert "ConnectionRefusedError" in result.delivery.last_error


@pytest.mark.django_db
def test_loopback_and_private_addresses_are_refused_outside_tests(settings):  # type: ignore[no-untyped-def]
    # given: production settings (no loopback)
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with receiver() as hook:
        endpoint(hook.url)
        [delivery_id] = webhook_event_record(event="release.published", data={})
        # when
        result = webhook_attempt(delivery_id=delivery_id)
    # then: failed at once, nothing reached the server, the reason is logged
    assert result.delivery.status == DeliveryStatus.FAILED and result.retry_in is None
    assert hook.requests == []
    assert "公開されていないアドレス" in result.delivery.attempt_log.get().error
    # and the admin form refuses such URLs, and anything but https
    for url, message in [(hook.url, "https の URL"), ("https://127.0.0.1/hook", "公開されていないアドレス"),
                         ("https://[::1]/hook", "公開されていないアドレス")]:
        form = WebhookEndpointForm(data={"url": url, "events": ["release.published"], "is_active": True})
        assert not form.is_valid() and message in str(form.errors["url"]), url


@pytest.mark.django_db
def test_events_go_only_to_endpoints_that_asked_for_them_and_are_active():
    with receiver() as wanted, receiver() as other, receiver() as off:
        endpoint(wanted.url, "source.dead")
        endpoint(other.url, "release.published")
        WebhookEndpoint.objects.create(url=off.url, events=["source.dead"], is_active=False)
        for delivery_id in webhook_event_record(event="source.dead", data={"x": 1}):
            webhook_deliver_task.apply(args=[delivery_id])
    assert len(wanted.requests) == 1 and other.requests == [] and off.requests == []


@pytest.mark.django_db
def test_section_stale_and_source_dead_signals_become_deliveries(briefing):  # type: ignore[no-untyped-def]
    # given
    section = briefing.sections.get(key="ch4-1")
    source = Source.objects.public().exclude(url="").first()
    hidden = Source.objects.create(kind=source.kind, citation="未公開の出典", title="未公開", url="https://example.org/x",
                                   fingerprint="hidden-test")
    for row in (source, hidden):
        LinkHealth.objects.update_or_create(source=row, defaults={"status": LinkStatus.DEAD})
    with receiver() as hook:
        endpoint(hook.url, "section.stale", "source.dead")
        # when
        sections_became_stale.send(sender=None, section_ids=[section.pk])
        link_became_dead.send(sender=LinkHealth, source_id=source.pk)
        link_became_dead.send(sender=LinkHealth, source_id=hidden.pk)  # not public: never sent
    # then
    payloads = [json.loads(r.body) for r in hook.requests]
    assert [p["type"] for p in payloads] == ["section.stale", "source.dead"]
    assert payloads[0]["data"]["section"]["key"] == "ch4-1"
    assert payloads[0]["data"]["section"]["history_url"].endswith("/briefings/world-2025/sections/ch4-1/history/")
    assert payloads[1]["data"]["source"]["id"] == source.pk
    assert payloads[1]["data"]["link"]["status"] == "dead"


@pytest.mark.django_db
def test_only_administrators_see_endpoints_and_the_delivery_log(admin_client, editor):  # type: ignore[no-untyped-def]
    # given
    with receiver(500) as hook:
        endpoint(hook.url)
        [delivery_id] = webhook_event_record(event="source.dead", data={})
        webhook_attempt(delivery_id=delivery_id)
    # when / then: the log shows the attempt, its status code, the answer and the next retry
    page = admin_client.get(f"/admin/subscriptions/webhookdelivery/{delivery_id}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "answer 500" in text and "再送待ち" in text
    assert admin_client.get("/admin/subscriptions/webhookendpoint/").status_code == 200
    staff = Client()
    staff.force_login(editor)
    assert staff.get(f"/admin/subscriptions/webhookdelivery/{delivery_id}/change/").status_code == 403
    assert staff.get("/admin/subscriptions/webhookendpoint/add/").status_code == 403


@pytest.mark.django_db
def test_on_a_worker_a_failed_attempt_is_retried_by_celery_after_the_backoff(monkeypatch):  # type: ignore[no-untyped-def]
    # given: the task as a worker runs it (not eager); Celery's retry records the countdown it is given
    asked: list[int] = []

    def retry(countdown: int, **kwargs: object) -> Exception:
        asked.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(webhook_deliver_task, "retry", retry)
    with receiver(502) as hook:
        endpoint(hook.url)
        [delivery_id] = webhook_event_record(event="source.dead", data={})
        webhook_deliver_task.push_request(is_eager=False, retries=0, id="worker-task")
        try:
            # when / then
            with pytest.raises(Retry):
                webhook_deliver_task.run(delivery_id)
        finally:
            webhook_deliver_task.pop_request()
    assert asked == [30] and len(hook.requests) == 1


@pytest.mark.django_db
def test_a_link_check_that_kills_a_public_link_sends_source_dead_once(
    briefing, settings, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    # given: a public source whose link points at a server that is gone; dead after one failure
    settings.LINK_DEAD_AFTER_FAILURES, settings.LINK_DEAD_AFTER_DAYS = 1, 0
    settings.LINK_CHECK_ALLOW_LOOPBACK, settings.LINK_CHECK_MIN_INTERVAL = True, 0
    with receiver() as gone:
        dead_url = gone.url
    kind = Source.objects.first().kind
    source = Source.objects.create(kind=kind, citation="消えたページ", title="消えたページ", url=dead_url,
                                   fingerprint="gone-test", published_at=timezone.now())
    with receiver() as hook:
        endpoint(hook.url, "source.dead")
        # when: checked twice
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                link_check(source_id=source.pk, force=True)
    # then: one message, when the link turned dead
    assert LinkHealth.objects.get(source=source).status == LinkStatus.DEAD
    assert [json.loads(r.body)["data"]["source"]["url"] for r in hook.requests] == [dead_url]
