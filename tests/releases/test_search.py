"""Searching a release's text and notes in Japanese."""
import pytest
from django.core.management import call_command

from releases.selectors.history import artefact_of
from releases.selectors.search import search_release
from tests.events.conftest import EVENTS


def test_japanese_substrings_are_found_in_sentences_and_notes(client, briefing):
    html = client.get("/briefings/world-2025/search/", {"q": "クルスク州"}).content.decode()
    assert "<mark>クルスク州</mark>" in html
    assert 'href="/briefings/world-2025/releases/1/#c-' in html
    notes = client.get("/briefings/world-2025/search/", {"q": "日本経済新聞"}).content.decode()
    assert 'releases/1/#fn-' in notes and "注" in notes


def test_several_words_must_all_occur_and_full_width_spaces_separate(client, briefing):
    one = client.get("/briefings/world-2025/search/", {"q": "北朝鮮　ロシア"}).content.decode()
    assert "<mark>北朝鮮</mark>" in one and "<mark>ロシア</mark>" in one
    none = client.get("/briefings/world-2025/search/", {"q": "北朝鮮 存在しない語"}).content.decode()
    assert "見つかりませんでした" in none


def test_search_a_chosen_release(client, briefing, editor, reviewer):
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    release_2 = briefing.releases.get(number=2)
    release_1 = briefing.releases.get(number=1)
    assert search_release(frozen=artefact_of(release=release_2), query="イスカンデル")
    assert not search_release(frozen=artefact_of(release=release_1), query="イスカンデル")
    html = client.get("/briefings/world-2025/search/", {"q": "イスカンデル", "release": 1}).content.decode()
    assert "見つかりませんでした" in html


@pytest.mark.parametrize(("query", "status"), [({"release": "x"}, 400), ({"release": 7}, 404)])
def test_bad_search_parameters(client, briefing, query, status):
    assert client.get("/briefings/world-2025/search/", query).status_code == status


def test_search_output_is_escaped(client, briefing):
    html = client.get("/briefings/world-2025/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
