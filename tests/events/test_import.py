"""Importing events: YAML and CSV, idempotent, every bad row reported, nothing half-written."""
import pytest
from django.core.management import CommandError, call_command

from events.importing import EventFileError, read_events
from events.models import Event, EventLink, EventSource, Tag
from events.services import EventInputError, event_import
from tests.events.conftest import EVENTS


def test_the_curated_deck_events_import_with_dates_tags_sources_and_sections(briefing, demo_events):
    assert len(demo_events.created) == 11
    strike = Event.objects.get(key="2025-03-01-iskander-strike-dnipropetrovsk")
    assert (strike.date_display, strike.precision, strike.date_text) == ("2025年3月1日", "day", "2025年3月1日")
    assert list(strike.links.values_list("section__key", flat=True)) == ["ch4-1"]
    source = strike.event_sources.get()
    assert source.source.publisher == "防衛省" and "3月4日" in source.locator
    statement = Event.objects.get(key="2025-02-japan-us-joint-statement-taiwan")
    assert (statement.date_display, statement.precision) == ("2025年2月", "month")
    flight = Event.objects.get(key="2024-11-29-china-russia-joint-bomber-flight")
    assert flight.date_display == "2024年11月29日～30日"
    assert Tag.objects.get(name="北朝鮮").kind == "country"
    assert Tag.objects.get(name="戦況").kind == "theme"


def test_importing_the_same_file_twice_changes_nothing(briefing, demo_events):
    counts = (Event.objects.count(), EventLink.objects.count(), EventSource.objects.count(), Tag.objects.count())
    slug, rows = read_events(EVENTS.read_text(encoding="utf-8"), fmt="yaml")
    again = event_import(briefing_slug=slug, rows=rows)
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 11)
    assert counts == (Event.objects.count(), EventLink.objects.count(), EventSource.objects.count(), Tag.objects.count())


def test_a_changed_row_is_updated_in_place(briefing, demo_events):
    text = EVENTS.read_text(encoding="utf-8").replace("87万人以上と推計", "87万人超と推計")
    slug, rows = read_events(text, fmt="yaml")
    result = event_import(briefing_slug=slug, rows=rows)
    assert result.updated == ["2025-03-05-uk-mod-russian-casualties"]
    assert Event.objects.get(key="2025-03-05-uk-mod-russian-casualties").title.endswith("87万人超と推計")


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_imported(briefing, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "briefing: world-2025\nevents:\n"
        "  - {key: good-one, date: 2025年3月1日, title: よい行}\n"
        "  - {key: Bad Key, date: 2025年3月1日, title: キーが不正}\n"
        "  - {key: no-date, date: 3月10日時点, title: 年がない}\n"
        "  - {key: good-one, date: 2025年3月2日, title: 重複}\n"
        "  - {key: js-url, date: 2025.3.1, title: URL, sources: [{citation: x, url: 'javascript:alert(1)'}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_events", str(bad))
    message = str(error.value)
    assert "2件目（Bad Key）" in message and "3件目（no-date）" in message and "「3月10日時点」" in message
    assert "4件目: キー「good-one」が1件目と重複" in message and "javascript:alert(1)" in message
    assert Event.objects.count() == 0


def test_unknown_sections_are_refused_before_anything_is_written(briefing):
    _slug, rows = read_events("- {key: ok-key, date: 2025年3月1日, title: t, sections: [ch4-1, ch99]}\n", fmt="yaml")
    with pytest.raises(EventInputError) as error:
        event_import(briefing_slug="world-2025", rows=rows)
    assert "1件目（ok-key）: 節「ch99」" in error.value.message
    assert Event.objects.count() == 0


def test_csv_import_and_its_errors(briefing, tmp_path):
    good = tmp_path / "events.csv"
    good.write_text(
        "key,date,title,description,tags,sections,source,source_url,source_locator\n"
        "csv-event,24年10月～12月,太平洋艦隊の東南アジア歴訪,説明,ロシア|極東,ch4-3,防衛省資料,,資料源：防衛白書\n",
        encoding="utf-8",
    )
    call_command("import_events", str(good), briefing="world-2025")
    event = Event.objects.get(key="csv-event")
    assert (event.date_display, event.precision) == ("2024年10月～12月", "month")
    assert event.latest_on.isoformat() == "2024-12-31"
    missing = tmp_path / "missing.csv"
    missing.write_text("key,title\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="見出し行に列がありません: date"):
        call_command("import_events", str(missing), briefing="world-2025")


def test_malformed_yaml_names_the_line():
    with pytest.raises(EventFileError) as error:
        read_events("events:\n  - key: a\n   bad: [\n", fmt="yaml")
    assert "行目" in str(error.value)


def test_values_too_long_for_the_database_are_row_errors(briefing):
    long_tag = "長" * 51
    text = (
        f"- {{key: long-tag, date: 2025年3月1日, title: t, tags: ['{long_tag}']}}\n"
        f"- {{key: long-locator, date: 2025年3月1日, title: t, sources: [{{citation: c, locator: '{'x' * 201}'}}]}}\n"
    )
    with pytest.raises(EventFileError) as error:
        read_events(text, fmt="yaml")
    message = str(error.value)
    assert "1件目（long-tag）: タグ" in message and "50文字まで" in message
    assert "2件目（long-locator）: 出典のlocatorが長すぎます" in message
