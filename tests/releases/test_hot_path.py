"""The uncached release page and snapshot are served from stored rows in a fixed, small number of queries.

Issue 12's floor (``scripts/bench``): one stored row returned by the same
Django stack. These tests hold the query counts the bench measured, whatever
the length of the history, so a change that brings back per-request assembly
(or asks the database the same question twice) fails here, not only in the
numbers. The page cache is emptied first: these are the misses.
"""
from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection

from releases.models import Release, ReleaseRendering
from releases.selectors.history import neighbours_of, release_by_slug, release_first, release_latest

SLUG = "world-2025"


@pytest.fixture
def three_releases(briefing, publish_change):  # type: ignore[no-untyped-def]
    publish_change(key="ch4-1", new="。第二版の文。")
    publish_change(key="ch4-2", new="。第三版の文。")
    return briefing


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "queries"), [(1, 1), (2, 1), (3, 1)])
def test_an_uncached_release_page_costs_a_fixed_number_of_queries(client, three_releases, number, queries,
                                                                  django_assert_num_queries):
    """One query: the release with its briefing, live state, newest release, neighbours and stored frame.

    The cache is empty; the live state is stored in the database once per
    change (``LiveState``), so only the first reader after a change computes it.
    A past release page cost 13 queries before the hot path was fixed, 7 before
    the page frame was stored, 4 before its neighbours came with the lookup, 2 before the frame did.
    """
    client.get(f"/briefings/{SLUG}/releases/{number}/")  # the rendering exists; warm the templates
    cache.clear()
    with django_assert_num_queries(queries):
        response = client.get(f"/briefings/{SLUG}/releases/{number}/")
    assert response.status_code == 200
    assert f"第{number}版".encode() in response.content or number == 1


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?release=2", "?as_of=2099-01-01", "?release=1&as_of=2025-02-09"])
def test_the_snapshot_is_one_stored_row_in_one_query(client, three_releases, query, django_assert_num_queries):
    expected_future = query == "?as_of=2099-01-01"
    if expected_future:  # a future day takes the long way to its clear 404
        assert client.get(f"/api/briefings/{SLUG}/snapshot/{query}").status_code == 404
        return
    with django_assert_num_queries(1):
        response = client.get(f"/api/briefings/{SLUG}/snapshot/{query}")
    assert response.status_code == 200
    number = int(query.split("release=")[1].split("&")[0]) if "release=" in query else 3
    release = Release.objects.get(briefing=three_releases, number=number)
    stored = ReleaseRendering.objects.get(release=release).snapshot_json
    assert response.content == stored.encode("utf-8")
    assert json.loads(response.content)["release"] == number


@pytest.mark.django_db
def test_the_snapshot_takes_the_long_way_for_errors_and_missing_renderings(client, three_releases):
    assert client.get("/api/briefings/nope/snapshot/").json()["detail"] == "ブリーフィング「nope」は存在しません。"
    assert client.get(f"/api/briefings/{SLUG}/snapshot/?release=9").status_code == 404
    assert client.get(f"/api/briefings/{SLUG}/snapshot/?release=99999999999").status_code in (400, 404)
    late = client.get(f"/api/briefings/{SLUG}/snapshot/?release=3&as_of=2025-02-08")
    assert late.status_code == 404 and "まだ公開されていません" in late.json()["detail"]
    # a rendering version not made yet is made from the artefact, byte for byte what it was
    release = Release.objects.get(briefing=three_releases, number=2)
    before = ReleaseRendering.objects.get(release=release).snapshot_json
    ReleaseRendering.objects.filter(release=release).delete()
    response = client.get(f"/api/briefings/{SLUG}/snapshot/?release=2")
    assert response.status_code == 200 and response.content == before.encode("utf-8")


@pytest.mark.django_db
def test_neighbours_in_one_query_agree_with_the_one_by_one_lookups(three_releases, django_assert_num_queries):
    latest = release_latest(briefing=three_releases)
    releases = {r.number: r for r in Release.objects.filter(briefing=three_releases)}
    with django_assert_num_queries(1):
        middle = neighbours_of(release=releases[2], latest=latest)
    assert (middle.first.number, middle.previous.number, middle.next.number, middle.last.number) == (1, 1, 3, 3)
    assert middle.first.pk == release_first(briefing=three_releases).pk
    with django_assert_num_queries(1):
        first = neighbours_of(release=releases[1], latest=latest)
    assert (first.first.number, first.previous, first.next.number) == (1, None, 2)
    last = neighbours_of(release=releases[3], latest=latest)
    assert (last.first.number, last.previous.number, last.next) == (1, 2, None)


@pytest.mark.django_db
def test_a_release_dated_in_the_future_is_never_a_neighbour_nor_found_by_slug(three_releases, publish_change,
                                                                               monkeypatch):
    releases = {r.number: r for r in Release.objects.filter(briefing=three_releases)}
    assert release_by_slug(slug=SLUG, number=3).pk == releases[3].pk
    assert release_by_slug(slug="nope", number=1) is None
    assert release_by_slug(slug=SLUG, number=2**31) is None
    later = releases[3].published_at
    monkeypatch.setattr("django.utils.timezone.now", lambda: later - (later - releases[2].published_at) / 2)
    assert release_by_slug(slug=SLUG, number=3) is None
    around = neighbours_of(release=releases[2], latest=releases[2])
    assert around.next is None and around.previous.number == 1


@pytest.mark.django_db
def test_on_postgresql_the_lookup_is_a_prepared_statement_planned_once(client, three_releases):
    """Planning the lookup cost PostgreSQL more than running it: it is prepared once per connection."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL")
    for _ in range(3):
        cache.clear()
        assert client.get(f"/briefings/{SLUG}/releases/2/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%latest_now%"])
        assert len(cursor.fetchall()) == 1


@pytest.mark.django_db
def test_without_prepared_statements_the_page_is_the_same(client, three_releases, monkeypatch):
    """``DB_PREPARED_STATEMENTS=0`` (a PgBouncer in transaction mode): the same lookup, not prepared."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL")
    cache.clear()
    prepared = client.get(f"/briefings/{SLUG}/releases/2/").content
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    cache.clear()
    assert client.get(f"/briefings/{SLUG}/releases/2/").content == prepared
