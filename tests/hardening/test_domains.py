"""One domain per site, whatever spelling the cited URLs use: /sources/ lists it once, the filter finds them all."""
from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from sources.models import Source
from sources.parsing import url_domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.mofa.go.jp/a", "mofa.go.jp"),
        ("https://WWW.Mofa.Go.JP/b", "mofa.go.jp"),
        ("https://mofa.go.jp./c", "mofa.go.jp"),
        ("http://www.mofa.go.jp:8080/d", "mofa.go.jp"),
        ("https://ｗｗｗ．ｍｏｆａ．ｇｏ．ｊｐ/e", "mofa.go.jp"),
        ("https://xn--wgv71a.jp/", "日本.jp"),
        ("https://日本.JP/", "日本.jp"),
        ("https://www2.mofa.go.jp/", "www2.mofa.go.jp"),  # another host, not a spelling
        ("http://[2001:db8::1]/", "2001:db8::1"),
        ("http://203.0.113.9/", "203.0.113.9"),
        ("https://a..b/", "a..b"),  # not a valid IDNA name: kept, never a crash
        ("", ""),
    ],
)
def test_url_domain_has_one_spelling_per_site(url, domain):
    assert url_domain(url) == domain


def test_sources_cited_with_several_spellings_of_a_host_share_one_domain(client, editor, db):
    # given: the same ministry cited with three spellings of its host, through the API as an editor would
    # (a full-width host is refused by URL validation before it is stored)
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    urls = ["https://www.mofa.go.jp/a", "https://WWW.MOFA.GO.JP/b", "https://mofa.go.jp./c",
            "https://xn--wgv71a.jp/e", "https://日本.jp/f"]
    for index, url in enumerate(urls):
        response = client.post("/api/sources/", {"kind": "website", "citation": f"外務省{index}", "url": url},
                               content_type="application/json", **auth)
        assert response.status_code == 201, response.content
    # when
    spellings = set(Source.objects.values_list("url_domain", flat=True))
    listed = client.get("/api/sources/", {"domain": "mofa.go.jp"}, **auth).json()
    # then: two sites, each one spelling; the filter finds every source of the ministry
    assert spellings == {"mofa.go.jp", "日本.jp"}
    assert sorted(item["url"] for item in listed["results"]) == sorted(urls[:3])
