"""A release page is its stored frame with the live parts put in, whatever the cache holds.

The frame (``ReleasePageFrame``) is rendered once, at publication, from the
frozen rendering; the live state (``LiveState``) is stored once per change.
An uncached page reads both and renders only the small live parts.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from releases.models import LiveState, Release, ReleasePageFrame
from releases.selectors import history
from releases.selectors.pages import release_for_page
from releases.services.pages import frame_version
from releases.views import _fill

SLUG = "world-2025"
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_releases(briefing, publish_change):  # type: ignore[no-untyped-def]
    publish_change(key="ch4-1", new="。第二版の文。")
    publish_change(key="ch4-2", new="。第三版の文。")
    return briefing


def _page(client, number: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/briefings/{SLUG}/releases/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_publishing_stores_the_frame_and_the_page_is_the_frame_with_the_live_parts(client, three_releases):
    # given release 3, published through the workflow
    release = Release.objects.get(briefing=three_releases, number=3)
    # then its frame was stored at publication, for this deploy's templates and SITE_URL
    frame = ReleasePageFrame.objects.get(release=release, version=frame_version())
    assert "<!--slot:currency-->" in frame.html and "第三版の文。" in frame.html
    # and the page is that frame with every slot filled and no marker left
    page = _page(client, 3)
    assert "<!--slot:" not in page and "<!--live:" not in page and "<!--part-->" not in page
    head = frame.html.split("<!--slot:")[0]
    assert page.startswith(head)
    assert "最新の版" in page and "この版を引用する" in page and "前の版（第2版）" in page


def test_an_old_release_tells_of_the_new_one_even_when_no_signal_said_so(client, three_releases, publish_change,
                                                                        monkeypatch):
    # given release 3 read as the latest (its live state stored)
    assert "最新の版" in _page(client, 3)
    # when release 4 is published and the receivers that drop the live state never run
    monkeypatch.setattr("releases.receivers.live_state_changed", lambda: None)
    monkeypatch.setattr("releases.services.publishing.live_state_changed", lambda: None)
    publish_change(key="ch4-3", new="。第四版の文。")
    cache.clear()
    # then release 3's page says at once that it is no longer the latest (the stored state is checked)
    page = _page(client, 3)
    assert "最新は" in page and "第4版" in page and "最新の版" not in page


def test_a_release_scheduled_for_later_becomes_the_latest_at_its_time_without_any_write(client, three_releases,
                                                                                        monkeypatch):
    releases = {r.number: r for r in Release.objects.filter(briefing=three_releases)}
    between = releases[2].published_at + (releases[3].published_at - releases[2].published_at) / 2
    # given a moment when release 3 was not public yet: release 2 is the latest, and 3 is nowhere
    monkeypatch.setattr("django.utils.timezone.now", lambda: between)
    LiveState.objects.all().delete()
    cache.clear()
    page = _page(client, 2)
    assert "最新の版" in page and "次の版" not in page
    assert client.get(f"/briefings/{SLUG}/releases/3/").status_code == 404
    stored = LiveState.objects.get(briefing=three_releases)
    assert stored.latest_id == releases[2].pk and stored.valid_until <= releases[3].published_at
    # when its time comes (nothing written in between)
    monkeypatch.setattr("django.utils.timezone.now", lambda: releases[3].published_at + dt.timedelta(seconds=1))
    cache.clear()
    # then release 2 points to it
    page = _page(client, 2)
    assert "最新は" in page and "次の版（第3版）" in page


def test_the_one_query_lookup_agrees_with_the_orm_selectors(client, three_releases, django_assert_num_queries):
    releases = {r.number: r for r in Release.objects.filter(briefing=three_releases)}
    _page(client, 1)  # the live state is stored
    latest = history.release_latest(briefing=three_releases)
    for number, release in releases.items():
        with django_assert_num_queries(1):
            lookup = release_for_page(slug=SLUG, frame_version=frame_version(), number=number)
            found, around = lookup.release, lookup.around
            assert lookup.state.latest.edition_label == latest.edition_label
            assert lookup.state.latest.information_as_of_label == latest.information_as_of_label
        assert found.pk == release.pk and found.briefing.slug == SLUG and found.published_at == release.published_at
        for field in Release._meta.concrete_fields:  # every column converted as the ORM converts it
            assert getattr(found, field.attname) == getattr(release, field.attname), (number, field.name)
        stored = ReleasePageFrame.objects.get(release=release, version=frame_version())
        assert lookup.frame == (stored.html, stored.meta)
        expected = history.neighbours_of(release=release, latest=latest)
        for name in ("first", "previous", "next", "last"):
            mine, theirs = getattr(around, name), getattr(expected, name)
            assert (mine and (mine.pk, mine.number, mine.published_at)) == (
                theirs and (theirs.pk, theirs.number, theirs.published_at)), (number, name)
    version = frame_version()
    assert release_for_page(slug=SLUG, frame_version=version).release.pk == \
        history.release_latest(briefing=three_releases).pk
    for day in (dt.date(2025, 2, 9), dt.date.today()):
        expected = history.release_as_of_date(briefing=three_releases, day=day)
        moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone(dt.timedelta(hours=9)))
        assert release_for_page(slug=SLUG, frame_version=version, moment=moment).release.pk == expected.pk
    assert release_for_page(slug=SLUG, frame_version=version, moment=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) is None
    assert release_for_page(slug="nope", frame_version=version, number=1) is None
    assert release_for_page(slug=SLUG, frame_version=version, number=4) is None
    assert release_for_page(slug=SLUG, frame_version=version, number=2**31) is None
    assert release_for_page(slug=SLUG, frame_version="another", number=1).frame is None  # another deploy's


def test_a_new_site_url_or_deploy_renders_new_frames_and_never_serves_an_old_one(client, three_releases, settings):
    before = frame_version()
    settings.SITE_URL = "https://mirror.example.net"
    cache.clear()
    page = _page(client, 1)
    assert frame_version() != before
    assert 'href="https://mirror.example.net/briefings/world-2025/releases/1/"' in page
    assert ReleasePageFrame.objects.filter(release__number=1, release__briefing=three_releases).count() == 2


def test_verify_releases_notices_a_page_frame_that_is_not_its_rendering(client, three_releases, capsys):
    # given release 1's page, stored as a frame
    _page(client, 1)
    call_command("verify_releases", "--quiet")
    # when the stored frame is changed in the database (PostgreSQL: behind its trigger)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE releases_releasepageframe SET html = replace(html, 'ロシア', 'ロシヤ')")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    # then verify_releases names it
    with pytest.raises(Exception, match="damaged"):
        call_command("verify_releases")
    assert "ページ枠" in capsys.readouterr().err


def test_a_stored_frame_is_never_changed_in_place(three_releases):
    frame = ReleasePageFrame.objects.filter(release__briefing=three_releases).first()
    frame.html = "改ざん"
    with pytest.raises(Exception, match="ページ枠は変更できません"):
        frame.save()


def test_the_parts_made_once_per_process_follow_the_day_and_the_neighbours(client, three_releases, publish_change,
                                                                          monkeypatch):
    """The navigation and the citation are kept per process for what determines them, never past it."""
    first = _page(client, 3)
    assert "次の版" not in first
    # when a day passes, the access date of every citation is the new day
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: tomorrow)
    cache.clear()
    day = tomorrow.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    page = _page(client, 3)
    assert f"参照日（{day.year}年{day.month}月{day.day}日）" in page
    assert f'max="{day.isoformat()}"' in page  # the date picker reaches the new day
    # and when release 4 is published, release 3's navigation leads to it
    monkeypatch.undo()
    publish_change(key="ch4-3", new="。第四版の文。")
    cache.clear()
    page = _page(client, 3)
    assert "次の版（第4版）" in page and "全4版" in page


def test_filling_the_slots_leaves_every_other_comment_and_text_as_it_was():
    html = "<p>a<!-- an author's note --></p><!--slot:nav--><!--<!--live:ch4-1-->x<!--slot:-->"
    parts = {("slot", "nav"): "[NAV]", ("live", "ch4-1"): "[BADGE]"}
    assert _fill(html, lambda kind, name: parts[(kind, name)]) == \
        "<p>a<!-- an author's note --></p>[NAV]<!--[BADGE]x<!--slot:-->"
