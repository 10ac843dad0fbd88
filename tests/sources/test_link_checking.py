"""Link checking: outcomes, the dead-link rule, politeness, idempotence (local server only)."""
import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from sources.models import LinkCheck, LinkHealth, LinkStatus, Source
from sources.services import HostBusy, _acquire_host_slot, link_check, links_due


@pytest.fixture(autouse=True)
def _local_sites_allowed(settings):  # type: ignore[no-untyped-def]
    """These tests' sites run on 127.0.0.1, which the checker refuses unless told (test_link_checking_ssrf.py)."""
    settings.LINK_CHECK_ALLOW_LOOPBACK = True


def _source(url: str) -> Source:
    return Source.objects.create(fingerprint=url[-64:].rjust(64, "0"), kind="website", citation=url, url=url,
                                 url_domain="127.0.0.1")


@pytest.mark.django_db
@override_settings(LINK_CHECK_TIMEOUT=1)
@pytest.mark.parametrize(
    ("path", "outcome", "status"),
    [("/ok", "ok", 200), ("/moved", "redirect_same_site", 200), ("/elsewhere", "redirect_other_site", 200),
     ("/gone", "not_found", 404), ("/broken", "server_error", 500), ("/soft", "soft_404", 200),
     ("/slow", "timeout", None)],
)
def test_each_kind_of_answer_is_told_apart(site, path, outcome, status):
    check = link_check(source_id=_source(site + path).pk)
    assert (check.outcome, check.http_status) == (outcome, status)
    if path in ("/moved", "/elsewhere"):
        assert check.final_url.endswith("/ok")


@pytest.mark.django_db
def test_checks_name_the_product_in_the_user_agent(site):
    from tests.sources.conftest import Handler

    link_check(source_id=_source(site + "/ok").pk)
    assert Handler.seen_agents and Handler.seen_agents[-1].startswith("BriefingsLinkChecker/")


@pytest.mark.django_db
def test_a_link_is_dead_only_after_three_failures_at_least_three_days_apart(site):
    source = _source(site + "/gone")
    start = timezone.now()
    for hours in (0, 1, 2):  # three failures in one afternoon: failing, not dead
        link_check(source_id=source.pk, force=True, now=start + dt.timedelta(hours=hours))
    health = LinkHealth.objects.get(source=source)
    assert (health.status, health.consecutive_failures) == (LinkStatus.FAILING, 3)
    link_check(source_id=source.pk, force=True, now=start + dt.timedelta(days=3))
    health.refresh_from_db()
    assert health.status == LinkStatus.DEAD and health.failing_since == start


@pytest.mark.django_db
def test_a_success_resets_the_failures_and_a_move_to_another_site_is_flagged(site):
    source = _source(site + "/gone")
    link_check(source_id=source.pk, force=True)
    source.url = site + "/ok"
    source.save()
    link_check(source_id=source.pk, force=True)
    health = LinkHealth.objects.get(source=source)
    assert (health.status, health.consecutive_failures, health.failing_since) == (LinkStatus.OK, 0, None)
    source.url = site + "/elsewhere"
    source.save()
    link_check(source_id=source.pk, force=True)
    health.refresh_from_db()
    assert health.status == LinkStatus.MOVED and "localhost" in health.final_url


@pytest.mark.django_db
def test_checking_again_soon_is_a_no_op_unless_forced(site):
    source = _source(site + "/ok")
    assert link_check(source_id=source.pk) is not None
    assert link_check(source_id=source.pk) is None
    assert link_check(source_id=source.pk, force=True) is not None
    assert LinkCheck.objects.filter(source=source).count() == 2
    assert source.pk not in links_due()
    assert source.pk in links_due(now=timezone.now() + dt.timedelta(days=1))


@pytest.mark.django_db
@override_settings(LINK_CHECK_HOST_CONCURRENCY=1)
def test_one_host_is_checked_one_request_at_a_time(site):
    source = _source(site + "/ok")
    held = _acquire_host_slot("127.0.0.1")
    try:
        with pytest.raises(HostBusy):
            link_check(source_id=source.pk)
    finally:
        from django.core.cache import cache

        cache.delete(held)
    assert link_check(source_id=source.pk) is not None


@pytest.mark.django_db
def test_editors_see_link_health_with_the_notes_citing_each_source(client, briefing, editor):
    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    LinkHealth.objects.filter(source=source).update(status=LinkStatus.DEAD, consecutive_failures=4)
    client.force_login(editor)
    html = client.get("/admin/sources/linkhealth/?status=dead").content.decode()
    assert "jetro.go.jp" in html and "注" in html and "登録する" in html
    response = client.post("/admin/sources/source/", {"action": "check_links_now", "_selected_action": [source.pk]},
                           follow=True)
    assert "リンク確認を依頼しました" in response.content.decode()


@pytest.mark.django_db
def test_every_url_of_the_paper_has_a_health_record(briefing):
    with_url = Source.objects.exclude(url="")
    assert with_url.count() > 20
    assert LinkHealth.objects.filter(source__in=with_url, status=LinkStatus.UNCHECKED).count() == with_url.count()
    assert not LinkHealth.objects.filter(source__url="").exists()
