"""The workflow table: every (state, action) pair, roles, own-revision rule, stale base."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from briefings.models import RevisionStatus, RevisionTransition, Section, SectionRevision
from briefings.services import (
    Action,
    InvalidTransition,
    StaleBase,
    revision_create_draft,
    revision_publish_due,
    revision_transition,
    revision_update,
)
from briefings import workflow
from briefings.workflow import TRANSITIONS, WorkflowPermissionDenied
from core.errors import Conflict
from releases.models import Release

S = RevisionStatus
# Every action a person takes, read from the table: a new move is covered here by itself.
PERSON_ACTIONS = sorted({move.action for move in workflow.MOVES if move.role != workflow.Role.SYSTEM})
EDITOR_ACTIONS = {move.action for move in workflow.MOVES if move.role == workflow.Role.EDITOR}


def _draft(section, editor):
    draft = revision_create_draft(section=section, actor=editor)
    return revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。追記。", 1)})


def _in_state(state, *, briefing, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    if state == S.PUBLISHED:
        return SectionRevision.objects.get(section=section, status=S.PUBLISHED)
    draft = _draft(section, editor)
    if state == S.DRAFT:
        return draft
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    if state == S.SUBMITTED:
        return SectionRevision.objects.get(pk=draft.pk)
    if state == S.REJECTED:
        return revision_transition(revision_id=draft.pk, action=Action.REJECT, actor=reviewer, comment="出典を追加")
    if state == S.SCHEDULED:
        return revision_transition(revision_id=draft.pk, action=Action.SCHEDULE, actor=reviewer,
                                   publish_at=timezone.now() + dt.timedelta(days=1))
    old = SectionRevision.objects.get(section=section, status=S.PUBLISHED)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    return SectionRevision.objects.get(pk=old.pk)  # superseded


def _publish_other_draft(section, editor, reviewer):
    other = _draft(section, editor)
    revision_transition(revision_id=other.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=other.pk, action=Action.APPROVE, actor=reviewer)
    return SectionRevision.objects.get(pk=other.pk)


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_every_state_and_action_pair_follows_the_table(briefing, editor, reviewer, state, action):
    # given
    revision = _in_state(state, briefing=briefing, editor=editor, reviewer=reviewer)
    assert revision.status == state
    actor = editor if action in EDITOR_ACTIONS else reviewer
    if action == Action.REBASE and state == S.DRAFT:
        _publish_other_draft(revision.section, editor, reviewer)  # so that there is something to rebase onto
    expected = TRANSITIONS.get((state, action))
    kwargs = {"comment": "理由"} if action == Action.REJECT else {}
    if action == Action.SCHEDULE:
        kwargs["publish_at"] = timezone.now() + dt.timedelta(days=2)
    # when / then
    if expected is None:
        with pytest.raises(InvalidTransition) as error:
            revision_transition(revision_id=revision.pk, action=action, actor=actor, **kwargs)
        assert "できません" in error.value.message
        assert SectionRevision.objects.get(pk=revision.pk).status == state
    else:
        result = revision_transition(revision_id=revision.pk, action=action, actor=actor, **kwargs)
        assert result.status == expected
        last = RevisionTransition.objects.filter(revision=revision).last()
        assert (last.from_status, last.to_status, last.actor) == (state, expected, actor)


@pytest.mark.parametrize(("action", "role"), [(Action.SUBMIT, "reviewer"), (Action.APPROVE, "editor"), (Action.REJECT, "editor")])
def test_actions_need_their_role(briefing, editor, reviewer, action, role):
    revision = _in_state(S.DRAFT if action == Action.SUBMIT else S.SUBMITTED, briefing=briefing, editor=editor,
                         reviewer=reviewer)
    actor = reviewer if role == "reviewer" else editor
    with pytest.raises(WorkflowPermissionDenied):
        revision_transition(revision_id=revision.pk, action=action, actor=actor, comment="x")


def test_nobody_approves_their_own_revision_not_even_a_superuser(briefing, django_user_model):
    # given: a superuser who is editor and reviewer writes and submits a draft
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    boss.groups.add(*Group.objects.all())
    draft = _draft(Section.objects.get(briefing=briefing, key="ch4-1"), boss)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=boss)
    # when / then
    with pytest.raises(WorkflowPermissionDenied, match="自分が作成または変更した版"):
        revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=boss)


def test_a_rejection_needs_a_comment(briefing, editor, reviewer):
    revision = _in_state(S.SUBMITTED, briefing=briefing, editor=editor, reviewer=reviewer)
    with pytest.raises(Exception, match="コメントが必要"):
        revision_transition(revision_id=revision.pk, action=Action.REJECT, actor=reviewer, comment=" ")


def test_approving_a_draft_on_a_stale_base_is_refused_and_changes_nothing(briefing, editor, reviewer, django_user_model):
    # given: two drafts based on the same published revision
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    first, second = _draft(section, editor), _draft(section, editor)
    for draft in (first, second):
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=first.pk, action=Action.APPROVE, actor=reviewer)
    # when
    with pytest.raises(StaleBase) as error:
        revision_transition(revision_id=second.pk, action=Action.APPROVE, actor=reviewer)
    # then
    assert f"版{second.base_id}を基にしていますが、節は現在版{first.pk}です" in error.value.message
    assert SectionRevision.objects.get(pk=second.pk).status == S.SUBMITTED
    assert Release.objects.filter(briefing=briefing).count() == 2


def test_approval_publishes_a_new_release_with_the_new_text(briefing, editor, reviewer):
    revision = _in_state(S.SUBMITTED, briefing=briefing, editor=editor, reviewer=reviewer)
    revision_transition(revision_id=revision.pk, action=Action.APPROVE, actor=reviewer)
    release = Release.objects.get(briefing=briefing, number=2)
    assert release.entries.get(section__key="ch4-1").revision_id == revision.pk
    assert release.published_by == reviewer and len(release.footnote_numbers) == 96


def test_notifications_are_sent_after_commit_only(briefing, editor, reviewer, django_capture_on_commit_callbacks):
    draft = _draft(Section.objects.get(briefing=briefing, key="ch4-1"), editor)
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=draft.pk, action=Action.REJECT, actor=reviewer, comment="出典不足")
    assert mail.outbox[-1].to == ["editor@example.org"] and "出典不足" in mail.outbox[-1].body


def test_a_stale_draft_is_rebased_keeping_its_text_and_can_then_be_approved(briefing, editor, reviewer):
    # given a draft, and another draft of the same section published meanwhile
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    mine = revision_update(revision_id=_draft(section, editor).pk, actor=editor,
                           data={"body": _draft(section, editor).body.replace("。", "。編集者の文。", 1)})
    newer = _publish_other_draft(section, editor, reviewer)
    revision_transition(revision_id=mine.pk, action=Action.SUBMIT, actor=editor)
    with pytest.raises(StaleBase):
        revision_transition(revision_id=mine.pk, action=Action.APPROVE, actor=reviewer)
    revision_transition(revision_id=mine.pk, action=Action.REJECT, actor=reviewer, comment="リベースしてください")
    revision_transition(revision_id=mine.pk, action=Action.REOPEN, actor=editor)
    # when
    rebased = revision_transition(revision_id=mine.pk, action=Action.REBASE, actor=editor)
    # then the base moved, the text stayed, and the move is on record
    assert rebased.base_id == newer.pk
    assert "編集者の文。" in rebased.body
    last = RevisionTransition.objects.filter(revision=mine).last()
    assert (last.action, last.from_status, last.to_status) == (Action.REBASE, S.DRAFT, S.DRAFT)
    assert f"{newer.pk}" in last.comment
    # and rebasing again is a no-op
    again = revision_transition(revision_id=mine.pk, action=Action.REBASE, actor=editor)
    assert again.base_id == newer.pk
    assert RevisionTransition.objects.filter(revision=mine, action=Action.REBASE).count() == 1
    revision_transition(revision_id=mine.pk, action=Action.SUBMIT, actor=editor)
    published = revision_transition(revision_id=mine.pk, action=Action.APPROVE, actor=reviewer)
    assert published.status == S.PUBLISHED


def test_a_correction_keeps_the_information_cutoff_and_an_update_moves_it(briefing, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    correction = revision_update(revision_id=_draft(section, editor).pk, actor=editor,
                                 data={"release_kind": "correction", "information_as_of": dt.date(2025, 3, 1)})
    revision_transition(revision_id=correction.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=correction.pk, action=Action.APPROVE, actor=reviewer)
    release = Release.objects.filter(briefing=briefing).order_by("-number").first()
    assert (release.number, release.kind, release.information_as_of) == (2, "correction", dt.date(2025, 2, 9))

    update = revision_update(revision_id=_draft(section, editor).pk, actor=editor,
                             data={"information_as_of": dt.date(2025, 3, 10)})
    revision_transition(revision_id=update.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=update.pk, action=Action.APPROVE, actor=reviewer)
    release = Release.objects.filter(briefing=briefing).order_by("-number").first()
    assert (release.number, release.kind, release.information_as_of) == (3, "update", dt.date(2025, 3, 10))


def test_a_scheduled_revision_blocks_approving_another_of_the_same_section(briefing, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    first, second = _draft(section, editor), _draft(section, editor)
    for revision in (first, second):
        revision_transition(revision_id=revision.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=first.pk, action=Action.APPROVE, actor=reviewer,
                        publish_at=timezone.now() + dt.timedelta(hours=3))
    with pytest.raises(Conflict) as error:
        revision_transition(revision_id=second.pk, action=Action.APPROVE, actor=reviewer)
    assert f"公開予約中の版{first.pk}" in error.value.message
    assert Release.objects.filter(briefing=briefing).count() == 1
    # cancelling the schedule puts the first back in the queue and frees the section
    back = revision_transition(revision_id=first.pk, action=Action.UNSCHEDULE, actor=reviewer, comment="延期")
    assert (back.status, back.publish_at) == (S.SUBMITTED, None)
    assert revision_transition(revision_id=second.pk, action=Action.APPROVE, actor=reviewer).status == S.PUBLISHED


def test_several_sections_are_approved_together_as_one_release(briefing, editor, reviewer):
    from briefings.services import revisions_approve

    drafts = []
    for key in ("ch4-1", "ch7-2"):
        draft = _draft(Section.objects.get(briefing=briefing, key=key), editor)
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        drafts.append(draft.pk)
    published = revisions_approve(revision_ids=drafts, actor=reviewer, comment="3月の更新")
    assert [r.status for r in published] == [S.PUBLISHED, S.PUBLISHED]
    release = Release.objects.filter(briefing=briefing).order_by("-number").first()
    assert release.number == 2 and set(release.entries.values_list("revision_id", flat=True)) >= set(drafts)


def test_a_batch_with_one_bad_revision_publishes_nothing(briefing, editor, reviewer):
    from briefings.services import revisions_approve

    ok = _draft(Section.objects.get(briefing=briefing, key="ch4-1"), editor)
    revision_transition(revision_id=ok.pk, action=Action.SUBMIT, actor=editor)
    still_draft = _draft(Section.objects.get(briefing=briefing, key="ch7-2"), editor)
    with pytest.raises(InvalidTransition):
        revisions_approve(revision_ids=[ok.pk, still_draft.pk], actor=reviewer)
    assert Release.objects.filter(briefing=briefing).count() == 1
    assert SectionRevision.objects.get(pk=ok.pk).status == S.SUBMITTED
    with pytest.raises(WorkflowPermissionDenied):
        revisions_approve(revision_ids=[ok.pk], actor=editor)


def test_new_notes_get_their_citations_from_their_text_and_by_hand(briefing, editor):
    from briefings.services import revision_cite
    from sources.models import Source

    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    body = draft.body.replace("[^p36]。", "[^p36]。新しい文である[^n1]。", 1) + (
        "\n[^n1]: 「停戦案」『日本経済新聞』2025.3.7; 外務省「日ウクライナ首脳電話会談」<https://www.mofa.go.jp/mofaj/erp/c_see/ua/page1_000001.html>\n"
    )
    updated = revision_update(revision_id=draft.pk, actor=editor, data={"body": body})
    cited = list(updated.footnotes.get(key="n1").citations.values_list("source__url_domain", flat=True))
    assert "mofa.go.jp" in cited
    assert updated.footnotes.get(key="p36").citations.count() == 1  # unchanged note keeps its citation
    deck = Source.objects.create(fingerprint="f" * 64, kind="government_document", citation="防衛省資料")
    revision_cite(revision_id=draft.pk, footnote_key="n1", source=deck, locator="3月10日時点", actor=editor)
    assert updated.footnotes.get(key="n1").citations.filter(source=deck, locator="3月10日時点").exists()


def test_an_editor_withdraws_a_scheduled_revision_back_to_a_draft(briefing, editor, reviewer):
    # given a revision approved for tomorrow
    revision = _in_state(S.SCHEDULED, briefing=briefing, editor=editor, reviewer=reviewer)
    assert Action.WITHDRAW in workflow.available_actions(revision, editor)
    assert Action.WITHDRAW not in workflow.available_actions(revision, reviewer)
    # when the editor withdraws it
    withdrawn = revision_transition(revision_id=revision.pk, action=Action.WITHDRAW, actor=editor, comment="情勢が変わった")
    # then it is an editable draft again, its schedule and review cleared, and the move is on record
    assert (withdrawn.status, withdrawn.publish_at, withdrawn.reviewed_by) == (S.DRAFT, None, None)
    assert revision_update(revision_id=revision.pk, actor=editor, data={"change_summary": "書き直し"})
    last = RevisionTransition.objects.filter(revision=revision).last()
    assert (last.action, last.from_status, last.to_status, last.comment) == (
        Action.WITHDRAW, S.SCHEDULED, S.DRAFT, "情勢が変わった"
    )
    assert revision_publish_due(now=timezone.now() + dt.timedelta(days=3)) == []  # nothing is published later


def test_whoever_changed_a_draft_may_not_review_it(briefing, editor, reviewer, django_user_model):
    # given a reviewer who is also an editor and edits a colleague's draft
    both = django_user_model.objects.create_user("both", "both@example.org", "pw", is_staff=True)
    both.groups.add(Group.objects.get(name="editors"), Group.objects.get(name="reviewers"))
    draft = _draft(Section.objects.get(briefing=briefing, key="ch4-1"), editor)
    revision_update(revision_id=draft.pk, actor=both, data={"change_summary": "直した"})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision = SectionRevision.objects.get(pk=draft.pk)
    # then they are recorded, offered no reviewing action, and refused each one
    assert set(revision.contributors.values_list("username", flat=True)) == {"editor", "both"}
    assert workflow.available_actions(revision, both) == []
    assert workflow.blocked_by_four_eyes(revision, both)
    for action, kwargs in ((Action.APPROVE, {}), (Action.REJECT, {"comment": "x"}),
                           (Action.SCHEDULE, {"publish_at": timezone.now() + dt.timedelta(days=1)})):
        with pytest.raises(WorkflowPermissionDenied, match="自分が作成または変更した版"):
            revision_transition(revision_id=draft.pk, action=action, actor=both, **kwargs)
    # while an uninvolved reviewer may
    assert set(workflow.available_actions(revision, reviewer)) == {Action.APPROVE, Action.SCHEDULE, Action.REJECT}
