"""The paper's citation style, rendered from structured fields only; CSL-JSON; per-note access dates."""
import datetime as dt
import json

import pytest
from django.core.cache import cache

from briefings.importers.paper import parse_paper
from briefings.models import Citation
from briefings.services import Action, revision_create_draft, revision_transition
from sources.citations import csl_name, csl_page, format_citation, organisation, to_csl
from sources.models import Source
from sources.parsing import extract_citations
from sources.services import source_update


def paper_citations(paper_text):  # type: ignore[no-untyped-def]
    """Every citation of the paper's notes: (note number, the source as parsed, the text as written)."""
    paper = parse_paper(paper_text)
    return [
        (number, match.source, match.source.citation)
        for number, note in paper.raw_notes.items()
        for match in extract_citations(note).citations
    ]


def test_every_source_of_the_paper_is_rendered_from_its_fields_exactly_as_the_paper_writes_it(briefing, paper_text):
    cited = paper_citations(paper_text)
    sources = {source.fingerprint: source for source in Source.objects.all()}
    assert len(sources) == 53 and len(cited) == 57
    assert {s.kind for s in sources.values()} == {"website", "newspaper", "journal_article", "diet_record",
                                                   "government_document", "book"}
    mismatches = [(number, written, format_citation(sources[parsed.fingerprint]))
                  for number, parsed, written in cited if format_citation(sources[parsed.fingerprint]) != written]
    assert mismatches == []
    # The stored citation is the renderer's cache, not the parser's text.
    assert [s.pk for s in sources.values() if s.citation != format_citation(s)] == []


def test_the_renderer_never_reads_the_stored_citation():
    source = Source(kind="newspaper", container="『朝日新聞』", issued_text="2025.3.7", citation="stale text")
    assert format_citation(source) == "『朝日新聞』（2025.3.7）"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (dict(kind="newspaper", container="『朝日新聞』", title="停戦案", issued_text="2025.3.7"), "「停戦案」『朝日新聞』（2025.3.7）"),
        (dict(kind="newspaper", container="朝日新聞", issued_text="2025.3.7"), "『朝日新聞』（2025.3.7）"),
        (dict(kind="diet_record", title="第217回国会衆議院予算委員会議録第２号", volume="第２号", issued_text="2025.1.31"),
         "第217回国会衆議院予算委員会議録第２号（2025.1.31）"),
        (dict(kind="diet_record", title="第217回国会衆議院予算委員会議録", volume="第２号", issued_text="2025.1.31"),
         "第217回国会衆議院予算委員会議録第２号（2025.1.31）"),
        (dict(kind="journal_article", author="近藤 正規", title="題", container="『外交』", volume="Vol.88",
              issued_text="2024.11/12", pages="84頁"), "近藤正規「題」『外交』Vol.88（2024.11/12）84頁"),
        (dict(kind="journal_article", container="『旬刊中国内外動向』", volume="No.1553", issued_text="2024年第16号"),
         "『旬刊中国内外動向』No.1553（2024年第16号）"),
        (dict(kind="book", publisher="日本国際問題研究所", title="戦略アウトルック2025"), "日本国際問題研究所『戦略アウトルック2025』"),
        (dict(kind="book", author="山田 太郎", publisher="有斐閣", title="外交史"), "山田太郎『外交史』有斐閣"),
        (dict(kind="website", publisher="外務省ウェブサイト", title="日米首脳会談", url="https://www.mofa.go.jp/a.html"),
         "外務省ウェブサイト「日米首脳会談」<https://www.mofa.go.jp/a.html>"),
        (dict(kind="website", author="森聡", title="題", url="https://www.spf.org/a"), "森聡「題」<https://www.spf.org/a>"),
        (dict(kind="website", container="『ＮＨＫニュースウェブサイト』", publisher="ＮＨＫニュースウェブサイト",
              issued_text="2024.7.12", url="https://www3.nhk.or.jp/a"),
         "『ＮＨＫニュースウェブサイト』（2024.7.12）<https://www3.nhk.or.jp/a>"),
        (dict(kind="government_document", publisher="防衛省", title="台湾をめぐる最近の動向", issued_text="令7.3.10"),
         "防衛省「台湾をめぐる最近の動向」（令7.3.10）"),
        (dict(kind="government_document", publisher="外務省ウェブサイト", title="Ｇ７外相声明", url="https://www.mofa.go.jp/b"),
         "Ｇ７外相声明（外務省ウェブサイト<https://www.mofa.go.jp/b>）"),
        (dict(kind="other", title="自由な表記"), "自由な表記"),
        (dict(kind="other", publisher="国連", title="報告"), "国連「報告」"),
    ],
)
def test_formats_by_kind_keep_the_original_date_text(fields, expected):
    assert format_citation(Source(**fields)) == expected


@pytest.mark.parametrize(
    ("start", "until", "precision", "expected"),
    [
        (dt.date(2025, 1, 23), None, "day", "（2025.1.23）"),
        (dt.date(2024, 11, 1), dt.date(2024, 12, 1), "month", "（2024.11/12）"),
        (dt.date(2024, 12, 1), dt.date(2025, 1, 1), "month", "（2024.12/2025.1）"),
        (dt.date(2024, 1, 1), None, "year", "（2024）"),
    ],
)
def test_a_date_without_its_text_is_written_in_the_papers_form(start, until, precision, expected):
    source = Source(kind="newspaper", container="『読売新聞』", issued_on=start, issued_until=until,
                    issued_precision=precision)
    assert format_citation(source) == f"『読売新聞』{expected}"


def test_csl_json_export_is_fit_for_reference_managers(client, briefing):
    response = client.get("/sources/csl.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    assert len(items) == 53 and all({"id", "type", "language"} <= set(item) for item in items)
    # A title is the article's or page's own title, never the citation, its brackets or its URL; 30 sources
    # (newspapers cited by date, news pages by site and date, periodical issues) have none.
    titles = [item["title"] for item in items if "title" in item]
    assert len(titles) == 23 and not [t for t in titles if "<http" in t or "『" in t or "（20" in t]
    assert not [item for item in items if item.get("publisher") and item["publisher"] == item.get("container-title")]
    article = next(item for item in items if item.get("container-title") == "外交" and item["volume"] == "88"
                   and item["author"][0]["literal"] == "近藤正規")
    assert article["type"] == "article-journal" and article["issued"] == {"date-parts": [[2024, 11], [2024, 12]]}
    assert article["title"] == "モディ政権「戦略的自律」外交のゆくえ" and "page" not in article  # 84頁 is the note's locator
    round_table = next(item for item in items if item.get("container-title") == "世界")
    assert [name["literal"] for name in round_table["author"]] == ["川島真", "酒井啓子", "三牧聖子"]
    nikkei = next(item for item in items if item["type"] == "article-newspaper")
    assert nikkei["container-title"] == "日本経済新聞" and "title" not in nikkei and "publisher" not in nikkei
    site = next(item for item in items if item.get("container-title") == "JETROウェブサイト")
    assert site["type"] == "webpage" and site["URL"].startswith("https://") and site["accessed"]["date-parts"] == [[2025, 2, 9]]
    assert site["title"].startswith("ビジネス短信")
    statement = next(item for item in items if item.get("title", "").endswith("Ｇ７外相声明"))
    assert statement["type"] == "report" and statement["publisher"] == "外務省" and "container-title" not in statement
    diet = next(item for item in items if item.get("genre") == "会議録")
    assert diet["publisher"] in ("参議院", "衆議院") and diet["issued"]["date-parts"][0][0] in (2024, 2025)
    periodical = next(item for item in items if item.get("container-title") == "旬刊中国内外動向")
    assert periodical["issue"] in ("1553", "1563") and periodical["issued"] == {"date-parts": [[2024]]}
    assert client.get("/sources/csl.json", {"kind": "book"}).json()[0]["type"] == "book"
    assert client.get("/sources/csl.json", {"kind": "bogus"}).status_code == 400


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("近藤 正規", {"family": "近藤", "given": "正規"}),
        ("近藤\u3000正規", {"family": "近藤", "given": "正規"}),
        ("近藤正規", {"literal": "近藤正規"}),
        ("John Smith", {"family": "Smith", "given": "John"}),
        ("Smith, John", {"family": "Smith", "given": "John"}),
        ("日本国際問題研究所", {"literal": "日本国際問題研究所"}),
    ],
)
def test_author_names_are_split_only_where_the_note_splits_them(name, expected):
    assert csl_name(name) == expected


def test_csl_authors_pages_and_volumes():
    source = Source(pk=3, kind="journal_article", author="山田 太郎・鈴木 花子、イーロン・マスク", title="t",
                    container="『外交』", volume="Vol.88", pages="107～108頁（川島発言部分）")
    item = to_csl(source)
    assert item["author"] == [{"family": "山田", "given": "太郎"}, {"family": "鈴木", "given": "花子"},
                              {"literal": "イーロン・マスク"}]
    assert (item["volume"], item["page"]) == ("88", "107-108")
    assert format_citation(source).startswith("山田太郎・鈴木花子、イーロン・マスク「t」")
    assert (csl_page("８４頁"), csl_page("（前掲）")) == ("84", "")
    assert (organisation("『外務省ウェブサイト』"), organisation("THE WALL STREET JOURNAL日本版")) == (
        "外務省", "THE WALL STREET JOURNAL日本版")


def test_to_csl_of_a_source_with_an_archive():
    source = Source(pk=7, kind="website", citation="x", title="t", url="https://example.org/",
                    accessed_on=dt.date(2025, 3, 10), archive_url="https://web.archive.org/x")
    assert to_csl(source)["archive_location"] == "https://web.archive.org/x"


def test_the_access_date_is_stated_once_and_per_note_only_when_it_differs(client, briefing, editor, reviewer):
    html = client.get("/briefings/world-2025/releases/1/").content.decode()
    assert "参照URLの最終アクセス日は、特記のない限り2025年2月9日。" in html
    assert "（最終アクセス日：" not in html
    # given a cited URL accessed again on another day: a corrected source, drafted and approved as release 2
    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    source_update(source=source, data={"accessed_on": dt.date(2025, 2, 1)})
    key = Citation.objects.filter(source=source).select_related("footnote__revision__section").first()
    draft = revision_create_draft(section=key.footnote.revision.section, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    cache.clear()
    html = client.get("/briefings/world-2025/releases/2/").content.decode()
    assert html.count("（最終アクセス日：2025年2月1日）") >= 1
    assert "（最終アクセス日：" not in client.get("/briefings/world-2025/releases/1/").content.decode()
