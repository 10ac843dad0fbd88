"""The review page shows why: summary, events, cutoffs, the diff against what is published, and the resubmission."""
from __future__ import annotations

import datetime as dt

import pytest

from briefings.models import RevisionStatus, SectionRevision
from briefings.services import Action, revision_transition, revision_update, revisions_approve
from events.models import Event
from events.services import revision_cover_events
from tests.briefings.desk_fixtures import new_draft, second_editor, small_briefing, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def _review(client, revision):  # type: ignore[no-untyped-def]
    return client.get(f"/admin/briefings/sectionrevision/{revision.pk}/review/").content.decode()


def test_the_review_page_shows_summary_events_cutoffs_and_the_diff_against_the_published_text(
    client, small_briefing, editor, reviewer,
):
    # given a submitted change that covers a March event and moves the cutoff
    draft = new_draft(small_briefing, "war", editor, summary="クルスク州の戦況を反映")
    event = Event.objects.create(key="kursk", title="クルスク州での反攻", occurred_on=dt.date(2025, 3, 5),
                                 date_text="25年3月5日")
    revision_cover_events(revision_id=draft.pk, event_ids=[event.pk], actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    client.force_login(reviewer)
    # when the reviewer opens it
    html = _review(client, draft)
    # then everything the decision needs is on the page
    assert "クルスク州の戦況を反映" in html.split('id="change-summary"')[1].split("</dd>")[0]
    events = html.split('id="covered-events"')[1].split("</ul>")[0]
    assert "クルスク州での反攻" in events and "2025年3月5日" in events
    cutoff = html.split('id="cutoff"')[1].split("</dd>")[0]
    assert "2025年2月9日現在 → <strong>2025年3月10日現在</strong>" in cutoff
    published = SectionRevision.objects.get(section=draft.section, status=RevisionStatus.PUBLISHED)
    assert f"現在公開中の版{published.pk}との比較" in html
    assert "戦況は3月に変化した" in html.split('id="diff"')[1].split("</table>")[0]


def test_the_diff_is_against_the_currently_published_revision_not_the_base(
    client, small_briefing, editor, second_editor, reviewer, django_user_model,
):
    # given two drafts of one section, and the other one published first
    mine = new_draft(small_briefing, "korea", editor, body="日韓関係は改善が続いている。首脳会談が開かれた。")
    theirs = submitted(small_briefing, "korea", second_editor, body="日韓関係は改善が続いている。外相会談も開かれた。")
    revision_transition(revision_id=theirs.pk, action=Action.APPROVE, actor=reviewer)
    client.force_login(reviewer)
    # when the reviewer looks at mine
    html = _review(client, mine)
    # then the diff is against what readers see now (theirs), and the page says the draft must be rebased
    assert f"現在公開中の版{theirs.pk}との比較" in html
    diff = html.split('id="diff"')[1].split("</table>")[0]
    assert '<del class="diff-del">外相</del><ins class="diff-ins">首脳</ins>' in diff
    assert 'id="stale-warning"' in html


def test_a_resubmission_shows_the_diff_against_the_rejected_text_beside_the_comment_which_goes_after_approval(
    client, small_briefing, editor, reviewer,
):
    # given a change rejected with a comment, revised and resubmitted
    revision = submitted(small_briefing, "war", editor)
    revision_transition(revision_id=revision.pk, action=Action.REJECT, actor=reviewer, comment="出典を示してください")
    client.force_login(editor)
    assert "出典を示してください" in _review(client, revision).split('id="review-comment"')[1]
    revision_transition(revision_id=revision.pk, action=Action.REOPEN, actor=editor)
    body = SectionRevision.objects.get(pk=revision.pk).body.replace("変化した。", "変化した。反攻が報じられた。")
    revision_update(revision_id=revision.pk, actor=editor, data={"body": body})
    revision_transition(revision_id=revision.pk, action=Action.SUBMIT, actor=editor)
    # when the reviewer opens the resubmission
    client.force_login(reviewer)
    html = _review(client, revision)
    # then the earlier comment stands beside a diff showing only what changed since the rejection
    earlier = html.split('id="earlier-rejection"')[1].split("</div>")[0]
    assert "出典を示してください" in earlier and "reviewer" in earlier
    since = html.split('id="diff-since-rejection"')[1].split("</table>")[0]
    assert '<ins class="diff-ins">反攻が報じられた。</ins>' in since
    assert '<ins class="diff-ins">戦況' not in since  # what the reviewer saw before is not news
    assert 'id="review-comment"' not in html  # not shown as the current verdict
    # and once approved the old comment is history only
    revisions_approve(revision_ids=[revision.pk], actor=reviewer)
    html = _review(client, revision)
    assert SectionRevision.objects.get(pk=revision.pk).review_comment == ""
    assert 'id="earlier-rejection"' not in html and 'id="review-comment"' not in html
    assert "出典を示してください" in html.split("<h2>履歴</h2>")[1]  # kept in the audit trail


def test_a_rejection_keeps_the_rejected_text_in_the_audit_row(small_briefing, editor, reviewer):
    revision = submitted(small_briefing, "war", editor)
    revision_transition(revision_id=revision.pk, action=Action.REJECT, actor=reviewer, comment="根拠が弱い")
    row = revision.transitions.get(action=Action.REJECT)
    assert row.content["body"] == revision.body and row.content["information_as_of"] == "2025-03-10"
