"""The March 2025 update of the demo, done through the product: releases 1 and 2 as of their dates."""
import re

import pytest
from django.core.management import call_command

from briefings.models import RevisionTransition
from events.models import EventDismissal
from events.selectors import stale_sections
from tests.events.conftest import EVENTS
from releases.models import Release

NEW_SENTENCE = "英国防省は３月５日、侵略開始以来のロシア軍の死傷者を87万人以上と推計した"


@pytest.fixture
def march_update(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    return Release.objects.get(briefing=briefing, number=2)


def test_release_2_is_dated_2025_03_10_with_the_new_cutoff(march_update, reviewer):
    release = march_update
    assert release.published_at.isoformat() == "2025-03-10T08:00:00+00:00"  # 17:00 in Tokyo
    assert release.information_as_of.isoformat() == "2025-03-10" and release.kind == "update"
    assert release.published_by == reviewer
    changed = {entry.section.key for entry in release.entries.all() if entry.revision.published_at == release.published_at}
    assert changed == {"ch4-1", "ch7-2", "ch3-2"}
    assert RevisionTransition.objects.filter(action="approve", actor=reviewer).count() == 3


def test_as_of_the_cutoff_the_paper_is_untouched_and_as_of_march_10_the_update_shows(client, march_update):
    before = client.get("/briefings/world-2025/as-of/2025-02-09/").content.decode()
    after = client.get("/briefings/world-2025/as-of/2025-03-10/").content.decode()
    assert "初版" in before and NEW_SENTENCE not in before
    assert len(re.findall(r'<li id="fn-\d+"', before)) == 96
    assert "第2版" in after and NEW_SENTENCE in after and "2025年3月10日現在" in after
    assert len(re.findall(r'<li id="fn-\d+"', after)) == 102
    assert "3,070機" in after and "約1,500人が第２陣" in after
    # the day before the update still shows release 1
    assert "初版" in client.get("/briefings/world-2025/as-of/2025-03-09/").content.decode()


def test_after_the_update_only_the_unaddressed_section_stays_stale(briefing, march_update):
    assert [entry.section.key for entry in stale_sections(briefing=briefing)] == ["ch4-3"]
    assert EventDismissal.objects.get().section.key == "ch2-2"


def test_running_the_demo_update_again_does_nothing(march_update, briefing):
    call_command("demo_march_update")
    assert Release.objects.filter(briefing=briefing).count() == 2
