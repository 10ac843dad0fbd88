"""The /sources/ bibliography for readers."""
import pytest


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
