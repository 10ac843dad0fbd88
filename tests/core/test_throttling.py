"""Admin login throttling: repeated failures are refused for a while; success resets."""
from django.test import override_settings


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_WINDOW=600)
def test_repeated_failed_logins_are_throttled(client, editor):
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the login form again, with its error
    blocked = client.post("/admin/login/", {"username": "editor", "password": "pw"})
    assert blocked.status_code == 429 and "しばらく受け付けません" in blocked.content.decode()
    # another user name from the same address is throttled too
    assert client.post("/admin/login/", {"username": "other", "password": "x"}).status_code == 429


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3, LOGIN_THROTTLE_WINDOW=600)
def test_a_successful_login_clears_the_user_counter(client, editor):
    client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    ok = client.post("/admin/login/", {"username": "editor", "password": "pw"})
    assert ok.status_code == 302
