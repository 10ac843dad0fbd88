"""Email subscriptions: double opt-in, no enumeration, RFC 8058 one-click unsubscribe, which releases mail whom, digests."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from briefings.models import Briefing, Section
from core.errors import ApplicationError
from subscriptions.models import Frequency, Subscription, SubscriptionStatus
from subscriptions.services import subscription_request, subscription_send_digests
from subscriptions.tokens import CONFIRM_SALT

SUBSCRIBE = "/briefings/world-2025/subscribe/"


def readers_mail() -> list[mail.EmailMessage]:
    """The mails to readers (the workflow also mails editors and reviewers at example.org)."""
    return [m for m in mail.outbox if m.to[0].endswith("@example.jp")]


def link(message: mail.EmailMessage, kind: str) -> str:
    found = re.search(rf"https://briefings\.example\.org(/subscriptions/{kind}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def subscribe(client: Client, email: str, *, section: str = "", frequency: str = "immediate", capture=None):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(SUBSCRIBE, {"email": email, "section": section, "frequency": frequency})


def confirmed(client: Client, email: str, capture, **kwargs) -> Subscription:  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    subscribe(client, email, capture=capture, **kwargs)
    client.post(link(mail.outbox[-1], "confirm"))
    mail.outbox.clear()
    return Subscription.objects.get(email=email.lower(), section__key=kwargs.get("section") or None)


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser without our cookie (a mail client's one-click POST)."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_double_opt_in_mails_a_link_and_only_the_posted_confirmation_activates(
    briefing, csrf_client, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    # when
    response = subscribe(csrf_client, " Reader@Example.JP ", capture=django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 200 and "確認メールをお送りしました" in response.content.decode()
    row = Subscription.objects.get()
    assert (row.email, row.status) == ("reader@example.jp", SubscriptionStatus.PENDING)
    [message] = mail.outbox
    assert message.to == ["reader@example.jp"] and "購読の確認" in message.subject
    confirm = link(message, "confirm")
    page = csrf_client.get(confirm)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200 and "登録を確定する" in page.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
    done = csrf_client.post(confirm)
    assert done.status_code == 200 and "登録しました" in done.content.decode()
    row.refresh_from_db()
    assert row.status == SubscriptionStatus.ACTIVE and row.confirmed_at is not None


@pytest.mark.django_db
def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    briefing, settings, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    settings.SUBSCRIPTION_RESEND_INTERVAL = 0
    client = Client()
    confirmed(client, "known@example.jp", django_capture_on_commit_callbacks)
    known = subscribe(client, "known@example.jp", capture=django_capture_on_commit_callbacks)
    fresh = subscribe(client, "fresh@example.jp", capture=django_capture_on_commit_callbacks)
    assert known.status_code == fresh.status_code == 200
    assert known.content == fresh.content
    # the known address is asked to confirm again (only the inbox's owner changes anything) and stays active
    assert Subscription.objects.get(email="known@example.jp").status == SubscriptionStatus.ACTIVE
    assert sorted(m.to[0] for m in mail.outbox) == ["fresh@example.jp", "known@example.jp"]


@pytest.mark.django_db
def test_repeated_sign_ups_do_not_flood_an_inbox(briefing, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        assert subscribe(client, "victim@example.jp", capture=django_capture_on_commit_callbacks).status_code == 200
    assert len(mail.outbox) == 1 and Subscription.objects.count() == 1


@pytest.mark.django_db
def test_the_form_is_throttled_per_address(briefing, settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "subscribe": "2/hour"}}
    cache.clear()
    client = Client()
    codes = [subscribe(client, f"r{i}@example.jp", capture=django_capture_on_commit_callbacks).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]
    assert "しばらくしてから" in subscribe(client, "x@example.jp", capture=django_capture_on_commit_callbacks) \
        .content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"email": "not-an-address", "frequency": "immediate"}, "メールアドレスの形式が正しくありません"),
    ({"email": "", "frequency": "immediate"}, "メールアドレスを入力してください"),
    ({"email": "a@example.jp", "frequency": "hourly"}, "頻度は「公開のたびに」か「週1回のまとめ」から選んでください"),
    ({"email": "a@example.jp", "frequency": "weekly", "section": "no-such"}, "節「no-such」はこのブリーフィングにありません"),
])
def test_bad_input_gets_a_japanese_error_and_the_form_back(briefing, data, message):  # type: ignore[no-untyped-def]
    response = Client().post(SUBSCRIBE, data)
    assert response.status_code == 400
    assert message in response.content.decode() and 'name="email"' in response.content.decode()
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
def test_forged_or_expired_links_are_refused(briefing, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    client = Client()
    subscribe(client, "reader@example.jp", capture=django_capture_on_commit_callbacks)
    row = Subscription.objects.get()
    forged = client.post("/subscriptions/confirm/" + signing.dumps({"s": row.pk, "e": row.email, "f": "weekly"},
                                                                   salt="another") + "/")
    assert forged.status_code == 400 and "確認リンクが正しくありません" in forged.content.decode()
    # an unsubscribe token is not a confirmation token
    unsubscribe = signing.dumps({"s": row.pk, "e": row.email}, salt="subscriptions.unsubscribe")
    assert client.post(f"/subscriptions/confirm/{unsubscribe}/").status_code == 400
    stale = signing.dumps({"s": row.pk, "e": row.email, "f": "weekly"}, salt=CONFIRM_SALT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: timezone.now().timestamp() + 8 * 24 * 3600)
        late = client.post(f"/subscriptions/confirm/{stale}/")
    assert late.status_code == 400 and "有効期限が切れています" in late.content.decode()


@pytest.mark.django_db
def test_an_update_mails_immediate_subscribers_with_one_click_unsubscribe_headers(
    briefing, publish_change, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    # given
    client = Client()
    whole = confirmed(client, "whole@example.jp", django_capture_on_commit_callbacks)
    confirmed(client, "section@example.jp", django_capture_on_commit_callbacks, section="ch4-1")
    confirmed(client, "other@example.jp", django_capture_on_commit_callbacks, section="ch2")
    confirmed(client, "weekly@example.jp", django_capture_on_commit_callbacks, frequency="weekly")
    subscribe(client, "pending@example.jp", capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        release = publish_change(key="ch4-1", summary="停戦交渉の進展を追記")
    # then: the briefing's and the changed section's subscribers, no one else
    assert sorted(m.to[0] for m in readers_mail()) == ["section@example.jp", "whole@example.jp"]
    message = next(m for m in readers_mail() if m.to == ["whole@example.jp"])
    assert f"第{release.number}版（更新）" in message.subject
    assert "停戦交渉の進展を追記" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https://briefings\.example\.org/subscriptions/unsubscribe/[^>]+/)>",
                       message.extra_headers["List-Unsubscribe"])
    assert url and url.group(1) in message.body
    # RFC 8058: the mail client POSTs the one-click body, without cookie or CSRF token
    one_click = Client(enforce_csrf_checks=True).post(url.group(1).removeprefix("https://briefings.example.org"),
                                                       "List-Unsubscribe=One-Click",
                                                       content_type="application/x-www-form-urlencoded")
    assert one_click.status_code == 200 and "配信を停止しました" in one_click.content.decode()
    whole.refresh_from_db()
    assert whole.status == SubscriptionStatus.UNSUBSCRIBED


@pytest.mark.django_db
def test_minor_changes_mail_no_one_and_corrections_do(
    briefing, publish_change, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    confirmed(Client(), "reader@example.jp", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(kind="minor", summary="誤字の修正")
    assert readers_mail() == []
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(kind="correction", old="。新しい文。", new="。正しい文。", summary="誤りの訂正")
    [message] = readers_mail()
    assert "（訂正）" in message.subject and "誤りの訂正" in message.body


@pytest.mark.django_db
def test_the_unsubscribe_page_asks_first_and_a_get_changes_nothing(
    briefing, publish_change, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    row = confirmed(Client(), "reader@example.jp", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        publish_change()
    path = re.search(r"https://briefings\.example\.org(/subscriptions/unsubscribe/\S+/)", readers_mail()[0].body).group(1)
    page = Client().get(path)
    assert page.status_code == 200 and "配信を停止する" in page.content.decode()
    row.refresh_from_db()
    assert row.status == SubscriptionStatus.ACTIVE
    assert Client().post(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400
    Client().post(path)
    again = Client().post(path)  # idempotent
    assert again.status_code == 200
    row.refresh_from_db()
    assert row.status == SubscriptionStatus.UNSUBSCRIBED
    # a new sign-up starts over with a confirmation; nothing is mailed meanwhile
    mail.outbox.clear()
    subscribe(Client(), "reader@example.jp", capture=django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert row.status == SubscriptionStatus.PENDING and "購読の確認" in readers_mail()[0].subject


@pytest.mark.django_db
def test_weekly_subscribers_get_one_digest_of_the_week(
    briefing, publish_change, django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    # given
    confirmed(Client(), "weekly@example.jp", django_capture_on_commit_callbacks, frequency="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_change(summary="一つ目の更新")
        publish_change(kind="minor", old="。新しい文。", new="。新しい文章。", summary="軽微")
        second = publish_change(kind="correction", old="。新しい文章。", new="。正しい文章。", summary="二つ目は訂正")
    assert readers_mail() == []  # nothing at publication time
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sent = subscription_send_digests(now=timezone.now() + dt.timedelta(minutes=1))
    # then
    assert sent == 1
    [digest] = readers_mail()
    assert "今週の更新（2件）" in digest.subject
    assert "一つ目の更新" in digest.body and "二つ目は訂正" in digest.body and "軽微" not in digest.body
    assert digest.body.index(f"第{first.number}版") < digest.body.index(f"第{second.number}版")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # the next week's run sends nothing new
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert subscription_send_digests(now=timezone.now() + dt.timedelta(days=7)) == 0
    assert readers_mail() == []


@pytest.mark.django_db
def test_service_refuses_a_section_of_another_briefing(briefing):  # type: ignore[no-untyped-def]
    other = Briefing.objects.create(slug="other", title="別のブリーフィング")
    section = Section.objects.create(briefing=other, key="x1", position=1)
    with pytest.raises(ApplicationError, match="この節はこのブリーフィングにありません"):
        subscription_request(email="a@example.jp", briefing=briefing, section=section, frequency=Frequency.WEEKLY)
