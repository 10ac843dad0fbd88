"""Editors never invent an event key: the admin and the API make one from the date; keys never change."""
from rest_framework.authtoken.models import Token

from events.models import Event

ADD = "/admin/events/event/add/"


def _form(**fields):  # type: ignore[no-untyped-def]
    management = {f"{prefix}-{name}": value for prefix in ("event_sources", "links")
                  for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}
    return {"title": "英国防省、死傷者数を推計", "description": "", "date_text": "25年3月5日", **management, **fields}


def test_an_event_added_in_the_admin_gets_a_key_from_its_date(client, small_briefing, editor):
    # given
    client.force_login(editor)
    assert 'name="key"' not in client.get(ADD).content.decode()  # nothing to invent
    # when two events of the same day are added
    first = client.post(ADD, _form())
    second = client.post(ADD, _form(title="同じ日の別の出来事"))
    # then
    assert first.status_code == 302 and second.status_code == 302
    assert sorted(Event.objects.values_list("key", flat=True)) == ["2025-03-05-1", "2025-03-05-2"]


def test_a_key_is_kept_when_the_event_is_edited(client, small_briefing, editor):
    client.force_login(editor)
    client.post(ADD, _form())
    event = Event.objects.get()
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "2025-03-05-1" in page and 'name="key"' not in page  # shown, read-only
    client.post(f"/admin/events/event/{event.pk}/change/", _form(date_text="25年3月9日", key="hacked"))
    event.refresh_from_db()
    assert event.key == "2025-03-05-1" and event.occurred_on.isoformat() == "2025-03-09"


def test_the_api_makes_a_key_when_none_is_given(client, small_briefing, editor):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    payload = {"briefing": "desk-2025", "date": "令7.3.7", "title": "APIで記録", "sections": ["ch4-1"]}
    created = client.post("/api/events/", payload, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["key"] == "2025-03-07-1"
    bad = client.post("/api/events/", {**payload, "date": "そのうち"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and "そのうち" in bad.json()["detail"]


def test_a_generated_key_skips_keys_already_taken(client, small_briefing, editor):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    payload = {"briefing": "desk-2025", "date": "2025年3月7日", "title": "手で付けた"}
    client.post("/api/events/", {**payload, "key": "2025-03-07-1"}, content_type="application/json", **auth)
    made = client.post("/api/events/", {**payload, "title": "自動"}, content_type="application/json", **auth)
    assert made.json()["key"] == "2025-03-07-2"


def test_the_event_link_select_names_sections_by_label(client, small_briefing, editor):
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    assert "４．（１）ロシア・ウクライナ戦争（小さなブリーフィング）" in page
