"""Ingest and update keep the fingerprint and the rendered citation in step with the structured fields."""
import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from sources.identity import kept_apart_fingerprint, source_fingerprint
from sources.models import LinkHealth, Source
from sources.parsing import ParsedSource, extract_citations, parse_citation
from sources.services import DuplicateSource, source_ingest, source_update

pytestmark = pytest.mark.django_db


def ingest(text: str, **kwargs) -> Source:  # type: ignore[no-untyped-def]
    [match] = extract_citations(text).citations
    return source_ingest(parsed=match.source, **kwargs)[0]


def test_ingest_stores_the_rendering_not_the_text_as_written():
    source = ingest("（ＮＨＫニュースウェブサイト（2025.2.8） <https://www3.nhk.or.jp/a.html>）", accessed_on=dt.date(2025, 2, 9))
    assert source.citation == "ＮＨＫニュースウェブサイト（2025.2.8）<https://www3.nhk.or.jp/a.html>"
    assert source.fingerprint == source_fingerprint(source) and source.url_domain == "www3.nhk.or.jp"
    assert LinkHealth.objects.filter(source=source, status="unchecked").exists()


def test_a_source_described_only_by_its_text_gets_its_fields_from_it():
    source, _ = source_ingest(parsed=ParsedSource(kind="government_document", citation="防衛省「中露軍事協力」（2025.3.10）"))
    assert (source.publisher, source.title, source.issued_text) == ("防衛省", "中露軍事協力", "2025.3.10")
    # Text no pattern reads is kept whole as the title, and a date that cannot be read is not guessed.
    odd, _ = source_ingest(parsed=ParsedSource(kind="government_document", citation="防衛省「資料」（3月10日時点）"))
    assert odd.title == "防衛省「資料」（3月10日時点）" and odd.issued_on is None


def test_a_source_must_name_something():
    with pytest.raises(ValidationError) as error:
        source_ingest(parsed=ParsedSource(kind="website", citation=""))
    assert "title" in error.value.message_dict


def test_update_rerenders_the_citation_and_recomputes_the_fingerprint():
    source = ingest("（『日本経済新聞』（2025.1.23））")
    updated = source_update(source=source, data={"title": "トランプ氏陣営と人脈"})
    assert updated.citation == "「トランプ氏陣営と人脈」『日本経済新聞』（2025.1.23）"
    assert updated.fingerprint == source_fingerprint(updated) != ingest("（『日本経済新聞』（2025.1.23））").fingerprint
    stored = Source.objects.get(pk=source.pk)
    assert (stored.citation, stored.fingerprint) == (updated.citation, updated.fingerprint)


def test_the_issued_date_and_its_text_stay_in_agreement():
    source = ingest("（『日本経済新聞』（2025.1.23））")
    source = source_update(source=source, data={"issued_text": "令7.1.24"})
    assert (source.issued_on, source.issued_precision, source.citation) == (
        dt.date(2025, 1, 24), "day", "『日本経済新聞』（令7.1.24）")
    with pytest.raises(ValidationError) as error:
        source_update(source=Source.objects.get(pk=source.pk), data={"issued_on": dt.date(2025, 3, 1)})
    assert "issued_text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        source_update(source=Source.objects.get(pk=source.pk), data={"issued_text": "3月10日時点"})
    assert "3月10日時点" in error.value.message_dict["issued_text"][0]
    cleared = source_update(source=Source.objects.get(pk=source.pk), data={"issued_text": ""})
    assert cleared.issued_on is None and cleared.citation == "『日本経済新聞』"


def test_derived_and_unknown_fields_are_refused():
    source = ingest("（『日本経済新聞』（2025.1.23））")
    for data in ({"citation": "手で書いた表記"}, {"fingerprint": "0" * 64}, {"url_domain": "x"}, {"pk": 3}):
        with pytest.raises(ValidationError):
            source_update(source=Source.objects.get(pk=source.pk), data=data)
    assert Source.objects.get(pk=source.pk).citation == "『日本経済新聞』（2025.1.23）"


def test_an_update_that_would_describe_another_source_is_a_conflict():
    first = ingest("（『日本経済新聞』（2025.1.23））")
    second = ingest("（『日本経済新聞』（2025.1.24））")
    with pytest.raises(DuplicateSource) as error:
        source_update(source=second, data={"issued_text": "2025年1月23日"})
    assert error.value.status == 409 and error.value.extra == {"id": first.pk}
    assert Source.objects.get(pk=second.pk).issued_on == dt.date(2025, 1, 24)


def test_a_kept_apart_row_keeps_its_fingerprint_until_its_identity_changes():
    first = ingest("（『日本経済新聞』（2025.1.23））")
    twin = ingest("（『日本経済新聞』（2025.1.24））")
    Source.objects.filter(pk=twin.pk).update(issued_on=dt.date(2025, 1, 23), issued_text="2025.1.23",
                                             fingerprint=kept_apart_fingerprint(first.fingerprint, twin.pk))
    twin = source_update(source=Source.objects.get(pk=twin.pk), data={"archive_url": "https://web.archive.org/x"})
    assert twin.fingerprint == kept_apart_fingerprint(first.fingerprint, twin.pk)
    moved = source_update(source=twin, data={"title": "見出し"})
    assert moved.fingerprint == source_fingerprint(moved)


def test_a_concurrent_ingest_of_the_same_document_returns_the_stored_row():
    parsed = parse_citation("『朝日新聞』（2025.3.7）", kind="newspaper")
    other, _ = source_ingest(parsed=parsed)
    missing = Source.objects.none()
    with mock.patch("sources.services.Source.objects.filter", side_effect=[missing, Source.objects.filter(pk=other.pk)]):
        again, created = source_ingest(parsed=parsed)  # the first look finds nothing: the insert hits the unique key
    assert not created and again.pk == other.pk and Source.objects.count() == 1


def test_a_new_url_starts_a_new_health_record():
    source = ingest("（外務省ウェブサイト<https://www.mofa.go.jp/a.html>）")
    LinkHealth.objects.filter(source=source).update(status="dead", consecutive_failures=3)
    moved = source_update(source=source, data={"url": "https://www.mofa.go.jp/b.html"})
    assert moved.link_health.status == "unchecked" and moved.url_domain == "mofa.go.jp"
    assert moved.citation == "外務省ウェブサイト<https://www.mofa.go.jp/b.html>"
