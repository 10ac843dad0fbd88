"""Readers: changes between dates, a section's history, the Atom feed of releases."""
import feedparser
import pytest
from django.core.management import call_command

from tests.events.conftest import EVENTS

NEW = "英国防省は３月５日、侵略開始以来のロシア軍の死傷者を87万人以上と推計した"


@pytest.fixture
def two_releases(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    return briefing


def test_changes_since_the_cutoff_show_only_the_edited_sections_character_by_character(client, two_releases):
    response = client.get("/briefings/world-2025/changes/", {"from": "2025-02-09", "to": "2025-03-10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="change"') == 3
    assert 'id="change-ch4-1"' in html and 'id="change-ch3-2"' in html and 'id="change-ch7-2"' in html
    ch41 = html.split('id="change-ch4-1"')[1].split("</section>")[0]
    assert NEW in ch41 and '<ins class="diff-ins">' in ch41
    assert "<del" not in ch41  # renumbered notes (36→37) are not reported as edits
    assert "注38" in ch41  # the new note, with its number in release 2
    ch72 = html.split('id="change-ch7-2"')[1].split("</section>")[0]
    # a reference to a section reads as its number (note 92 of release 1 is 97 in release 2)
    assert "確認されている〔97〕（４．（１）参照）。<ins" in ch72 and "[[sec:" not in ch72


def test_changes_between_release_numbers_and_the_default(client, two_releases):
    html = client.get("/briefings/world-2025/changes/", {"from_release": 1, "to_release": 2}).content.decode()
    assert html.count('class="change"') == 3
    default = client.get("/briefings/world-2025/changes/").content.decode()  # first release → latest
    assert default.count('class="change"') == 3
    same = client.get("/briefings/world-2025/changes/", {"from": "2025-03-10", "to": "2025-03-10"}).content.decode()
    assert "この間に変更はありません" in same


@pytest.mark.parametrize(
    ("query", "status"),
    [({"from": "2025-3-1"}, 400), ({"from": "2025-03-10", "to": "2025-02-09"}, 400), ({"to": "2099-01-01"}, 400),
     ({"from": "2024-01-01"}, 404), ({"from_release": "x"}, 400), ({"to_release": 9}, 404)],
)
def test_bad_change_queries_are_clear_errors(client, two_releases, query, status):
    response = client.get("/briefings/world-2025/changes/", query)
    assert response.status_code == status
    assert "<p" in response.content.decode()


def test_every_release_page_links_to_changes_since_the_first_release(client, two_releases):
    html = client.get("/briefings/world-2025/").content.decode()
    assert 'href="/briefings/world-2025/changes/?from=2025-02-09"' in html
    assert "2025年2月9日（初版）以降の変更点" in html
    assert 'href="/briefings/world-2025/sections/ch4-1/history/"' in html


def test_section_history_lists_published_revisions_with_links(client, two_releases):
    html = client.get("/briefings/world-2025/sections/ch4-1/history/").content.decode()
    assert html.count('id="release-') == 2
    assert html.index("第2版</a>で公開") < html.index("初版</a>で公開")
    assert "2025年3月10日現在" in html and "イスカンデルMによる攻撃" in html
    assert "reviewer" not in html  # who reviewed is internal (CONTRACT.md)
    assert '?from_release=1&amp;to_release=2#change-ch4-1' in html
    assert client.get("/briefings/world-2025/sections/nosuch/history/").status_code == 404


def test_atom_feed_lists_releases_with_what_changed(client, two_releases):
    response = client.get("/briefings/world-2025/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == [
        "第2版（更新）・2025年3月10日現在", "初版・2025年2月9日現在"
    ]
    assert feed.entries[0].link.endswith("/briefings/world-2025/releases/2/")
    assert "（１）ロシア・ウクライナの攻防と国際社会の動き" in feed.entries[0].summary
    assert client.get("/briefings/nosuch/feed/").status_code == 404
