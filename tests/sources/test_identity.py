"""A source's identity comes from its structured fields: one document however a note spells it."""
import datetime as dt

import pytest

from sources.identity import author_names, fingerprint, kept_apart_fingerprint, normalise_url, source_fingerprint
from sources.models import Source
from sources.parsing import extract_citations, parse_citation
from sources.services import source_ingest


def one(text: str):  # type: ignore[no-untyped-def]
    """The single source cited in ``text``, with its locator."""
    [match] = extract_citations(text).citations
    return match


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # the page a note points to belongs to the citation, not to the source
        ("近藤正規「モディ政権」『外交』Vol.88（2024.11/12）84頁。", "近藤正規「モディ政権」『外交』Vol.88（2024.11/12）85頁。"),
        # a date spelled three ways
        ("（『日本経済新聞』（2025.1.23））", "（『日本経済新聞』（2025年1月23日））"),
        ("（『日本経済新聞』（2025.1.23））", "（『日本経済新聞』（令7.1.23））"),
        # full-width and half-width, spaces, 『』 around a site name
        ("（ＮＨＫニュースウェブサイト（2025.2.8）<https://www3.nhk.or.jp/news/a.html>）",
         "（『ＮＨＫニュースウェブサイト』（2025.2.8）<https://www3.nhk.or.jp/news/a.html>）"),
        ("（JETROウェブサイト「ビジネス短信 米国の関税」<https://www.jetro.go.jp/a.html>）",
         "（ＪＥＴＲＯウェブサイト「ビジネス短信米国の関税」<https://www.jetro.go.jp/a.html>）"),
        # the URL: scheme, host case, www, default port, fragment, percent-encoding
        ("（外務省ウェブサイト<https://www.mofa.go.jp/mofaj/a.html>）",
         "（外務省ウェブサイト<http://MOFA.go.jp:80/mofaj/%61.html#top>）"),
        # authors: whatever separates them
        ("川島真、酒井啓子「座談会」『世界』（2025.1）166頁", "川島真・酒井啓子「座談会」『世界』（2025.1）170頁"),
    ],
)
def test_two_spellings_of_one_document_are_one_source(first, second):
    a, b = one(first), one(second)
    assert a.source.fingerprint == b.source.fingerprint


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("（『日本経済新聞』（2025.1.23））", "（『日本経済新聞』（2025.1.24））"),
        ("（『日本経済新聞』（2025.1））", "（『日本経済新聞』（2025.1.1））"),  # a month is not its first day
        ("（『日本経済新聞』（2025.1.23））", "（『読売新聞』（2025.1.23））"),
        ("近藤正規「題」『外交』Vol.88（2024.11/12）", "近藤正規「題」『外交』Vol.89（2024.11/12）"),
        ("（外務省ウェブサイト<https://www.mofa.go.jp/a.html>）", "（外務省ウェブサイト<https://www.mofa.go.jp/a.html?p=2>）"),
        ("第217回国会参議院本会議録第１号（2025.1.24）", "第217回国会参議院本会議録第２号（2025.1.24）"),
    ],
)
def test_different_documents_stay_apart(first, second):
    assert one(first).source.fingerprint != one(second).source.fingerprint


def test_a_publisher_tells_same_titled_documents_apart():
    mod = parse_citation("防衛省「台湾をめぐる最近の動向」", kind="government_document")
    mofa = parse_citation("外務省「台湾をめぐる最近の動向」", kind="government_document")
    assert mod.publisher == "防衛省" and mod.fingerprint != mofa.fingerprint


def test_a_stored_source_and_its_parse_have_one_fingerprint():
    source = Source(kind="newspaper", container="『日本経済新聞』", issued_on=dt.date(2025, 1, 23), issued_precision="day",
                    issued_text="2025年1月23日")
    assert source_fingerprint(source) == one("（『日本経済新聞』（2025.1.23））").source.fingerprint
    assert len(fingerprint(kind="other", title="x")) == 64


def test_normalised_urls_and_names():
    assert normalise_url("HTTPS://WWW.Example.org:443/a%7eb#top") == "//example.org/a~b"
    assert normalise_url("https://example.org") == normalise_url("http://example.org/")
    assert normalise_url("https://example.org:8443/") != normalise_url("https://example.org/")
    assert normalise_url("https://example.org:99999/") == "//example.org/"  # an invalid port is no port
    assert author_names("イーロン・マスク、山田太郎・鈴木花子") == ["イーロン・マスク", "山田太郎", "鈴木花子"]


def test_a_kept_apart_fingerprint_is_distinct_and_stable():
    canonical = fingerprint(kind="newspaper", container="『朝日新聞』")
    assert kept_apart_fingerprint(canonical, 7) == kept_apart_fingerprint(canonical, 7)
    assert len({canonical, kept_apart_fingerprint(canonical, 7), kept_apart_fingerprint(canonical, 8)}) == 3


def test_ingesting_a_second_spelling_returns_the_first_source(db):
    first, created = source_ingest(parsed=one("（『日本経済新聞』（2025.1.23））").source)
    again, created_again = source_ingest(parsed=one("（『日本経済新聞』（2025年1月23日））").source)
    assert created and not created_again and again.pk == first.pk
    assert again.citation == "『日本経済新聞』（2025.1.23）"  # the first spelling is the one shown
    assert Source.objects.count() == 1


def test_fields_cannot_be_shifted_into_one_another_to_forge_an_identity():
    """The fingerprint hashes a JSON list: no separator a title could contain makes two descriptions meet."""
    assert fingerprint(kind="book", title="ab", author="c") != fingerprint(kind="book", title="a", author="bc")
    assert fingerprint(kind="book", title='a", "b') != fingerprint(kind="book", title="a", author="b")
    assert fingerprint(kind="book", title="x", volume="1") != fingerprint(kind="book", title="x1")
