"""Login lockout (django-axes): per user name *and* address, atomic under a burst, never a lockout of others."""
from __future__ import annotations

import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, override_settings

LIMIT = 3
lockout = override_settings(AXES_FAILURE_LIMIT=LIMIT)


def _login(client: Client, username: str, password: str, address: str = "203.0.113.7", **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=address, **headers)


@lockout
def test_repeated_failures_lock_out_that_user_from_that_address(client, editor):
    # given
    for _ in range(LIMIT - 1):
        assert _login(client, "editor", "wrong").status_code == 200  # the form again, with its error
    # when: the attempt that reaches the limit, then the right password
    _login(client, "editor", "wrong")
    blocked = _login(client, "editor", "pw")
    # then
    assert blocked.status_code == 429
    assert "しばらく受け付けません" in blocked.content.decode() and blocked["Retry-After"] == "900"


@lockout
def test_a_third_party_cannot_lock_the_real_user_out(client, editor):
    # given: someone at another address exhausts the attempts for "editor"
    for _ in range(LIMIT + 2):
        _login(Client(), "editor", "guess", address="198.51.100.66")
    # when: the real editor logs in from their own address
    response = _login(client, "editor", "pw", address="203.0.113.7")
    # then
    assert response.status_code == 302 and response["Location"] == "/admin/"


@lockout
def test_the_lockout_is_not_per_address_alone(client, editor, reviewer):
    for _ in range(LIMIT):
        _login(client, "editor", "wrong")
    assert _login(Client(), "reviewer", "pw").status_code == 302  # same address, another user


@lockout
def test_a_spoofed_forwarded_for_header_does_not_escape_the_lockout(client, editor):
    for index in range(LIMIT):
        _login(client, "editor", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")
    assert _login(client, "editor", "pw", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


@lockout
def test_a_successful_login_clears_the_count(client, editor):
    for _ in range(LIMIT - 1):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "pw").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert _login(client, "editor", "wrong").status_code == 200
    assert _login(client, "editor", "pw").status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="attempts are serialised with a PostgreSQL lock")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(AXES_FAILURE_LIMIT=5)
def test_a_burst_of_parallel_guesses_gets_exactly_the_limit(django_user_model):
    # given
    django_user_model.objects.create_user("target", "t@example.org", "right-password", is_staff=True)
    statuses: list[int] = []
    start = threading.Barrier(20)

    def guess(index: int) -> None:
        start.wait()
        statuses.append(_login(Client(), "target", f"guess-{index}").status_code)
        connection.close()

    # when: 20 guesses at the same moment
    threads = [threading.Thread(target=guess, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: five passwords were tried, the other fifteen refused; the count is exact
    assert sorted(statuses) == [200] * 4 + [429] * 16
    assert sum(AccessAttempt.objects.filter(username="target").values_list("failures_since_start", flat=True)) == 5
