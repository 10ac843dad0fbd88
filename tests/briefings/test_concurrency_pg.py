"""Two reviewers approve two drafts of the same section at the same moment (PostgreSQL).

Real concurrent transactions on separate connections: the row locks taken by
the workflow (``select_for_update`` on the revision and its section, then on
the briefing) serialise the two approvals, so exactly one wins and
the other gets the stale-base refusal. A pause inserted after the base check
widens the window: without the lock both would pass the check.
"""
from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from briefings.models import RevisionStatus, RevisionTransition, Section, SectionRevision
from briefings.services import Action, StaleBase, revision_create_draft, revision_transition, revision_update
from briefings.services import transitions
from releases.models import Release

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _submitted_draft(section, editor, text):
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", f"。{text}。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return draft.pk


def test_concurrent_approvals_of_one_section_publish_exactly_one(briefing, editor, reviewer, django_user_model, monkeypatch):
    # given two drafts of 4(1), both based on the published revision, and two reviewers
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    second_reviewer = django_user_model.objects.create_user("reviewer2", "r2@example.org", "pw", is_staff=True)
    second_reviewer.groups.add(Group.objects.get(name="reviewers"))
    first = _submitted_draft(section, editor, "案A")
    second = _submitted_draft(section, editor, "案B")
    old = SectionRevision.objects.get(section=section, status=RevisionStatus.PUBLISHED)

    checked = transitions._check_publishable

    def slow_check(revision):
        checked(revision)
        time.sleep(0.5)  # hold the window open: the other approval is running now

    monkeypatch.setattr(transitions, "_check_publishable", slow_check)
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def approve(revision_id, actor):
        try:
            barrier.wait(timeout=10)
            outcomes[revision_id] = revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=actor).status
        except StaleBase as exc:
            outcomes[revision_id] = exc
        finally:
            from django.db import connections

            connections.close_all()

    # when both approve at once, each in its own thread, connection and transaction
    threads = [
        threading.Thread(target=approve, args=(first, reviewer)),
        threading.Thread(target=approve, args=(second, second_reviewer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one is published and the other was refused with the stale-base message
    winners = [rid for rid, outcome in outcomes.items() if outcome == RevisionStatus.PUBLISHED]
    losers = [rid for rid, outcome in outcomes.items() if isinstance(outcome, StaleBase)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    message = outcomes[losers[0]].message
    assert f"版{old.pk}を基にしています" in message and f"節は現在版{winners[0]}です" in message
    # and nothing changed for the loser: still submitted, no release, no audit row for approve
    assert SectionRevision.objects.get(pk=losers[0]).status == RevisionStatus.SUBMITTED
    assert not RevisionTransition.objects.filter(revision_id=losers[0], action=Action.APPROVE).exists()
    assert Release.objects.filter(briefing=briefing).count() == 2
    assert SectionRevision.objects.filter(section=section, status=RevisionStatus.PUBLISHED).get().pk == winners[0]
    assert SectionRevision.objects.get(pk=old.pk).status == RevisionStatus.SUPERSEDED


SIX = ("ch1", "ch2-1", "ch3-1", "ch4-1", "ch5", "ch7-2")


def test_concurrent_approvals_of_different_sections_never_deadlock(briefing, editor, django_user_model):
    """20 trials of 6 reviewers approving 6 different sections of one briefing at the same moment."""
    reviewers = []
    for index in range(6):
        user = django_user_model.objects.create_user(f"r{index}", f"r{index}@example.org", "pw", is_staff=True)
        user.groups.add(Group.objects.get(name="reviewers"))
        reviewers.append(user)
    for trial in range(20):
        # given six submitted drafts, one per section
        drafts = [
            _submitted_draft(Section.objects.get(briefing=briefing, key=key), editor, f"試行{trial}節{key}")
            for key in SIX
        ]
        barrier = threading.Barrier(len(drafts))
        errors: list[BaseException] = []

        def approve(revision_id, actor):  # type: ignore[no-untyped-def]
            try:
                barrier.wait(timeout=10)
                revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=actor)
            except BaseException as exc:  # noqa: BLE001 - every failure is collected and reported
                errors.append(exc)
            finally:
                from django.db import connections

                connections.close_all()

        # when they are approved at once, each in its own thread, connection and transaction
        threads = [threading.Thread(target=approve, args=pair) for pair in zip(drafts, reviewers, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        # then no error, every approval is in exactly one release, and the numbers have no gap
        assert errors == [], f"trial {trial}: {errors!r}"
        assert all(SectionRevision.objects.get(pk=pk).status == RevisionStatus.PUBLISHED for pk in drafts)
    numbers = list(Release.objects.filter(briefing=briefing).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 1 + 1 + 20 * 6))
    from releases.models import ReleaseSection

    brought = ReleaseSection.objects.filter(release__briefing=briefing, changed=True, release__number__gt=1)
    assert brought.count() == 20 * 6 and brought.values("revision").distinct().count() == 20 * 6
    # and the spans of sentences that every publication extended agree with the anchor index: no update lost
    from releases.models import ClaimSpan
    from releases.selectors.claims import indexed_spans

    stored = ClaimSpan.objects.filter(briefing=briefing).values_list("anchor", "first", "last", "count")
    assert {anchor: span for anchor, *span in stored} == {
        anchor: list(span) for anchor, span in indexed_spans(briefing_id=briefing.pk).items()
    }
