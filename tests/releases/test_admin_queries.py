"""Every admin change list and change form costs the same number of queries at 1 release as at many.

A briefing lives for years and gathers thousands of releases and hundreds of
thousands of revisions, claims and notes. An admin page whose query count
grows with that history (one query per row for a related name, a select
listing every revision) becomes unusable long before anyone notices in a demo.
This walks every registered model: its change list, and the change form of
its newest row (a row of the same kind each time: the revision published
last, its transitions...), first with two releases, then with more; the
counts must match.
"""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

GROWTH = 4  # releases published after the first: enough for every per-row query to show


def _admin_pages() -> list[tuple[str, str]]:
    """(name, URL) of every registered change list and of the change form of each model's newest row."""
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        pages.append((f"{meta.label} list", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")))
        newest = model._default_manager.order_by("-pk").first()
        if newest is not None:
            pages.append((f"{meta.label} change",
                          reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[newest.pk])))
    return pages


def _query_counts(client: Client) -> dict[str, tuple[int, int]]:
    counts = {}
    for name, url in _admin_pages():
        client.get(url)  # sessions, content types and templates warmed
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[name] = (response.status_code, len(queries))
    return counts


@pytest.mark.django_db
def test_no_admin_page_costs_more_queries_as_the_history_grows(briefing, publish_change, admin_client):
    # given two releases
    publish_change(key="ch4-1", old="。", new="。第2版で加えた文。", summary="第2版")
    before = _query_counts(admin_client)
    # when the same section is published again and again
    for n in range(3, 3 + GROWTH):
        publish_change(key="ch4-1", old="。", new=f"。第{n}版で加えた文。", summary=f"第{n}版")
    after = _query_counts(admin_client)
    # then every page that existed costs what it cost (the newest row now has a longer history)
    grown = {name: (before[name], after[name]) for name in before if after.get(name) != before[name]}
    assert grown == {}, f"pages whose query count grew with the history (before, after): {grown}"


@pytest.mark.django_db
def test_the_release_change_page_joins_its_manifest(briefing, admin_client):
    """136 queries before (several per section of the manifest); now a handful whatever the sections."""
    from releases.models import Release

    release = Release.objects.get(briefing=briefing, number=1)
    url = reverse("admin:releases_release_change", args=[release.pk])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert release.entries.count() > 20
    assert len(queries) <= 12, "\n".join(q["sql"][:200] for q in queries)
