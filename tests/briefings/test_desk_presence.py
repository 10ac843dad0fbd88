"""Two editors on one draft: each sees that the other has it open; the stale save is the versioning's job."""
from __future__ import annotations

import pytest
from django.test import Client

from briefings.services import Action, revision_transition
from tests.briefings.desk_fixtures import new_draft, second_editor, small_briefing  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_editor_sees_who_else_has_the_draft_open_and_the_ping_keeps_it(small_briefing, editor, second_editor):
    draft = new_draft(small_briefing, "war", editor)
    url = f"/admin/briefings/sectionrevision/{draft.pk}/change/"
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    # when the first editor opens the draft alone, nobody else is named, but the ping script is there
    alone = first.get(url).content.decode()
    assert 'id="presence"' in alone and "さんもこの下書きを開いています" not in alone
    assert "js/presence.js" in alone and "<script>" not in alone.split('id="presence"')[1].split("</p>")[0]
    # and the second opens it, they see the first
    assert "editorさんもこの下書きを開いています" in second.get(url).content.decode()
    # and the first one's ping names the second by name
    ping = first.post(f"/admin/briefings/sectionrevision/{draft.pk}/presence/")
    assert ping.status_code == 200 and ping.json()["others"] == ["佐藤 花子"]
    assert ping.json()["message"].startswith("佐藤 花子さんもこの下書きを開いています")


def test_the_ping_is_post_only_for_editors_and_drafts(client, small_briefing, editor, reviewer):
    draft = new_draft(small_briefing, "war", editor)
    ping = f"/admin/briefings/sectionrevision/{draft.pk}/presence/"
    client.force_login(editor)
    assert client.get(ping).status_code == 405
    client.force_login(reviewer)
    assert client.post(ping).status_code == 403
    client.force_login(editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    assert client.post(ping).status_code == 403  # not a draft any more: nothing to edit together
    client.logout()
    assert client.post(ping).status_code == 302  # to the login page
