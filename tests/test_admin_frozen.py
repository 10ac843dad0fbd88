"""Every admin class, walked as a superuser: no frozen object can be changed or deleted.

A model registered in the admin must be listed here, either with how to get
one frozen object of it, or as live information with the reason. A new model
that is neither fails the first test, so nobody can add an admin that edits
published history by accident.
"""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory

from briefings.models import (
    Citation,
    Claim,
    Footnote,
    ReviewQueueEntry,
    RevisionStatus,
    RevisionTransition,
    Section,
    SectionRevision,
)
from briefings.services import Action, revision_create_draft, revision_transition
from events.models import Event, RevisionEvent
from releases.models import Release
from sources.models import Source

pytestmark = pytest.mark.django_db


def _published() -> SectionRevision:
    return SectionRevision.objects.filter(status=RevisionStatus.PUBLISHED, section__key="ch4-1").get()


def _submitted(briefing: Any, editor: Any) -> SectionRevision:
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch1"), actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return ReviewQueueEntry.objects.get(pk=draft.pk)


def _covered_event(briefing: Any, editor: Any) -> RevisionEvent:
    event = Event.objects.create(key="e1", title="出来事", occurred_on="2025-02-01", date_text="2025年2月1日")
    revision = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch2"), actor=editor)
    link = RevisionEvent.objects.create(revision=revision, event=event)
    revision_transition(revision_id=revision.pk, action=Action.SUBMIT, actor=editor)
    return RevisionEvent.objects.get(pk=link.pk)


FROZEN = {
    "briefings.Briefing": lambda briefing, editor: briefing,
    "briefings.Section": lambda briefing, editor: Section.objects.get(briefing=briefing, key="ch4-1"),
    "briefings.SectionRevision": lambda briefing, editor: _published(),
    "briefings.ReviewQueueEntry": _submitted,
    "briefings.Footnote": lambda briefing, editor: Footnote.objects.filter(revision=_published()).first(),
    "briefings.Citation": lambda briefing, editor: Citation.objects.filter(footnote__revision=_published()).first(),
    "briefings.Claim": lambda briefing, editor: Claim.objects.filter(revision=_published()).first(),
    "briefings.RevisionTransition": lambda briefing, editor: RevisionTransition.objects.first(),
    "releases.Release": lambda briefing, editor: Release.objects.get(briefing=briefing, number=1),
    "sources.Source": lambda briefing, editor: Citation.objects.filter(footnote__revision=_published()).first().source,
    "events.RevisionEvent": _covered_event,
}
LIVE = {
    "auth.Group": "accounts and roles, not published content",
    "axes.AccessAttempt": "login failures counted by django-axes (staff unlock a user here)",
    "axes.AccessLog": "login audit of django-axes",
    "axes.AccessFailureLog": "login failure audit of django-axes",
    "auth.User": "accounts, not published content",
    "authtoken.TokenProxy": "API credentials",
    "django_celery_beat.PeriodicTask": "scheduler configuration",
    "django_celery_beat.ClockedSchedule": "scheduler configuration",
    "django_celery_beat.CrontabSchedule": "scheduler configuration",
    "django_celery_beat.SolarSchedule": "scheduler configuration",
    "django_celery_beat.IntervalSchedule": "scheduler configuration",
    "events.Tag": "the live timeline of events, outside releases",
    "events.Event": "the live timeline of events, outside releases",
    "events.EventDismissal": "an editorial decision about staleness (read-only in the admin)",
    "events.StaleSection": "a dashboard (no rows)",
    "sources.LinkHealth": "live information about the world, shown beside frozen text (read-only)",
    "subscriptions.Subscription": "readers' email subscriptions, not published content (read-only; deletable)",
    "subscriptions.WebhookEndpoint": "administrators' webhook configuration",
    "subscriptions.WebhookDelivery": "the webhook delivery log (read-only)",
}


def test_every_registered_model_is_classified_frozen_or_live():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered - set(FROZEN) - set(LIVE) == set(), "classify the new admin in FROZEN or LIVE"
    assert set(FROZEN) | set(LIVE) >= registered


def _state(obj: Any) -> dict[str, Any]:
    return model_to_dict(type(obj)._base_manager.get(pk=obj.pk))


def _form_data(obj: Any) -> dict[str, Any]:
    """The object's own values with every text field changed, as a hostile form post would send."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if isinstance(value, str):
            data[name] = value + "（改ざん）"
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


@pytest.mark.parametrize("label", sorted(FROZEN))
def test_a_superuser_cannot_change_or_delete_a_frozen_object(client, briefing, editor, django_user_model, label):
    # given one frozen object of the model and a superuser in the admin
    obj = FROZEN[label](briefing, editor)
    before = _state(obj)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    info = (obj._meta.app_label, obj._meta.model_name)
    # when they post a change and a deletion
    client.post(f"/admin/{info[0]}/{info[1]}/{obj.pk}/change/", _form_data(obj))
    client.post(f"/admin/{info[0]}/{info[1]}/{obj.pk}/delete/", {"post": "yes"})
    # then the object is still there, unchanged
    assert _state(obj) == before
    # and the admin offers neither a change form nor deletion for it, nor a bulk delete
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/admin/")
    request.user = root
    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)
    if label != "sources.Source":  # a source is corrected by saving a new version (see test_frozen)
        assert not model_admin.has_change_permission(request, obj)


def test_correcting_a_frozen_source_in_the_admin_saves_a_new_version(client, briefing, django_user_model):
    # given a source release 1 cites
    source = FROZEN["sources.Source"](briefing, None)
    before = _state(source)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    # when its title is corrected in the admin form
    form = client.get(f"/admin/sources/source/{source.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"title": "直した標題", "_save": "1"})
    for key in ("link_checks-TOTAL_FORMS", "link_checks-INITIAL_FORMS"):
        data[key] = "0"
    response = client.post(f"/admin/sources/source/{source.pk}/change/", data, follow=True)
    # then the cited source is unchanged and the correction is a new, not yet public, version
    assert _state(source) == {**before, "is_current": False} or _state(source) == before
    new = Source.objects.get(previous_version=source)
    assert new.title == "直した標題" and new.published_at is None
    assert "新しい版" in response.content.decode()
