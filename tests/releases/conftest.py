"""Fixtures of the reader side: the demo's two releases, and one change published through the workflow."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests.events.conftest import EVENTS


@pytest.fixture
def demo_releases(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    """Release 1 (the paper) and release 2 (the March 2025 update, with its release note)."""
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    return briefing


@pytest.fixture
def publish_change(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    """Publish one edit of a section through the workflow and return the new release."""
    from briefings.services import Action, revision_create_draft, revision_transition, revision_update
    from releases.models import Release

    def publish(*, key: str = "ch4-1", old: str = "。", new: str = "。新しい文。", kind: str = "update",
                summary: str = "一文を追加", note: str | None = None, cutoff: dt.date | None = None) -> Release:
        section = briefing.sections.get(key=key)
        draft = revision_create_draft(section=section, actor=editor)
        data = {"body": draft.body.replace(old, new, 1), "change_summary": summary, "release_kind": kind}
        if cutoff is not None:
            data["information_as_of"] = cutoff
        revision_update(revision_id=draft.pk, actor=editor, data=data)
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer, release_note=note)
        return Release.objects.filter(briefing=briefing).order_by("-number").first()

    return publish
