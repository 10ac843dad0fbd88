"""``/api/auth/token/``: clients get and revoke their own token; locked-out users get none; 401 vs 403."""
from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

URL = "/api/auth/token/"
NEW_SOURCE = {"kind": "website", "title": "停戦案", "publisher": "外務省", "url": "https://www.example.org/a"}


def _get_token(client: Client, username: str, password: str, address: str = "203.0.113.7", **headers: str):  # type: ignore[no-untyped-def]
    return client.post(URL, json.dumps({"username": username, "password": password}),
                       content_type="application/json", REMOTE_ADDR=address, **headers)


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_user_gets_a_token_with_their_password_and_it_authenticates_writes(client, editor):
    # when
    response = _get_token(client, "editor", "pw")
    # then
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]  # a credential: never kept by a cache
    key = response.json()["token"]
    assert Token.objects.get(user=editor).key == key
    created = client.post("/api/sources/", NEW_SOURCE, content_type="application/json", **_auth(key))
    assert created.status_code == 201
    # asking again gives the same token (several scripts may share it) and records the login
    assert _get_token(client, "editor", "pw").json() == {"token": key}
    editor.refresh_from_db()
    assert editor.last_login is not None


@pytest.mark.parametrize(("username", "password"), [("editor", "wrong"), ("nobody", "pw"), ("inactive", "pw")])
def test_wrong_credentials_are_400_without_saying_which_part_was_wrong(client, editor, django_user_model, username, password):
    # given
    django_user_model.objects.create_user("inactive", "i@example.org", "pw", is_active=False)
    # when
    response = _get_token(client, username, password)
    # then
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [{"field": "non_field_errors", "message": "ユーザー名またはパスワードが正しくありません。",
                               "code": "invalid_credentials"}]
    assert "token" not in body and not Token.objects.exists()


def test_missing_fields_are_named(client):
    response = client.post(URL, json.dumps({"username": "editor"}), content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["password"]


def test_a_stale_token_sent_along_does_not_prevent_getting_a_new_one(client, editor):
    response = _get_token(client, "editor", "pw", HTTP_AUTHORIZATION="Token revoked0000000000000000000000000000000")
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_delete_revokes_the_callers_token_only(client, editor, reviewer):
    # given
    mine = _get_token(client, "editor", "pw").json()["token"]
    theirs = _get_token(client, "reviewer", "pw").json()["token"]
    # when
    revoked = client.delete(URL, **_auth(mine))
    # then
    assert revoked.status_code == 204
    refused = client.post("/api/sources/", NEW_SOURCE, content_type="application/json", **_auth(mine))
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json()["code"] == "authentication_failed"
    assert Token.objects.filter(key=theirs).exists()
    # a new token is a different key
    assert _get_token(client, "editor", "pw").json()["token"] != mine


def test_delete_without_credentials_is_401(client):
    response = client.delete(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_other_methods_are_405_even_anonymous(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405 and response["Allow"] == "POST, DELETE, OPTIONS"


def test_a_session_user_can_revoke_their_token_too(editor):
    # given
    Token.objects.create(user=editor)
    session = Client(enforce_csrf_checks=True)
    session.force_login(editor)
    # when: without the CSRF token, a session cannot be used to write
    assert session.delete(URL).status_code == 403
    session.get("/admin/")
    csrf = session.cookies[settings.CSRF_COOKIE_NAME].value
    # then
    assert session.delete(URL, HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert not Token.objects.filter(user=editor).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_locked_out_user_gets_no_token_even_with_the_right_password(client, editor):
    # given
    statuses = [_get_token(client, "editor", "wrong").status_code for _ in range(3)]
    # when
    blocked = _get_token(client, "editor", "pw")
    # then
    assert statuses == [400, 400, 429]  # the attempt reaching the limit is already refused
    assert blocked.status_code == 429 and blocked["Retry-After"] == "900"
    assert blocked["Content-Type"] == "application/problem+json"
    assert blocked.json()["code"] == "locked_out" and "token" not in blocked.json()
    assert not Token.objects.exists()
    # the lockout is of this user name from this address, shared with the admin login
    assert client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "pw"},
                       REMOTE_ADDR="203.0.113.7").status_code == 429
    assert _get_token(Client(), "editor", "pw", address="198.51.100.1").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_token_login_resets_the_failure_count(client, editor):
    for _ in range(2):
        _get_token(client, "editor", "wrong")
    assert _get_token(client, "editor", "pw").status_code == 200
    assert not AccessAttempt.objects.filter(username="editor", failures_since_start__gt=0).exists()


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
    **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth_token": "2/min"}})
def test_the_token_endpoint_is_throttled_per_address(client, editor):
    # when
    statuses = [_get_token(client, f"user{index}", "pw").status_code for index in range(3)]
    # then
    assert statuses == [400, 400, 429]
    limited = _get_token(client, "editor", "pw")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1 and limited.json()["code"] == "throttled"
    assert _get_token(client, "editor", "pw", address="203.0.113.8").status_code == 200


def test_anonymous_writes_are_401_and_forbidden_writes_403(client, django_user_model):
    # given: a user without the editors role
    reader = django_user_model.objects.create_user("reader", "r@example.org", "pw")
    key = _get_token(client, "reader", "pw").json()["token"]
    # when
    anonymous = client.post("/api/sources/", NEW_SOURCE, content_type="application/json")
    forbidden = client.post("/api/sources/", NEW_SOURCE, content_type="application/json", **_auth(key))
    # then
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json()["code"] == "not_authenticated"
    assert forbidden.status_code == 403 and "WWW-Authenticate" not in forbidden
    assert forbidden.json()["code"] == "permission_denied"
    assert reader.auth_token.key == key


def test_an_administrator_revokes_anyones_token_in_the_admin(client, editor, django_user_model):
    # given
    Token.objects.create(user=editor)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    # when
    response = client.post(f"/admin/authtoken/tokenproxy/{editor.pk}/delete/", {"post": "yes"})
    # then
    assert response.status_code == 302 and not Token.objects.filter(user=editor).exists()


def test_an_editor_cannot_see_other_tokens_in_the_admin(client, editor, reviewer):
    Token.objects.create(user=reviewer)
    client.force_login(editor)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
    assert client.post(f"/admin/authtoken/tokenproxy/{reviewer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Token.objects.filter(user=reviewer).exists()
