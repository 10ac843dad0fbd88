"""Snapshot and briefing API, shaped as in CONTRACT.md."""
import pytest


def test_snapshot_as_of_the_cutoff_has_the_contract_shape(client, briefing):
    # when
    data = client.get("/api/briefings/world-2025/snapshot/?as_of=2025-02-09").json()
    # then
    assert {k: data[k] for k in ("briefing", "release", "published_at", "information_as_of")} == {
        "briefing": "world-2025",
        "release": 1,
        "published_at": "2025-02-09T00:00:00+09:00",
        "information_as_of": "2025-02-09",
    }
    us_japan = next(s for s in data["sections"] if s["key"] == "ch2")
    assert (us_japan["number"], us_japan["heading"], us_japan["level"], us_japan["parent"]) == ("２．", "日米関係", 1, None)
    claim = next(s for s in data["sections"] if s["key"] == "ch1")["paragraphs"][0][0]
    assert "[^" not in claim["text"]
    assert claim["footnote_refs"] == [{"number": 4, "offset": claim["text"].index("やロシア")}]
    assert [f["number"] for f in data["footnotes"]] == list(range(1, 97))
    first = data["footnotes"][0]
    assert first["sources"][0]["citation"] == "『日本経済新聞』（2025.1.23）"
    assert first["sources"][0]["url"] is None
    note13 = data["footnotes"][12]
    assert "前掲脚注12参照" in note13["text"]


def test_snapshot_by_release_number_and_latest_agree(client, briefing):
    by_number = client.get("/api/briefings/world-2025/snapshot/?release=1").json()
    latest = client.get("/api/briefings/world-2025/snapshot/").json()
    assert by_number == latest


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("as_of=2025-13-01", 400, "as_of"),
        ("as_of=yesterday", 400, "as_of"),
        ("release=x", 400, "release"),
        ("release=1&as_of=2025-02-08", 404, None),  # release 1 was not yet public that day
        ("as_of=2024-01-01", 404, None),
        ("as_of=2099-01-01", 404, None),
        ("release=2", 404, None),
    ],
)
def test_snapshot_rejects_bad_parameters_clearly(client, briefing, query, status, field):
    response = client.get(f"/api/briefings/world-2025/snapshot/?{query}")
    assert response.status_code == status and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"]
    if status == 400:  # a field error names the parameter
        assert [error["field"] for error in body["errors"]] == [field]


def test_briefing_list_and_detail(client, briefing):
    listing = client.get("/api/briefings/").json()
    assert [b["slug"] for b in listing["results"]] == ["world-2025"]
    detail = client.get("/api/briefings/world-2025/").json()
    assert detail["releases"][0]["number"] == 1
    assert detail["releases"][0]["digest"].startswith("sha256:")
    assert detail["releases_url"] == "/api/releases/?briefing=world-2025"


def test_a_briefing_detail_lists_its_newest_releases_only_in_a_fixed_number_of_queries(
    client, briefing, publish_change, django_assert_num_queries, settings, monkeypatch,
):
    """A briefing that lives for years has thousands of releases: the detail names the newest, the rest by cursor."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    publish_change(key="ch4-1", new="。第二版の文。")
    with django_assert_num_queries(2):  # the briefing; its newest releases with their digests
        first = client.get("/api/briefings/world-2025/").json()
    publish_change(key="ch4-2", new="。第三版の文。")
    monkeypatch.setattr("releases.api.views.BRIEFING_RECENT_RELEASES", 2)
    with django_assert_num_queries(2):
        detail = client.get("/api/briefings/world-2025/").json()
    assert [r["number"] for r in first["releases"]] == [2, 1]
    assert [r["number"] for r in detail["releases"]] == [3, 2]
    every = client.get(detail["releases_url"]).json()
    assert [r["number"] for r in every["results"]] == [3, 2, 1]
    assert client.get("/api/briefings/missing/").status_code == 404


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/briefings/{slug}/snapshot/" in response.json()["paths"]
