"""Lists that grow with every release are read a page at a time, by keyset, and every page leads to the rest (issue 18).

The TimeMap is paged as Memento clients follow it (``rel="timemap"`` links
with ``from``/``until``, read here with memento-client's own Link parser);
the release list and section history page by release number; the release and
revision APIs by cursor, without a count. Page sizes are made small so that
a short history spans several pages.
"""
from __future__ import annotations

import json

import pytest
from django.utils.http import http_date, parse_http_date
from memento_client import MementoClient

from briefings.api.catalog import RevisionPagination
from releases import memento
from releases.api.views import ReleasePagination
from releases.models import Release

SITE = "https://briefings.example.org"
BASE = "/briefings/world-2025"
TIMEMAP = f"{SITE}{BASE}/timemap/"


def _memento(number: int) -> str:
    return f"{SITE}{BASE}/releases/{number}/"


@pytest.fixture
def five_releases(briefing, publish_change):  # type: ignore[no-untyped-def]
    for n in range(2, 6):
        publish_change(key="ch4-1", old="。", new=f"。第{n}版で加えた文。", summary=f"第{n}版の変更",
                       kind="correction" if n == 4 else "update")
    return list(Release.objects.filter(briefing=briefing).order_by("number"))


def _timemap_page(client, url: str) -> dict[str, dict[str, list[str]]]:  # type: ignore[no-untyped-def]
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/link-format"), url
    return MementoClient.parse_link_header(response.content.decode().replace("\n", " "))


def test_a_memento_client_walks_the_paged_timemap_to_every_release_once(client, five_releases, monkeypatch):
    # given pages of two release numbers: 1–2, 3–4, 5
    monkeypatch.setattr(memento, "TIMEMAP_PAGE", 2)
    seen: list[str] = []
    url, visited = TIMEMAP, set()
    pending = [url]
    # when a client starts at the TimeMap's URI and follows every rel="timemap" link in link-format
    while pending:
        url = pending.pop()
        if url in visited:
            continue
        visited.add(url)
        links = _timemap_page(client, url)
        mementos = {uri: params for uri, params in links.items() if "memento" in params["rel"]}
        seen.extend(mementos)
        own = next(params for params in links.values() if params["rel"] == ["self"])
        moments = [parse_http_date(params["datetime"][0]) for params in mementos.values()]
        # then each page states its own range, and the range of each page it links to
        assert parse_http_date(own["from"][0]) == min(moments) and parse_http_date(own["until"][0]) == max(moments)
        for uri, params in links.items():
            if params["rel"] == ["timemap"] and params.get("type") == ["application/link-format"]:
                assert "from" in params and "until" in params, uri
                pending.append(uri)
    # then it has read every release exactly once, from three pages
    assert sorted(seen) == sorted(_memento(n) for n in range(1, 6)) and len(seen) == 5
    assert visited == {TIMEMAP, f"{TIMEMAP}?from_release=3", f"{TIMEMAP}?from_release=1"}


def test_the_timemap_first_page_is_the_newest_and_marks_the_whole_historys_first_and_last(client, five_releases,
                                                                                          monkeypatch):
    monkeypatch.setattr(memento, "TIMEMAP_PAGE", 2)
    newest = _timemap_page(client, TIMEMAP)
    assert newest[_memento(5)]["rel"] == ["last", "memento"]
    assert newest[TIMEMAP]["rel"] == ["self"]
    r5 = http_date(five_releases[4].published_at.timestamp())
    assert newest[TIMEMAP]["from"] == newest[TIMEMAP]["until"] == [r5]
    older = newest[f"{TIMEMAP}?from_release=3"]
    assert older["rel"] == ["timemap"] and older["from"] == [http_date(five_releases[2].published_at.timestamp())]
    assert older["until"] == [http_date(five_releases[3].published_at.timestamp())]
    oldest = _timemap_page(client, f"{TIMEMAP}?from_release=1")
    assert oldest[_memento(1)]["rel"] == ["first", "memento"] and oldest[_memento(2)]["rel"] == ["memento"]
    assert f"{TIMEMAP}?from_release=3" in oldest and not any("from_release=5" in uri for uri in oldest)
    # a number inside a page gives that page (pages are fixed ranges); bad numbers are clear errors
    assert _timemap_page(client, f"{TIMEMAP}?from_release=4")[f"{TIMEMAP}?from_release=3"]["rel"] == ["self"]
    for query, status, message in [("?from_release=0", 400, "1以上の整数"), ("?from_release=x", 400, "1以上の整数"),
                                   ("?from_release=99", 404, "最新は第5版"),
                                   ("?from_release=99999999999999999999", 404, "最新は第5版")]:
        response = client.get(f"{BASE}/timemap/{query}")
        assert response.status_code == status and message in response.content.decode(), query


def test_the_json_timemap_pages_the_same_way(client, five_releases, monkeypatch):
    monkeypatch.setattr(memento, "TIMEMAP_PAGE", 2)
    newest = json.loads(client.get(f"{BASE}/timemap/json/").content)
    assert [m["release"] for m in newest["mementos"]["list"]] == [5]
    assert newest["mementos"]["first"]["release"] == 1 and newest["mementos"]["last"]["release"] == 5
    assert newest["pages"] == {"prev": {"uri": f"{TIMEMAP}json/?from_release=3", "from": _iso(five_releases[2]),
                                        "until": _iso(five_releases[3])}}
    middle = json.loads(client.get(f"{BASE}/timemap/json/?from_release=3").content)
    assert [m["release"] for m in middle["mementos"]["list"]] == [3, 4]
    assert set(middle["pages"]) == {"prev", "next"} and middle["timemap_uri"]["json_format"].endswith("from_release=3")


def _iso(release: Release) -> str:
    return release.published_at.astimezone(memento.dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_release_list_pages_by_number_and_opens_at_a_date(client, five_releases, monkeypatch):
    monkeypatch.setattr("releases.views.RELEASE_LIST_PAGE", 2)
    first = client.get(f"{BASE}/releases/").content.decode()
    assert 'id="release-5"' in first and 'id="release-4"' in first and 'id="release-3"' not in first
    assert 'href="?before=4" rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"{BASE}/releases/?before=4").content.decode()
    assert 'id="release-3"' in second and 'id="release-2"' in second
    assert 'href="?after=3" rel="prev"' in second and 'href="?before=2" rel="next"' in second
    newer = client.get(f"{BASE}/releases/?after=3").content.decode()
    assert 'id="release-5"' in newer and 'id="release-4"' in newer and 'id="release-3"' not in newer
    # the kind filter pages with it
    corrections = client.get(f"{BASE}/releases/?kind=update&before=5").content.decode()
    assert 'id="release-4"' not in corrections and 'id="release-3"' in corrections
    assert 'href="?after=3&amp;kind=update" rel="prev"' in corrections
    # a day opens the list at the release in force that day (the test publishes all five today)
    today = five_releases[4].published_at.astimezone(memento.dt.UTC).date().isoformat()
    assert 'id="release-5"' in client.get(f"{BASE}/releases/?date={today}").content.decode()
    early = client.get(f"{BASE}/releases/?date=2025-02-10").content.decode()
    assert 'id="release-1"' in early and 'id="release-2"' not in early and 'rel="prev"' in early
    for query, status, message in [("?before=x", 400, "before「x」は版番号"), ("?after=-1", 400, "after「-1」は版番号"),
                                   ("?date=2025-02-30", 400, "読み取れません"), ("?date=2999-01-01", 400, "未来の日付"),
                                   ("?date=2001-01-01", 404, "公開されていた版はありません"),
                                   ("?before=1", 404, "このページには版がありません")]:
        response = client.get(f"{BASE}/releases/{query}")
        assert response.status_code == status and message in response.content.decode(), query


@pytest.mark.parametrize(("url", "pagination"), [
    ("/api/releases/?briefing=world-2025", ReleasePagination),
    ("/api/revisions/?briefing=world-2025&section=ch4-1", RevisionPagination),
])
def test_the_release_and_revision_apis_page_by_cursor_without_a_count(client, five_releases, monkeypatch, url,
                                                                      pagination):
    # given pages of two
    monkeypatch.setattr(pagination, "page_size", 2)
    # when a client follows next to the end
    listed, pages, next_url = [], 0, url
    while next_url:
        page = client.get(next_url).json()
        assert set(page) == {"next", "previous", "results"}  # no count: counting grows with the history
        assert len(page["results"]) <= 2
        listed.extend(page["results"])
        next_url, pages = page["next"], pages + 1
    # then it has every item once, newest first
    assert pages == 3 and len(listed) == 5 and len({item["id"] for item in listed}) == 5
    assert [item["published_at"] for item in listed] == sorted((item["published_at"] for item in listed), reverse=True)
    # and a client still sending ?page= is told to follow the cursor
    refused = client.get(f"{url}&page=2")
    assert refused.status_code == 400 and "cursor" in refused.json()["errors"][0]["message"]


def test_the_section_history_pages_back_and_refuses_numbers_no_release_can_have(client, five_releases, monkeypatch):
    monkeypatch.setattr("releases.views.HISTORY_PAGE", 2)
    newest = client.get(f"{BASE}/sections/ch4-1/history/").content.decode()
    assert newest.count('<li id="release-') == 2 and '?before=4" rel="next"' in newest and "最新の履歴" not in newest
    # a number past the latest release reads from the latest; a page past the first release says so
    assert 'id="release-5"' in client.get(f"{BASE}/sections/ch4-1/history/?before=999").content.decode()
    last = client.get(f"{BASE}/sections/ch4-1/history/?before=2").content.decode()
    assert 'id="release-1"' in last and 'rel="next"' not in last and '<a href="?">最新の履歴</a>' in last
    empty = client.get(f"{BASE}/sections/ch4-1/history/?before=1")
    assert empty.status_code == 200 and "この節を変更した公開版はありません" in empty.content.decode()
    for query in ("?before=x", "?before=0", "?before=99999999999999999999999"):
        response = client.get(f"{BASE}/sections/ch4-1/history/{query}")
        assert response.status_code == 400 and "1以上の整数" in response.content.decode(), query
    assert client.get(f"{BASE}/sections/nosuch/history/?before=3").status_code == 404


def test_a_forged_cursor_is_a_clear_400_or_the_first_page_never_a_server_error(client, five_releases):
    for url in ("/api/releases/", "/api/revisions/"):
        # a position that is not a datetime: a problem naming it
        for cursor in ("cD0x", "cD1ub3QtYS1kYXRl"):  # "p=1", "p=not-a-date"
            response = client.get(f"{url}?cursor={cursor}")
            assert response.status_code == 400 and response["Content-Type"] == "application/problem+json", cursor
        # garbage, a bare offset or a bare reverse flag: what DRF reads of it, never a 500
        for cursor in ("%%%", "!!", "bz0x", "cj0x"):
            assert client.get(f"{url}?cursor={cursor}").status_code == 200, cursor
