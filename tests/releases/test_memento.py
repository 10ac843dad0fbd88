"""Memento (RFC 7089): the TimeGate, Memento headers and TimeMaps, with a real Memento client against a live server."""
import datetime as dt
import json

import pytest
from django.utils.http import http_date
from memento_client import MementoClient

SITE = "https://briefings.example.org"
ORIGINAL = f"{SITE}/briefings/world-2025/"
R1, R2 = f"{SITE}/briefings/world-2025/releases/1/", f"{SITE}/briefings/world-2025/releases/2/"


def _utc(*parts: int) -> dt.datetime:
    """A UTC instant as memento-client speaks it: naive datetimes in UTC."""
    return dt.datetime(*parts, tzinfo=dt.UTC).replace(tzinfo=None)


def _links(header: str) -> dict[str, set[str]]:
    """URI → its relations, read with MementoClient's own Link parser."""
    return {uri: set(params["rel"]) for uri, params in MementoClient.parse_link_header(header).items()}


def test_the_timegate_mementos_and_timemaps_describe_every_release(client, demo_releases):
    # given: release 1 at 2025-02-08T15:00Z, release 2 at 2025-03-10T08:00Z
    cases = [
        ("Sat, 01 Mar 2025 00:00:00 GMT", R1),
        ("Mon, 10 Mar 2025 07:59:59 GMT", R1),
        ("Mon, 10 Mar 2025 08:00:00 GMT", R2),
        ("Monday, 10-Mar-25 08:00:00 GMT", R2),  # RFC 850: an HTTP-date recipients must accept
        ("Wed, 01 Jan 2020 00:00:00 GMT", R1),  # before the first memento: the first (RFC 7089 §4.5.3)
    ]
    for accept, memento in cases:
        # when
        response = client.get("/briefings/world-2025/", HTTP_ACCEPT_DATETIME=accept)
        # then the TimeGate redirects to the release in force at that instant
        assert response.status_code == 302 and response["Location"] == memento, accept
        assert response["Vary"] == "accept-datetime" and "Memento-Datetime" not in response
        links = _links(response["Link"])
        assert links[ORIGINAL] == {"original", "timegate"} and "memento" in links[memento]
        assert {"first", "memento"} <= links[R1] and {"last", "memento"} <= links[R2]

    # release and as-of pages are mementos; the original resource is not
    first = client.get("/briefings/world-2025/releases/1/")
    as_of = client.get("/briefings/world-2025/as-of/2025-03-01/")
    second = client.get("/briefings/world-2025/releases/2/")
    original = client.get("/briefings/world-2025/")
    assert first["Memento-Datetime"] == as_of["Memento-Datetime"] == "Sat, 08 Feb 2025 15:00:00 GMT"
    assert second["Memento-Datetime"] == "Mon, 10 Mar 2025 08:00:00 GMT"
    links = _links(first["Link"])
    assert links[ORIGINAL] == {"original", "timegate"}
    assert links[f"{SITE}/briefings/world-2025/timemap/"] == {"timemap"}
    assert links[f"{SITE}/briefings/world-2025/timemap/json/"] == {"timemap"}
    assert links[R1] == {"first", "memento"} and links[R2] == {"next", "last", "memento"}
    assert _links(second["Link"])[R1] == {"first", "prev", "memento"}
    assert "Memento-Datetime" not in original and original["Vary"] == "accept-datetime"
    assert _links(original["Link"])[ORIGINAL] == {"original", "timegate"}

    # the TimeMap lists every release, as link-format and as JSON
    timemap = client.get("/briefings/world-2025/timemap/")
    assert timemap["Content-Type"].startswith("application/link-format")
    entries = MementoClient.parse_link_header(timemap.content.decode().replace("\n", " "))
    assert entries[ORIGINAL]["rel"] == ["original", "timegate"]
    assert entries[R1] == {"rel": ["first", "memento"], "datetime": ["Sat, 08 Feb 2025 15:00:00 GMT"]}
    assert entries[R2]["rel"] == ["last", "memento"]
    assert entries[f"{SITE}/briefings/world-2025/timemap/"]["rel"] == ["self"]
    as_json = json.loads(client.get("/briefings/world-2025/timemap/json/").content)
    assert as_json["original_uri"] == as_json["timegate_uri"] == ORIGINAL
    assert [m["uri"] for m in as_json["mementos"]["list"]] == [R1, R2]
    assert as_json["mementos"]["last"]["datetime"] == "2025-03-10T08:00:00Z"
    assert client.get("/briefings/nosuch/timemap/").status_code == 404


def test_a_malformed_accept_datetime_is_a_clear_400_and_a_second_counts_whole(client, briefing, publish_change):
    for value in ["yesterday", "2025-03-01", "Sat, 01 Mar 2025 00:00:00 +0900", "", "Sat, 32 Mar 2025 00:00:00 GMT"]:
        response = client.get("/briefings/world-2025/", HTTP_ACCEPT_DATETIME=value)
        assert response.status_code == 400, value
        assert "Accept-Datetime" in response.content.decode() and "RFC 1123" in response.content.decode()
        assert response["Vary"] == "accept-datetime"
    # a client that read Memento-Datetime (whole seconds) finds a release published at hh:mm:ss.µµµµµµ
    release = publish_change()
    assert release.published_at.microsecond
    response = client.get("/briefings/world-2025/", HTTP_ACCEPT_DATETIME=http_date(release.published_at.timestamp()))
    assert response["Location"].endswith("/releases/2/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_memento_client_finds_each_release_through_the_timegate(live_server, settings, demo_releases):
    # given: absolute URLs in Memento headers name the server the client can reach
    settings.SITE_URL = live_server.url
    original = f"{live_server.url}/briefings/world-2025/"
    # The original resource is its own TimeGate (RFC 7089 pattern 1.1): memento-client appends the
    # original URI to its TimeGate base, so an empty base asks the original resource itself.
    with MementoClient(timegate_uri="", check_native_timegate=True) as memento:
        # when
        march = memento.get_memento_info(original, _utc(2025, 3, 1, 12, 0))
        april = memento.get_memento_info(original, _utc(2025, 4, 1, 12, 0))
    # then
    assert march["original_uri"] == original and march["timegate_uri"] == original
    assert march["mementos"]["closest"]["uri"] == [f"{live_server.url}/briefings/world-2025/releases/1/"]
    assert march["mementos"]["closest"]["datetime"] == _utc(2025, 2, 8, 15, 0)
    assert march["mementos"]["closest"]["http_status_code"] == 200
    assert march["mementos"]["next"]["uri"] == [f"{live_server.url}/briefings/world-2025/releases/2/"]
    assert march["mementos"]["last"]["datetime"] == _utc(2025, 3, 10, 8, 0)
    assert april["mementos"]["closest"]["uri"] == [f"{live_server.url}/briefings/world-2025/releases/2/"]
    assert april["mementos"]["prev"]["uri"] == [f"{live_server.url}/briefings/world-2025/releases/1/"]
    assert MementoClient.is_memento(april["mementos"]["closest"]["uri"][0])
