"""The /sources/ bibliography for readers."""
import pytest
from django.utils import timezone

from sources.models import Source, SourceKind


def test_bibliography_lists_sources_in_citation_order_with_notes_and_access_dates(client, briefing):
    response = client.get("/sources/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ja">' in html
    assert "53件" in html
    assert "『日本経済新聞』" in html and "最終アクセス日 2025年2月9日" in html
    assert 'href="/briefings/world-2025/releases/1/#fn-1"' in html
    first_cited = html.index('#fn-1"')
    assert first_cited < html.index('#fn-96"')
    assert "第217回国会" in html


def test_bibliography_filters_by_kind_domain_and_text(client, briefing):
    websites = client.get("/sources/", {"kind": "website"}).content.decode()
    assert "&lt;<a href=\"https://" in websites and "『日本経済新聞』（2025.1.23）" not in websites
    mofa = client.get("/sources/", {"domain": "mofa.go.jp"}).content.decode()
    assert "mofa.go.jp" in mofa and "jetro.go.jp" not in mofa.split('class="bibliography"')[1]
    assert "条件に合う出典はありません" in client.get("/sources/", {"q": "存在しない語句"}).content.decode()


@pytest.mark.parametrize("kind", ["javascript", "<script>"])
def test_unknown_kind_is_a_400(client, briefing, kind):
    response = client.get("/sources/", {"kind": kind})
    assert response.status_code == 400 and "<script>" not in response.content.decode()


def test_the_bibliography_is_paginated_in_a_fixed_number_of_queries(client, briefing, monkeypatch,
                                                                    django_assert_num_queries):
    """10,000 sources were one 1.3 s page; now a page of ``SOURCE_PAGE``, filters kept in its links."""

    monkeypatch.setattr("releases.views.SOURCE_PAGE", 10)
    first = client.get("/sources/").content.decode()
    # then the first page holds the first ten in citation order, and links to the next with the filters
    assert "53件（1 / 6ページ）" in first and first.count('<li id="source-') == 10
    assert 'href="/briefings/world-2025/releases/1/#fn-1"' in first and 'rel="next"' in first
    filtered = client.get("/sources/", {"kind": "website"}).content.decode()
    assert 'href="?page=2&amp;kind=website" rel="next"' in filtered
    last = client.get("/sources/", {"page": "6"}).content.decode()
    assert last.count('<li id="source-') == 3 and 'rel="next"' not in last and 'rel="prev"' in last
    # and a page costs the same number of queries with many more sources
    client.get("/sources/", {"page": "2"})
    with django_assert_num_queries(6) as before:  # session-free: artefacts (3), keys, rows, domains
        client.get("/sources/", {"page": "2"})
    Source.objects.bulk_create(Source(kind=SourceKind.WEBSITE, citation=f"資料{n}", url=f"https://s{n}.example.org/",
                                                  fingerprint=f"bulk-{n}", published_at=timezone.now())
                               for n in range(200))
    with django_assert_num_queries(len(before.captured_queries)):
        grown = client.get("/sources/", {"page": "2"}).content.decode()
    assert "253件（2 / 26ページ）" in grown


def test_a_page_that_does_not_exist_says_so(client, briefing, monkeypatch):
    monkeypatch.setattr("releases.views.SOURCE_PAGE", 10)
    for page, status in [("0", 400), ("abc", 400), ("-1", 400), ("7", 404), ("99999999999", 404)]:
        response = client.get("/sources/", {"page": page})
        assert response.status_code == status, page
        assert "ページ" in response.content.decode()
