"""Moving through time: the release list, the date picker, previous/next release, changes since the previous one."""
import re

from releases import views


def test_the_release_list_and_each_release_page_lead_through_time(client, demo_releases):
    # when
    html = client.get("/briefings/world-2025/releases/").content.decode()
    # then the list shows every release, newest first, with its facts, note and changes
    assert html.index('id="release-2"') < html.index('id="release-1"')
    release_2 = html[html.index('id="release-2"'):html.index('id="release-1"')]
    assert "第2版</a> <span class=\"kind-label\">更新</span>" in release_2
    assert '<time datetime="2025-03-10T17:00:00+09:00">2025年3月10日</time>' in release_2
    assert "2025年3月10日現在" in release_2 and "防衛省「ロシアによるウクライナ侵略の状況」" in release_2
    assert "４．（１）ロシア・ウクライナの攻防と国際社会の動き：2025年3月10日までの戦況" in release_2
    assert 'href="/briefings/world-2025/changes/?from_release=1&amp;to_release=2"' in release_2
    release_1 = html[html.index('id="release-1"'):]
    assert "初版</a></h2>" in release_1 and "kind-label" not in release_1 and "from_release=0" not in release_1
    assert "全2版" in html and 'action="/briefings/world-2025/as-of/"' in html
    # and each release page links its neighbours and the changes since the previous release
    first = client.get("/briefings/world-2025/releases/1/").content.decode()
    second = client.get("/briefings/world-2025/as-of/2025-03-10/").content.decode()
    assert 'href="/briefings/world-2025/releases/2/" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/briefings/world-2025/releases/1/" rel="prev"' in second and 'rel="next"' not in second
    assert 'href="/briefings/world-2025/changes/?from_release=1&amp;to_release=2">前の版からの変更点' in second
    # with a date picker: a plain GET form to the as-of resolver, bounded by the first release and today
    form = re.search(r'<form method="get" action="/briefings/world-2025/as-of/" class="date-picker">.*?</form>', second,
                     re.S).group(0)
    assert 'type="date"' in form and 'name="date"' in form
    assert 'min="2025-02-09"' in form and 'value="2025-03-10"' in form
    chosen = client.get("/briefings/world-2025/as-of/", {"date": "2025-03-01"})
    assert chosen.status_code == 302 and chosen["Location"] == "/briefings/world-2025/as-of/2025-03-01/"
    assert "初版" in client.get(chosen["Location"]).content.decode()


def test_the_release_list_pages_and_bad_input_is_refused_clearly(client, briefing, publish_change, monkeypatch):
    publish_change()
    monkeypatch.setattr(views, "RELEASE_LIST_PAGE", 1)
    second = client.get("/briefings/world-2025/releases/?before=2").content.decode()
    assert 'id="release-1"' in second and 'id="release-2"' not in second and 'rel="prev"' in second
    for query, status, message in [("?before=1", 404, "このページには版がありません"), ("?before=x", 400, "版番号"),
                                   ("?kind=bogus", 400, "種別「bogus」はありません")]:
        response = client.get(f"/briefings/world-2025/releases/{query}")
        assert response.status_code == status and message in response.content.decode(), query
    assert client.get("/briefings/nosuch/releases/").status_code == 404
    bad = [("", "日付を選んでください"), ("2025/03/01", "読み取れません"), ("2025-02-30", "読み取れません")]
    for date, message in bad:
        response = client.get("/briefings/world-2025/as-of/", {"date": date})
        assert response.status_code == 400 and message in response.content.decode(), date
