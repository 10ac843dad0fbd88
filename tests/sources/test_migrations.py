"""The data migrations to structured identity: citations rendered, fingerprints recomputed, duplicates kept apart."""
import datetime as dt
import hashlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from sources.identity import kept_apart_fingerprint, source_fingerprint

BEFORE = [("sources", "0005_source_structured_fields_help")]
AFTER = [("sources", "0007_source_structured_identity")]


def old_fingerprint(kind: str, citation: str, url: str = "") -> str:
    basis = f"url|{url}" if url else f"{kind}|{citation}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def migrate(target):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def legacy_rows(db):  # type: ignore[no-untyped-def]
    """Rows as the old code stored them: the text as written, fingerprints of the URL or of that text.

    Migrating inside the test's transaction is safe on PostgreSQL and SQLite (DDL is transactional);
    the rollback restores the schema and the migration records.
    """
    apps = migrate(BEFORE)
    Source = apps.get_model("sources", "Source")

    def row(created: str, **fields):  # type: ignore[no-untyped-def]
        fields.setdefault("fingerprint", old_fingerprint(fields["kind"], fields["citation"], fields.get("url", "")))
        source = Source.objects.create(**fields)
        Source.objects.filter(pk=source.pk).update(created_at=dt.datetime.fromisoformat(created))
        return source.pk

    rows = {
        # one article, two spellings of its date: two rows before, one document now
        "nikkei": row("2025-02-09T00:00:00+00:00", kind="newspaper", citation="『日本経済新聞』（2025.1.23）",
                      container="『日本経済新聞』", publisher="日本経済新聞", issued_on=dt.date(2025, 1, 23),
                      issued_precision="day", issued_text="2025.1.23"),
        "nikkei_again": row("2025-03-10T00:00:00+00:00", kind="newspaper", citation="『日本経済新聞』（2025年1月23日）",
                            container="『日本経済新聞』", issued_on=dt.date(2025, 1, 23), issued_precision="day",
                            issued_text="2025年1月23日"),
        # an API client's source: free text only
        "deck": row("2025-03-01T00:00:00+00:00", kind="government_document", citation="防衛省「台湾をめぐる最近の動向」（令7.3.10）"),
        "page": row("2025-02-09T00:00:00+00:00", kind="website", citation="JETROウェブサイト「ビジネス短信」<https://www.jetro.go.jp/a.html>",
                    publisher="JETROウェブサイト", title="ビジネス短信", url="https://www.jetro.go.jp/a.html"),
        # public (an event cites it): frozen, so its citation stays as it stood though today's rendering adds the date
        "frozen": row("2025-03-10T00:00:00+00:00", kind="government_document", citation="防衛省「中露軍事協力」",
                      publisher="防衛省", title="中露軍事協力", issued_on=dt.date(2025, 3, 10), issued_precision="day",
                      issued_text="2025.3.10", published_at=dt.datetime.fromisoformat("2025-03-10T08:00:00+00:00"),
                      frozen_at=dt.datetime.fromisoformat("2025-03-10T08:00:00+00:00")),
    }
    # an older version of the page, corrected since: it shares the identity of its current version
    rows["page_before"] = row("2025-02-01T00:00:00+00:00", kind="website", citation="JETROウェブサイト「ビジネス短信」",
                              publisher="JETROウェブサイト", title="ビジネス短信", url="https://www.jetro.go.jp/a.html",
                              fingerprint="0" * 64, is_current=False)
    yield rows
    migrate(AFTER)  # leave the database as the other tests expect it


def test_forward_renders_citations_and_keeps_duplicates_apart(legacy_rows):
    Source = migrate(AFTER).get_model("sources", "Source")
    nikkei, again = Source.objects.get(pk=legacy_rows["nikkei"]), Source.objects.get(pk=legacy_rows["nikkei_again"])
    assert source_fingerprint(nikkei) == source_fingerprint(again)  # one document…
    assert nikkei.fingerprint == source_fingerprint(nikkei)  # …the older row is the one new citations find,
    assert again.fingerprint == kept_apart_fingerprint(nikkei.fingerprint, again.pk)  # the newer is kept, apart
    assert again.citation == "『日本経済新聞』（2025年1月23日）"  # what its releases show is unchanged
    deck = Source.objects.get(pk=legacy_rows["deck"])
    assert (deck.publisher, deck.title, deck.issued_on, deck.citation) == (
        "防衛省", "台湾をめぐる最近の動向", dt.date(2025, 3, 10), "防衛省「台湾をめぐる最近の動向」（令7.3.10）")
    assert deck.fingerprint == source_fingerprint(deck)
    page = Source.objects.get(pk=legacy_rows["page"])
    assert page.citation == "JETROウェブサイト「ビジネス短信」<https://www.jetro.go.jp/a.html>"
    before = Source.objects.get(pk=legacy_rows["page_before"])
    assert before.fingerprint == page.fingerprint  # an older version: not current, never "kept apart"
    frozen = Source.objects.get(pk=legacy_rows["frozen"])
    assert frozen.citation == "防衛省「中露軍事協力」" and frozen.fingerprint == source_fingerprint(frozen)
    assert Source.objects.count() == 6


@pytest.mark.postgres
def test_the_frozen_source_trigger_is_on_again_after_the_migration(legacy_rows):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    Source = migrate(AFTER).get_model("sources", "Source")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=legacy_rows["frozen"]).update(citation="書き換え")


def test_backward_restores_the_old_fingerprints(legacy_rows):
    migrate(AFTER)
    Source = migrate(BEFORE).get_model("sources", "Source")
    page = Source.objects.get(pk=legacy_rows["page"])
    assert page.fingerprint == old_fingerprint("website", "", "https://www.jetro.go.jp/a.html")
    nikkei = Source.objects.get(pk=legacy_rows["nikkei"])
    assert nikkei.fingerprint == old_fingerprint("newspaper", "『日本経済新聞』（2025.1.23）")
    assert Source.objects.filter(is_current=True).values("fingerprint").distinct().count() == 5
