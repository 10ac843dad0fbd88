from pathlib import Path

import pytest

from events.importing import read_events
from events.services import event_import

EVENTS = Path(__file__).resolve().parents[2] / "demo" / "events_2025-03.yaml"


@pytest.fixture
def demo_events(briefing):  # type: ignore[no-untyped-def]
    slug, rows = read_events(EVENTS.read_text(encoding="utf-8"), fmt="yaml")
    return event_import(briefing_slug=slug, rows=rows)
