"""A small briefing (three sections, one note) imported as release 1: cheap, and enough for the desk."""
from __future__ import annotations

import pytest

from briefings.models import Briefing
from briefings.services.importing import BUNDLE_FORMAT, briefing_import_bundle


def small_bundle(slug: str = "desk-2025") -> dict:  # type: ignore[type-arg]
    section = {"information_as_of": "2025-02-09", "change_summary": ""}
    return {
        "format": BUNDLE_FORMAT,
        "briefing": {"slug": slug, "title": "小さなブリーフィング"},
        "release": {"published_at": "2025-02-10T09:00:00+09:00", "information_as_of": "2025-02-09"},
        "sections": [
            {**section, "key": "lead", "number": "", "heading": "", "body": "本稿は国際情勢を概観する。"},
            {**section, "key": "ch4", "number": "４．", "heading": "ウクライナ情勢と日露関係",
             "body": "侵略は４年目に入った[^n1]。\n\n[^n1]: 『日本経済新聞』（2025.2.1）"},
            {**section, "key": "ch4-1", "parent": "ch4", "number": "（１）", "heading": "ロシア・ウクライナ戦争",
             "body": "戦況は膠着している。\n\n東部では攻防が続く。"},
        ],
        "sources": [],
        "citations": [],
    }


@pytest.fixture
def small_briefing(db: None) -> Briefing:
    return briefing_import_bundle(bundle=small_bundle()).briefing
