"""Reading the fields the renderer needs out of a note, or out of one citation given on its own."""
import pytest

from core.dates import DateParseError
from sources.parsing import ParsedSource, extract_citations, parse_citation


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("防衛省「ロシアによるウクライナ侵略の状況（3月10日現在）」", "government_document",
         ("government_document", "ロシアによるウクライナ侵略の状況（3月10日現在）", "防衛省", "", "")),
        ("外務省「日米首脳会談（安全保障関連部分）」（令和７年（2025年）２月）", "government_document",
         ("government_document", "日米首脳会談（安全保障関連部分）", "外務省", "", "令和７年（2025年）２月")),
        ("日本国際問題研究所『戦略アウトルック2025』15頁", "", ("book", "戦略アウトルック2025", "日本国際問題研究所", "", "")),
        ("山田太郎「論考」", "journal_article", ("journal_article", "論考", "", "山田太郎", "")),
        ("『日本経済新聞』（2025.1.23）", "", ("newspaper", "", "日本経済新聞", "", "2025.1.23")),
        # what no pattern reads is kept whole, never guessed: brackets that do not pair, a date without a year
        ("「停戦案」『朝日新聞』", "newspaper", ("newspaper", "「停戦案」『朝日新聞』", "", "", "")),
        ("防衛省「資料」（3月10日時点）", "government_document",
         ("government_document", "防衛省「資料」（3月10日時点）", "", "", "")),
        ("何かの資料", "", ("other", "何かの資料", "", "", "")),
    ],
)
def test_one_citation_on_its_own(text, kind, expected):
    found = parse_citation(text, kind=kind)
    assert (found.kind, found.title, found.publisher, found.author, found.issued.text if found.issued else "") == expected


def test_a_date_that_cannot_be_read_is_an_error_when_asked_to_be_strict():
    with pytest.raises(DateParseError):
        parse_citation("防衛省「資料」（3月10日時点）", kind="government_document", strict=True)
    with pytest.raises(DateParseError):
        ParsedSource(kind="newspaper", citation="『日本経済新聞』（1月23日）").completed(strict=True)
    given = ParsedSource(kind="newspaper", citation="『日本経済新聞』（1月23日）", title="t",
                         issued=parse_citation("『読売新聞』（2025.1.23）").issued).completed(strict=True)
    assert given.issued.text == "2025.1.23" and given.title == "t"  # the date given wins; the text is not needed


def test_newspaper_articles_with_a_title_or_an_author():
    [titled] = extract_citations("（「停戦案」『朝日新聞』（2025.3.7））").citations
    assert (titled.source.kind, titled.source.title, titled.source.container) == ("newspaper", "停戦案", "『朝日新聞』")
    [signed] = extract_citations("山田太郎「停戦案の行方」『読売新聞』（2025.3.8）").citations
    assert (signed.source.kind, signed.source.author, signed.source.title) == ("newspaper", "山田太郎", "停戦案の行方")


def test_the_locator_stays_with_the_citation():
    [match] = extract_citations("近藤正規「題」『外交』Vol.88（2024.11/12）84頁。").citations
    assert match.locator == "84頁" and match.source.pages == "" and "84" not in match.source.citation
