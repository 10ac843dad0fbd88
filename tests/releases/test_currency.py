"""How current a release is: what it reflects, events not reflected yet, the newer release (beside the frozen text)."""
import re

from django.core.management import call_command

from events.selectors import stale_sections
from releases.models import Release
from releases.services.rendering import rendering_for
from tests.events.conftest import EVENTS


def _body(html: str) -> str:
    """The frozen part of a page: the contents, text and notes, without the live badges."""
    body = html[html.index('<nav class="toc"'):html.index('<aside class="cite"')]
    return re.sub(r' <a class="live-badge"[^>]*>[^<]*</a>', "", body).strip()


def test_the_latest_release_says_what_it_reflects_and_lists_the_events_it_does_not(client, briefing):
    # given events recorded after the paper's cutoff
    call_command("import_events", str(EVENTS))
    stale = {entry.section.key: len(entry.events) for entry in stale_sections(briefing=briefing)}
    distinct = {item.event.key for entry in stale_sections(briefing=briefing) for item in entry.events}
    # when
    html = client.get("/briefings/world-2025/").content.decode()
    # then
    assert "2025年2月9日までの出来事を反映" in html
    assert f"<summary>未反映の出来事 {len(distinct)}件</summary>" in html
    for key, count in stale.items():
        section = html[html.index(f'<section id="sec-{key}"'):]
        section = section[:section.index("</section>")]
        assert f'<a class="live-badge" href="#pending-{key}">未反映の出来事 {count}件</a>' in section, key
        assert f'id="pending-{key}"' in html
    assert 'href="/events/#event-2025-03-05-uk-mod-russian-casualties"' in html
    assert "時点の情報。公開された本文は変わりません" in html
    # and the text is the frozen rendering, untouched
    stored = rendering_for(release=Release.objects.get(briefing=briefing), fields=("content_html",))["content_html"]
    assert _body(html) == re.sub(r"<!--live:[^>]*-->", "", stored).strip()


def test_an_older_release_points_to_the_newest_and_events_reflected_since_are_gone(client, demo_releases):
    # given the March update reflected (or dismissed) every event but those of ch4-3
    latest = client.get("/briefings/world-2025/").content.decode()
    old = client.get("/briefings/world-2025/releases/1/").content.decode()
    # then
    assert "2025年3月10日までの出来事を反映" in latest
    assert latest.count('class="live-badge"') == 1 and 'href="#pending-ch4-3"' in latest
    assert "これは初版（2025年2月9日現在）です。最新は" in old
    assert '<a href="/briefings/world-2025/releases/2/">第2版（2025年3月10日現在）</a>です。' in old
    assert "live-badge" not in old and "未反映の出来事" not in old
