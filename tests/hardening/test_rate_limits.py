"""API rate limits: anonymous reads per address, writes per user, the token endpoint's own scope; 429 + Retry-After."""
from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


def _rates(**rates: str):  # type: ignore[no-untyped-def]
    return override_settings(REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon_read": "1000/min", "user_write": "1000/min", "auth_token": "1000/min", **rates},
    })


@_rates(anon_read="3/min")
def test_anonymous_reads_beyond_the_rate_are_429_with_retry_after(client, briefing):
    # given
    for _ in range(3):
        assert client.get("/api/briefings/", REMOTE_ADDR="203.0.113.5").status_code == 200
    # when
    refused = client.get("/api/briefings/", REMOTE_ADDR="203.0.113.5")
    # then
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled" and refused.json()["status"] == 429
    # a spoofed X-Forwarded-For does not make a new client; another address does
    assert client.get("/api/briefings/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429
    assert client.get("/api/briefings/", REMOTE_ADDR="203.0.113.6").status_code == 200


@_rates(anon_read="3/min")
@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(client, briefing):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        client.get("/api/briefings/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert client.get("/api/briefings/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    # the proxy appends the real address: what the client itself wrote before it is not trusted
    assert client.get("/api/briefings/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy).status_code == 429
    assert client.get("/api/briefings/", HTTP_X_FORWARDED_FOR="203.0.113.77", **proxy).status_code == 200


@_rates(anon_read="2/min", user_write="2/min")
def test_authenticated_writes_are_limited_per_user_and_reads_are_not(client, briefing, editor):
    # given
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    draft = client.post("/api/sections/ch4-1/revisions/", {}, content_type="application/json", **auth)
    assert draft.status_code == 201
    url = f"/api/revisions/{draft.json()['id']}/"
    # when
    second = client.patch(url, json.dumps({"change_summary": "1"}), content_type="application/json", **auth)
    third = client.patch(url, json.dumps({"change_summary": "2"}), content_type="application/json", **auth)
    # then
    assert second.status_code == 200
    assert third.status_code == 429 and int(third["Retry-After"]) >= 1
    assert all(client.get("/api/revisions/", **auth).status_code == 200 for _ in range(5))


class _TokenView(APIView):
    throttle_scope = "auth_token"
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def post(self, request):  # type: ignore[no-untyped-def]
        return Response({"token": "x"})


@pytest.mark.django_db
@_rates(auth_token="2/min")
def test_the_token_endpoint_scope_limits_attempts_per_address():
    # given: a view declaring the scope, as POST /api/auth/token/ will
    factory, view = APIRequestFactory(), _TokenView.as_view()

    def attempt(address: str) -> int:
        request = factory.post("/api/auth/token/", {"username": "u", "password": "p"}, format="json", REMOTE_ADDR=address)
        return int(view(request).status_code)

    # when / then
    assert [attempt("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert attempt("203.0.113.6") == 200
