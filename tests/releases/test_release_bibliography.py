"""``/briefings/<slug>/releases/<n>/sources.bib|ris|json``: every source release n cites, as frozen.

Read back with real parsers (bibtexparser 2, rispy): the three formats name the
same sources, in the order of first citation, with the titles, authors and
dates of the CSL frozen at publication, whatever happens to the live sources
afterwards.
"""
from __future__ import annotations

import datetime as dt
import json

import bibtexparser
import pytest
import rispy
from django.core.cache import cache

from briefings.models import Citation, RevisionStatus, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition
from briefings.services.importing import briefing_import_bundle
from releases.models import Release
from releases.selectors import history
from sources.services import source_update
from tests.conftest import small_bundle

pytestmark = pytest.mark.django_db

PAPER = "/briefings/world-2025/releases/{n}/sources.{fmt}"
SMALL = "/briefings/desk-2025/releases/{n}/sources.{fmt}"


def _exports(client, url: str) -> tuple[list[dict], list[dict], list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    """The CSL-JSON items, the BibTeX entries and the RIS records at ``url`` (``{fmt}`` left open)."""
    csl = json.loads(client.get(url.format(fmt="json")).content)
    bib = bibtexparser.parse_string(client.get(url.format(fmt="bib")).content.decode())
    assert not bib.failed_blocks
    ris = rispy.loads(client.get(url.format(fmt="ris")).content.decode())
    return csl, [{"key": entry.key, **{f.key: f.value for f in entry.fields}} for entry in bib.entries], ris


def _year(item: dict) -> str:  # type: ignore[type-arg]
    return str(item["issued"]["date-parts"][0][0]) if "issued" in item else ""


def _assert_consistent(csl: list[dict], bib: list[dict], ris: list[dict]) -> None:  # type: ignore[type-arg]
    """Same items in the same order, with the CSL's titles, authors, years and URLs."""
    ids = [item["id"] for item in csl]
    assert [entry["key"] for entry in bib] == ids and [record["id"] for record in ris] == ids
    for item, entry, record in zip(csl, bib, ris, strict=True):
        assert record.get("title", "") == " ".join(item.get("title", "").split())  # RIS: one line a value
        assert "title" in entry if "title" in item else "title" not in entry
        assert entry.get("year", "") == _year(item) and record.get("year", "") == _year(item)
        url = item.get("URL", "")
        assert entry.get("url", "") == url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
        assert record.get("urls", [""])[0] == url
        names = [name.get("literal") or f"{name['family']}, {name['given']}" for name in item.get("author", [])]
        assert record.get("authors", []) == names
        assert entry.get("author", "").count(" and ") == max(len(names) - 1, 0)


def test_the_three_exports_of_the_paper_agree_with_each_other_and_with_the_artefact(client, briefing):
    # given release 1 of the paper and its frozen artefact
    frozen = history.artefact_of(release=Release.objects.get(briefing=briefing, number=1))
    cited = {source["id"] for source in frozen.document["sources"]}
    # when a reader downloads its bibliography in the three formats
    csl, bib, ris = _exports(client, PAPER.format(n=1, fmt="{fmt}"))
    # then each holds every distinct source the release cites, once, as frozen, in the same order
    assert len(cited) == 53 and len(csl) == len(bib) == len(ris) == 53
    stored = {f"source-{source['id']}": source["csl"] for source in frozen.document["sources"]}
    assert {item["id"] for item in csl} == set(stored) and all(item == stored[item["id"]] for item in csl)
    _assert_consistent(csl, bib, ris)
    # and the BibTeX title is the CSL title, LaTeX-escaped only where it must be
    titled = [(item, entry) for item, entry in zip(csl, bib, strict=True) if "title" in item]
    assert titled and all(entry["title"] == item["title"] for item, entry in titled if not set("{}%&$#_~^\\") &
                          set(item["title"]))


def test_the_order_is_that_of_first_citation_and_each_source_comes_once(client):
    # given a briefing whose first note cites b then a, its second c then b (a ingested first)
    bundle = small_bundle()
    bundle["sections"][1]["body"] = "第一の文[^n1]。第二の文[^n2]。\n\n[^n1]: 注一\n[^n2]: 注二"
    site = {"kind": "website", "publisher": "例示ウェブサイト", "accessed_on": "2025-02-09"}
    bundle["sources"] = [
        {**site, "ref": "a", "title": "50% の{削減}と \\ 記号 & #_~^", "url": "https://a.example.org/?q=1&r={x}"},
        {**site, "ref": "b", "title": "改行を含む\nER  - 題名", "author": "近藤 正規、John Smith",
         "url": "https://b.example.org/"},
        {"ref": "c", "kind": "journal_article", "title": "論文", "container": "『外交』", "volume": "Vol.88",
         "issued_text": "2024.11/12", "author": "川島真"},
    ]
    bundle["citations"] = [
        {"section": "ch4", "note": "n1", "position": 0, "source": "b", "locator": ""},
        {"section": "ch4", "note": "n1", "position": 1, "source": "a", "locator": ""},
        {"section": "ch4", "note": "n2", "position": 0, "source": "c", "locator": "84頁"},
        {"section": "ch4", "note": "n2", "position": 1, "source": "b", "locator": ""},
    ]
    briefing_import_bundle(bundle=bundle)
    # when the bibliography is downloaded
    csl, bib, ris = _exports(client, SMALL.format(n=1, fmt="{fmt}"))
    # then it lists b, a, c: each once, in the order the notes first cite them
    assert [item.get("title") for item in csl] == ["改行を含む\nER  - 題名", bundle["sources"][0]["title"], "論文"]
    _assert_consistent(csl, bib, ris)
    # and no value escapes its field: the line break cannot start a RIS record, the braces cannot end a BibTeX one
    assert len(ris) == 3 and ris[0]["title"] == "改行を含む ER - 題名"
    assert bib[0]["title"] == "改行を含む ER - 題名" and bib[1]["url"] == "https://a.example.org/?q=1&r=%7Bx%7D"
    assert bib[1]["title"] == r"50\% の\{削減\}と \textbackslash{} 記号 \& \#\_\textasciitilde{}\textasciicircum{}"
    assert ris[0]["authors"] == ["近藤, 正規", "Smith, John"]
    assert csl[2]["issued"] == {"date-parts": [[2024, 11], [2024, 12]]} and bib[2]["date"] == "2024-11/2024-12"


def test_a_source_corrected_later_leaves_the_old_release_export_as_it_was(client, briefing, editor, reviewer):
    # given release 1's exports and a source its section 4(1) cites
    urls = [PAPER.format(n=1, fmt=fmt) for fmt in ("bib", "ris", "json")]
    before = [client.get(url).content for url in urls]
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    published = SectionRevision.objects.get(section=section, status=RevisionStatus.PUBLISHED)
    source = Citation.objects.filter(footnote__revision=published).select_related("source").first().source
    # when the source is corrected, given an archived copy, and release 2 cites the correction
    corrected = source_update(source=source, data={"title": "直した標題"})
    source_update(source=source, data={"archive_url": "https://web.archive.org/web/2025/https://example.org/"})
    draft = revision_create_draft(section=section, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    cache.clear()
    # then release 1's exports are byte for byte what they were
    assert [client.get(url).content for url in urls] == before
    assert "直した標題" not in b"".join(before).decode() and "archive" not in b"".join(before).decode()
    # and release 2's name the correction in place of the old version, in the three formats
    csl, bib, ris = _exports(client, PAPER.format(n=2, fmt="{fmt}"))
    ids = [item["id"] for item in csl]
    assert f"source-{corrected.pk}" in ids and f"source-{source.pk}" not in ids
    assert any(item.get("title") == "直した標題" for item in csl) and any(r.get("title") == "直した標題" for r in ris)
    _assert_consistent(csl, bib, ris)


@pytest.fixture
def desk(db):  # type: ignore[no-untyped-def]
    bundle = small_bundle()
    bundle["sources"] = [{"ref": "n", "kind": "newspaper", "container": "『日本経済新聞』", "issued_text": "2025.2.1"}]
    bundle["citations"] = [{"section": "ch4", "note": "n1", "position": 0, "source": "n", "locator": ""}]
    return briefing_import_bundle(bundle=bundle).briefing


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_an_export_is_cached_for_a_year_with_an_etag_and_answers_304(client, desk, fmt):
    # when a reference manager downloads the export
    response = client.get(SMALL.format(n=1, fmt=fmt))
    # then it is a named download, cacheable for a year, with a strong ETag
    assert response.status_code == 200 and response.content
    assert response["Content-Disposition"] == f'attachment; filename="desk-2025-r1-sources.{fmt}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"].endswith("charset=utf-8") and response["ETag"].startswith('"')
    # and asking again with that ETag gets a 304 without a body
    again = client.get(SMALL.format(n=1, fmt=fmt), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == response["ETag"]
    assert client.get(SMALL.format(n=1, fmt=fmt), HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/briefings/nope/releases/1/sources.bib", "ブリーフィング"),
        ("/briefings/desk-2025/releases/2/sources.bib", "第2版はありません"),
        ("/briefings/desk-2025/releases/2147483648/sources.ris", "第2147483648版はありません"),
        ("/briefings/desk-2025/releases/0/sources.json", "第0版はありません"),
        ("/briefings/desk-2025/releases/1/sources.xml", "出典一覧の形式「xml」はありません"),
        ("/briefings/desk-2025/releases/1/sources.", ""),
    ],
)
def test_unknown_briefings_releases_and_formats_are_404_in_japanese(client, desk, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_a_release_not_yet_public_has_no_export(client, desk, monkeypatch):
    # given a moment before release 1's publication (2025-02-10 09:00 in Tokyo)
    release = Release.objects.get(briefing=desk, number=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: release.published_at - dt.timedelta(seconds=1))
    # then its exports are not found, and say so
    for fmt in ("bib", "ris", "json"):
        response = client.get(SMALL.format(n=1, fmt=fmt))
        assert response.status_code == 404 and "第1版はありません" in response.content.decode()


def test_the_release_page_links_the_three_exports(client, desk):
    page = client.get("/briefings/desk-2025/releases/1/").content.decode()
    for fmt in ("bib", "ris", "json"):
        assert f'href="/briefings/desk-2025/releases/1/sources.{fmt}"' in page
