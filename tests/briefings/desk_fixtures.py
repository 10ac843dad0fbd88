"""Cheap fixtures for the editor's and reviewer's desk: a two-section briefing published through the services.

Import the fixtures you use into the test module (``from tests.briefings.desk_fixtures import small_briefing``).
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from briefings.models import Briefing, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update, revisions_approve

BODIES = {
    "war": "ロシアの攻勢が続いている。[^w1]\n\n[^w1]: 『日本経済新聞』（2025.1.23）",
    "korea": "日韓関係は改善が続いている。",
}


@pytest.fixture
def second_editor(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("editor2", "editor2@example.org", "pw", is_staff=True,
                                                 first_name="花子", last_name="佐藤")
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def small_briefing(db, django_user_model) -> Briefing:  # type: ignore[no-untyped-def]
    """Two sections, each with one published revision (release 1, cutoff 2025-02-09)."""
    founder = django_user_model.objects.create_user("founder", "founder@example.org", "pw", is_staff=True)
    founder.groups.add(Group.objects.get(name="editors"))
    approver = django_user_model.objects.create_user("approver", "approver@example.org", "pw", is_staff=True)
    approver.groups.add(Group.objects.get(name="reviewers"))
    briefing = Briefing.objects.create(slug="desk", title="机上の概観")
    drafts = []
    for position, (key, body) in enumerate(BODIES.items(), start=1):
        section = Section.objects.create(briefing=briefing, key=key, position=position)
        draft = revision_create_draft(section=section, actor=founder, number=f"{position}．", heading=key,
                                      body=body, information_as_of=dt.date(2025, 2, 9), change_summary="初版")
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=founder)
        drafts.append(draft.pk)
    revisions_approve(revision_ids=drafts, actor=approver, release_note="初版")
    return briefing


def new_draft(briefing: Briefing, key: str, editor, *, body: str | None = None,  # type: ignore[no-untyped-def]
              summary: str = "3月の出来事を反映", cutoff: dt.date = dt.date(2025, 3, 10)) -> SectionRevision:
    """Create a draft of section ``key`` with a changed body, through the services."""
    section = briefing.sections.get(key=key)
    draft = revision_create_draft(section=section, actor=editor)
    new_body = body if body is not None else draft.body.replace("。", "。戦況は3月に変化した。", 1)
    revision_update(revision_id=draft.pk, actor=editor,
                    data={"body": new_body, "change_summary": summary, "information_as_of": cutoff})
    return SectionRevision.objects.get(pk=draft.pk)


def submitted(briefing: Briefing, key: str, editor, **kwargs) -> SectionRevision:  # type: ignore[no-untyped-def]
    draft = new_draft(briefing, key, editor, **kwargs)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return SectionRevision.objects.get(pk=draft.pk)
