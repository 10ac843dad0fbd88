"""Citation formatting of every kind of source in the paper, CSL-JSON, per-note access dates."""
import datetime as dt
import json

from django.core.cache import cache

from briefings.models import Citation
from briefings.services import Action, revision_create_draft, revision_transition
from sources.citations import format_citation, to_csl
from sources.models import Source
from sources.services import source_update


def test_every_source_of_the_paper_is_formatted_exactly_as_the_paper_writes_it(briefing):
    sources = list(Source.objects.all())
    assert {s.kind for s in sources} == {"website", "newspaper", "journal_article", "diet_record",
                                          "government_document", "book"}
    assert [s.citation for s in sources if format_citation(s) != s.citation] == []


def test_formats_by_kind_keep_the_original_date_text():
    cases = [
        (dict(kind="newspaper", container="『朝日新聞』", title="停戦案", issued_text="2025.3.7"), "「停戦案」『朝日新聞』（2025.3.7）"),
        (dict(kind="diet_record", title="第217回国会衆議院予算委員会議録第２号", issued_text="2025.1.31"),
         "第217回国会衆議院予算委員会議録第２号（2025.1.31）"),
        (dict(kind="journal_article", author="近藤正規", title="題", container="『外交』", volume="Vol.88",
              issued_text="2024.11/12", pages="84頁"), "近藤正規「題」『外交』Vol.88（2024.11/12）84頁"),
        (dict(kind="book", publisher="日本国際問題研究所", title="戦略アウトルック2025"), "日本国際問題研究所『戦略アウトルック2025』"),
        (dict(kind="website", publisher="外務省ウェブサイト", title="日米首脳会談", url="https://www.mofa.go.jp/a.html"),
         "外務省ウェブサイト「日米首脳会談」<https://www.mofa.go.jp/a.html>"),
        (dict(kind="government_document", publisher="防衛省", title="台湾をめぐる最近の動向", issued_text="令7.3.10"),
         "防衛省「台湾をめぐる最近の動向」（令7.3.10）"),
        (dict(kind="other", citation="自由な表記"), "自由な表記"),
    ]
    for fields, expected in cases:
        assert format_citation(Source(citation=fields.pop("citation", "x"), **fields)) == expected


def test_csl_json_export_is_valid_and_complete(client, briefing):
    response = client.get("/sources/csl.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    assert len(items) == 53 and all({"id", "type", "title"} <= set(item) for item in items)
    article = next(item for item in items if item.get("container-title") == "外交")
    assert article["type"] == "article-magazine" and article["issued"]["date-parts"] == [[2024, 11], [2024, 12]]
    assert article["issued"]["raw"] == "2024.11/12" and article["author"][0]["literal"]
    site = next(item for item in items if item["type"] == "webpage")
    assert site["URL"].startswith("https://") and site["accessed"]["date-parts"] == [[2025, 2, 9]]
    assert client.get("/sources/csl.json", {"kind": "book"}).json()[0]["type"] == "book"
    assert client.get("/sources/csl.json", {"kind": "bogus"}).status_code == 400


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
