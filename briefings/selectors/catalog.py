"""Reads of briefings and sections by their stable identifiers."""
from __future__ import annotations

from briefings.models import Briefing, Section
from core.errors import NotFound


def briefing_get(*, slug: str) -> Briefing:
    briefing = Briefing.objects.filter(slug=slug).first()
    if briefing is None:
        raise NotFound(f"ブリーフィング「{slug}」は存在しません。")
    return briefing


def section_get(*, briefing: Briefing, key: str) -> Section:
    section = Section.objects.filter(briefing=briefing, key=key).first()
    if section is None:
        raise NotFound(f"節「{key}」は存在しません。")
    return section


def section_keys(*, briefing_id: int) -> set[str]:
    """The keys of every section of the briefing (what a ``[[sec:key]]`` may name). One query."""
    return set(Section.objects.filter(briefing_id=briefing_id).values_list("key", flat=True))
