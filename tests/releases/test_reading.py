"""Reading comfortably and robustly: Robust Links, valid datetimes, favicon and descriptions, notes described."""
import re

from django.utils.http import http_date

from releases.models import Release
from releases.selectors.history import artefact_of
from sources.models import Source

# HTML's valid global date and time string: seconds optional, at most three decimals, an offset.
VALID_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z))?")


def test_every_url_in_the_notes_is_a_robust_link_and_archived_copies_are_added_live(client, briefing):
    # given
    release = Release.objects.get(briefing=briefing)
    digest = artefact_of(release=release).digest
    html = client.get("/briefings/world-2025/releases/1/").content.decode()
    notes = html[html.index('<section class="footnotes"'):]
    links = re.findall(r'<a href="([^"]+)" class="url" rel="noopener"([^>]*)>', notes)
    # then every URL carries the original and the date the author saw it
    assert len(links) > 20
    for href, attributes in links:
        assert f'data-originalurl="{href}"' in attributes and 'data-versiondate="2025-02-09"' in attributes, href
    assert "data-versionurl" not in notes
    # when an archived copy of a cited source is recorded
    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    source.archive_url = "https://warp.ndl.go.jp/info:ndljp/pid/1234567/www.jetro.go.jp/"
    source.save()
    # then the page offers it, and the release itself is unchanged
    again = client.get("/briefings/world-2025/releases/1/").content.decode()
    escaped = source.url.replace("&", "&amp;")
    assert (f'data-originalurl="{escaped}" data-versionurl="https://warp.ndl.go.jp/info:ndljp/pid/1234567/www.jetro.go.jp/"'
            in again)
    assert artefact_of(release=release).digest == digest


def test_release_pages_have_valid_datetimes_a_favicon_a_description_and_described_footnotes(client, briefing,
                                                                                           publish_change):
    publish_change()  # published now: a time with microseconds
    for url in ("/briefings/world-2025/releases/2/", "/briefings/world-2025/releases/", "/briefings/world-2025/"):
        html = client.get(url).content.decode()
        values = re.findall(r'<time datetime="([^"]*)"', html)
        values += re.findall(r'itemprop="datePublished" content="([^"]*)"', html)
        for value in values:
            assert VALID_DATETIME.fullmatch(value), (url, value)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
        description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
        assert len(description) > 20, url
    page = client.get("/briefings/world-2025/releases/2/").content.decode()
    # a footnote reference is described by its note's text (screen readers read it with the number)
    assert '<a href="#fn-4" id="fnref-4" aria-describedby="fn-text-4">4</a>' in page
    assert '<span class="fn-text" id="fn-text-4">' in page


def test_the_feed_answers_conditional_requests(client, briefing, publish_change):
    first = client.get("/briefings/world-2025/feed/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/briefings/world-2025/feed/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/briefings/world-2025/feed/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    release = publish_change()
    after = client.get("/briefings/world-2025/feed/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert after["Last-Modified"] == http_date(release.published_at.timestamp())
