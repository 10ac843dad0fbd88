"""Reader pages of a release: what CONTRACT.md promises readers."""
import re

import pytest


def test_as_of_cutoff_page_shows_the_paper_with_release_facts(client, briefing):
    # when
    response = client.get("/briefings/world-2025/as-of/2025-02-09/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "初版" in html and "2025年2月9日現在" in html and "2025年2月9日" in html
    refs = re.findall(r'<a href="#fn-(\d+)" id="fnref-\d+"[^>]*>(\d+)</a>', html)
    assert [int(n) for n, _ in refs] == list(range(1, 97))
    assert all(n == text for n, text in refs)
    notes = re.findall(r'<li id="fn-(\d+)"', html)
    assert [int(n) for n in notes] == list(range(1, 97))
    assert 'href="#fnref-96"' in html  # linked both ways
    assert "（３）</span>日本の対応" in html


def test_cross_references_link_to_the_numbered_note(client, briefing):
    html = client.get("/briefings/world-2025/releases/1/").content.decode()
    assert '前掲脚注<a href="#fn-12" class="xref">12</a>参照' in html
    assert '<a href="https://www.jetro.go.jp/biznews/2025/02/3c47421538fdd400.html"' in html


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/briefings/world-2025/as-of/2025-02-08/", 404, "公開されていた版はありません"),
        ("/briefings/world-2025/as-of/2099-01-01/", 404, "未来の日付"),
        ("/briefings/world-2025/as-of/2025-2-9/", 400, "YYYY-MM-DD"),
        ("/briefings/world-2025/as-of/2025-02-30/", 400, "読み取れません"),
        ("/briefings/world-2025/releases/9/", 404, "第9版はありません"),
        ("/briefings/nothing/", 404, "存在しません"),
    ],
)
def test_bad_dates_and_missing_releases_get_a_clear_message(client, briefing, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_briefing_list_links_the_latest_release(client, briefing):
    html = client.get("/").content.decode()
    assert 'href="/briefings/world-2025/"' in html


def test_latest_page_has_no_outdated_notice_and_a_permalink(client, briefing):
    html = client.get("/briefings/world-2025/").content.decode()
    assert "この版は最新ではありません" not in html
    assert "https://briefings.example.org/briefings/world-2025/releases/1/" in html  # SITE_URL, never the Host
