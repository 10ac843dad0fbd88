"""Sentence permalinks: stable anchors across releases, the sentence menu's links, the claim page."""
import copy
import re

from django.core.management import call_command

from events.models import Event
from events.services import event_link
from releases.anchors import ANCHOR_PATTERN, document_anchors
from releases.models import ClaimAnchor, Release
from releases.selectors.history import artefact_of, content_of
from tests.events.conftest import EVENTS

CHANGED = "米国内では、連邦議会が超党派で対中強硬姿勢"  # a sentence of ch2-3 the tests edit


def _anchors(release: Release, key: str) -> dict[str, str]:
    """Text → anchor of the sentences of one section of a release (from its artefact)."""
    section = next(s for s in artefact_of(release=release).content.sections if s.key == key)
    return {claim.text: claim.anchor for paragraph in section.paragraphs for claim in paragraph}


def test_an_unchanged_sentence_keeps_its_anchor_and_an_edited_one_gets_a_new_one(client, briefing, publish_change):
    # given
    first = Release.objects.get(briefing=briefing, number=1)
    # when a sentence of ch2-3 is edited and another section gets a new one
    publish_change(key="ch2-3", old="超党派で対中", new="超党派で一致して対中", summary="表現の修正")
    second = Release.objects.get(briefing=briefing, number=2)
    # then
    before, after = _anchors(first, "ch2-3"), _anchors(second, "ch2-3")
    unchanged = set(before) & set(after)
    assert len(unchanged) == len(before) - 1
    assert all(before[text] == after[text] for text in unchanged)
    edited = next(text for text in after if "一致して" in text)
    assert after[edited] not in before.values()
    assert all(re.fullmatch(ANCHOR_PATTERN, anchor) for anchor in after.values())
    # every sentence of a page has a unique id, and a link to its own page (the menu without JavaScript)
    html = client.get("/briefings/world-2025/releases/2/").content.decode()
    ids = re.findall(r'<span class="claim" id="(c-[a-z2-7]{10})">', html)
    assert len(ids) == len(set(ids)) > 100
    assert f'href="/briefings/world-2025/claims/{after[edited]}/" aria-label="この文のリンク・引用"' in html
    # search hits point at the anchors, labelled as readers name the section
    found = client.get("/briefings/world-2025/search/", {"q": "一致して"}).content.decode()
    assert f'href="/briefings/world-2025/releases/2/#{after[edited]}">２．（３）米中対立</a>' in found


def test_anchors_of_a_format_1_artefact_are_derived_exactly_as_format_2_froze_them(briefing):
    frozen = artefact_of(release=Release.objects.get(briefing=briefing, number=1))
    assert frozen.document["format"] == 3
    old = copy.deepcopy(frozen.document)
    old["format"] = 1
    for section in old["snapshot"]["sections"]:
        for paragraph in section["paragraphs"]:
            for claim in paragraph:
                del claim["anchor"], claim["section_refs"]
    stored = [claim.anchor for s in frozen.content.sections for p in s.paragraphs for claim in p]
    derived = [claim.anchor for s in content_of(old).sections for p in s.paragraphs for claim in p]
    assert derived == stored and all(stored)
    assert document_anchors(old["snapshot"]) == document_anchors(frozen.document["snapshot"])
    indexed = set(ClaimAnchor.objects.filter(briefing=briefing).values_list("anchor", flat=True))
    assert indexed == set(stored)


def test_the_claim_page_shows_where_a_sentence_appears_what_it_cites_and_its_events(client, briefing, editor,
                                                                                    publish_change):
    # given a sentence with a note, kept in release 2, and one edited in release 2
    publish_change(key="ch2-3", old="超党派で対中", new="超党派で一致して対中", summary="表現の修正")
    first, second = (Release.objects.get(briefing=briefing, number=n) for n in (1, 2))
    kept_text = next(text for text in _anchors(second, "ch4-1") if "クルスク州" in text)
    kept = _anchors(second, "ch4-1")[kept_text]
    edited = next(anchor for text, anchor in _anchors(first, "ch2-3").items() if CHANGED in text)
    call_command("import_events", str(EVENTS))
    claim_id = ClaimAnchor.objects.filter(anchor=kept).values_list("claim_id", flat=True).first()
    event = Event.objects.get(key="2025-03-05-uk-mod-russian-casualties")
    event_link(event_id=event.pk, section_id=briefing.sections.get(key="ch4-1").pk, claim_id=claim_id, actor=editor)
    # when
    html = client.get(f"/briefings/world-2025/claims/{kept}/").content.decode()
    # then
    assert kept_text[:20] in html and "４．（１）ロシア・ウクライナの攻防と国際社会の動き" in html
    assert f'href="/briefings/world-2025/releases/1/#{kept}">初版</a>' in html
    assert f'href="/briefings/world-2025/releases/2/#{kept}">第2版</a>' in html
    assert "2版" in html and "この文は最新の版にも掲載されています" in html
    assert re.search(r'<li id="fn-\d+" value="\d+"><span class="fn-number">', html)  # its notes, with sources
    assert 'class="note-sources"' in html
    assert f'href="/events/#event-{event.key}"' in html and "現在の情報" in html
    assert f"https://briefings.example.org/briefings/world-2025/releases/2/#{kept}" in html  # cited with the anchor
    assert f'/releases/2/cite.bib?anchor={kept}' in html
    # an edited sentence's page says where it changed
    old = client.get(f"/briefings/world-2025/claims/{edited}/").content.decode()
    assert 'この文は<a href="/briefings/world-2025/releases/2/">第2版</a>で変更または削除されました' in old
    assert '?from_release=1&amp;to_release=2#change-ch2-3' in old
    # a release that does not show it, an unknown or malformed anchor
    assert client.get(f"/briefings/world-2025/claims/{kept}/?release=1").status_code == 200
    assert client.get(f"/briefings/world-2025/claims/{edited}/?release=2").status_code == 404
    assert client.get(f"/briefings/world-2025/claims/{kept}/?release=x").status_code == 400
    assert client.get(f"/briefings/world-2025/claims/{kept}/?release=99999999999999999999").status_code == 404
    assert client.get("/briefings/world-2025/claims/c-aaaaaaaaaa/").status_code == 404
    assert "文「<script>" not in client.get("/briefings/world-2025/claims/%3Cscript%3E/").content.decode()
