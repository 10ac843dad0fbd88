"""The span of releases showing a sentence: kept by the publisher, read as one row, right whatever happens (issue 18).

A sentence kept for years is in thousands of revisions. The sentence page says
in which releases it stands (the first, the last, how many) from one stored
row that every release extends, not from an aggregate over the anchor index.
"""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from releases.models import ClaimAnchor, ClaimSpan, Release
from releases.selectors.claims import _public_span, claim_view
from releases.selectors.history import artefact_of

pytestmark = pytest.mark.django_db
SLUG = "world-2025"
EDITED = "超党派で対中"  # part of a sentence of ch2-3 the tests edit, then restore


def _anchor_of(release: Release, key: str, fragment: str) -> str:
    section = next(s for s in artefact_of(release=release).content.sections if s.key == key)
    return next(claim.anchor for paragraph in section.paragraphs for claim in paragraph if fragment in claim.text)


def _spans(briefing) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return {span.anchor: (span.first, span.last, span.count) for span in ClaimSpan.objects.filter(briefing=briefing)}


@pytest.fixture
def edited_and_restored(briefing, publish_change):  # type: ignore[no-untyped-def]
    """Release 2 edits a sentence of ch2-3, release 3 restores it, release 4 adds a sentence to ch4-1."""
    publish_change(key="ch2-3", old=EDITED, new="超党派で一致して対中", summary="表現の修正")
    publish_change(key="ch2-3", old="超党派で一致して対中", new=EDITED, summary="表現を戻す")
    publish_change(key="ch4-1", old="。", new="。第4版で加えた文。", summary="一文を追加")
    first, second = (Release.objects.get(briefing=briefing, number=n) for n in (1, 2))
    return {
        "restored": _anchor_of(first, "ch2-3", EDITED),
        "edited": _anchor_of(second, "ch2-3", "一致して"),
        "untouched": _anchor_of(first, "ch4-1", "クルスク州"),
        "added": _anchor_of(Release.objects.get(briefing=briefing, number=4), "ch4-1", "第4版で加えた文"),
    }


def test_every_release_extends_the_span_of_each_sentence_it_shows(client, briefing, edited_and_restored):
    anchors = edited_and_restored
    spans = _spans(briefing)
    assert spans[anchors["untouched"]] == (1, 4, 4)
    assert spans[anchors["restored"]] == (1, 4, 3)  # not in release 2: the count is not last - first + 1
    assert spans[anchors["edited"]] == (2, 2, 1)
    assert spans[anchors["added"]] == (4, 4, 1)
    # every stored span is what the anchor index and the manifests say
    indexed = set(ClaimAnchor.objects.filter(briefing=briefing).values_list("anchor", flat=True))
    assert set(spans) == indexed
    assert {anchor: _public_span(briefing=briefing, anchor=anchor) for anchor in indexed} == spans
    # and the page says it
    html = client.get(f"/briefings/{SLUG}/claims/{anchors['restored']}/").content.decode()
    assert "3版" in html and f'/releases/4/#{anchors["restored"]}">第4版</a>' in html
    assert client.get(f"/briefings/{SLUG}/claims/{anchors['restored']}/?release=2").status_code == 404
    assert client.get(f"/briefings/{SLUG}/claims/{anchors['restored']}/?release=3").status_code == 200


def test_the_sentence_page_costs_the_same_queries_however_many_releases_show_it(client, briefing, publish_change):
    first = Release.objects.get(briefing=briefing, number=1)
    anchor = _anchor_of(first, "ch4-1", "クルスク州")
    url = f"/briefings/{SLUG}/claims/{anchor}/"

    def queries() -> list[str]:
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    publish_change(key="ch4-1", old="。", new="。第2版で加えた文。", summary="第2版")
    before = queries()
    for n in range(3, 7):
        publish_change(key="ch4-1", old="。", new=f"。第{n}版で加えた文。", summary=f"第{n}版")
    after = queries()
    assert len(after) == len(before)
    # nothing aggregates the anchor index (one row per revision that kept the sentence)
    assert not any("releases_claimanchor" in sql and "COUNT(" in sql for sql in after)
    assert claim_view(briefing=briefing, anchor=anchor).count == 6


def test_a_span_whose_last_release_is_not_public_is_not_trusted(client, briefing, edited_and_restored):
    # given a span extended by a release this server cannot see yet (published ahead of its clock), or damaged
    anchor = edited_and_restored["untouched"]
    ClaimSpan.objects.filter(briefing=briefing, anchor=anchor).update(last=99, count=99)
    # then the page aggregates what is public instead
    view = claim_view(briefing=briefing, anchor=anchor)
    assert (view.first.number, view.last.number, view.count) == (1, 4, 4)
    assert "4版" in client.get(f"/briefings/{SLUG}/claims/{anchor}/").content.decode()
    # and a sentence without a span (an index older than spans) too
    ClaimSpan.objects.filter(briefing=briefing, anchor=anchor).delete()
    assert claim_view(briefing=briefing, anchor=anchor).count == 4
    assert claim_view(briefing=briefing, anchor="c-aaaaaaaaaa") is None


def test_the_migration_computes_for_earlier_releases_the_spans_the_publisher_keeps(briefing, edited_and_restored):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot change its schema inside the test's transaction")
    # given the spans four releases made
    kept = _spans(briefing)
    # when the table is made again by the migration, from the anchor index and the manifests
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now: a table with pending checks cannot be dropped
    executor = MigrationExecutor(connection)
    executor.migrate([("releases", "0011_list_indexes")])
    executor = MigrationExecutor(connection)
    executor.migrate([("releases", "0012_claim_spans")])
    # then (migrating inside the test's transaction: the rollback restores the schema and the records)
    assert _spans(briefing) == kept


def test_verify_releases_names_a_span_that_disagrees_with_the_anchor_index(briefing, edited_and_restored, capsys):
    # given four releases, verify_releases passes
    call_command("verify_releases", "--quiet")
    # when a span is damaged and another lost
    anchor = edited_and_restored["restored"]
    ClaimSpan.objects.filter(briefing=briefing, anchor=anchor).update(count=4)
    ClaimSpan.objects.filter(briefing=briefing, anchor=edited_and_restored["edited"]).delete()
    # then it exits non-zero naming both, with what is stored and what the index says
    with pytest.raises(CommandError, match="world-2025 文の掲載範囲"):
        call_command("verify_releases")
    err = capsys.readouterr().err
    assert f"{anchor}: 記録 第1版〜第4版の4版、索引 第1版〜第4版の3版" in err
    assert f"{edited_and_restored['edited']}: 記録 なし、索引 第2版〜第2版の1版" in err
