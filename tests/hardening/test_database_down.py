"""PostgreSQL unreachable: cached release pages are still served; everything else is a Japanese 503 with Retry-After."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import PAPER, SLUG

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="makes the PostgreSQL server unreachable"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CACHED = ["/briefings/world-2025/releases/1/", "/briefings/world-2025/as-of/2025-03-01/"]
PAGES = ["/", "/briefings/world-2025/", "/briefings/world-2025/releases/2/", "/sources/", "/events/",
         "/briefings/world-2025/sections/ch4-1/history/"]
API = ["/api/briefings/", "/api/briefings/world-2025/snapshot/", "/api/revisions/", "/api/sources/"]


@pytest.fixture
def client() -> Client:
    """A client that gets the error response, as a browser would, instead of the re-raised exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def imported():  # type: ignore[no-untyped-def]
    from briefings.services import briefing_import_paper

    briefing_import_paper(text=PAPER.read_text(encoding="utf-8"), slug=SLUG, title="2025年の国際情勢の概観と展望")


def test_cached_release_pages_survive_and_the_rest_is_a_japanese_503(client, imported, database_down_after):
    # given: release pages readers have already opened
    for url in CACHED:
        assert client.get(url).status_code == 200
    # when: the database stops
    database_down_after()
    cached = {url: client.get(url).status_code for url in CACHED}
    pages = {url: client.get(url) for url in PAGES}
    # then
    assert cached == dict.fromkeys(CACHED, 200)
    for url, response in pages.items():
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
        body = response.content.decode()
        assert 'lang="ja"' in body and "データベースに接続できない" in body, url


def test_a_stored_release_pdf_is_served_without_the_database(client, imported, database_down_after, settings, tmp_path):
    # given: the PDF of release 1 stored (at publish time in production; here by its first reader)
    settings.MEDIA_ROOT = str(tmp_path)
    first = client.get("/briefings/world-2025/releases/1/pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    # when
    database_down_after()
    again = client.get("/briefings/world-2025/releases/1/pdf")
    # then
    assert again.status_code == 200 and again.content == first.content
    assert client.get("/briefings/world-2025/releases/9/pdf").status_code == 503  # not stored: needs the database


def test_the_api_answers_503_json_with_retry_after(client, imported, database_down_after):
    database_down_after()
    for url in API:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert response.json()["code"] == "service_unavailable" and "データベース" in response.json()["detail"]


def test_the_admin_and_a_login_attempt_are_a_503_not_a_500(client, imported, database_down_after, django_user_model):
    # given: one editor signed in before the outage
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(django_user_model.objects.create_user("editor", password="pw", is_staff=True))
    database_down_after()
    # when / then
    assert signed_in.get("/admin/").status_code == 503
    assert client.post("/admin/login/", {"username": "editor", "password": "pw"}).status_code == 503


@pytest.fixture
def database_down_after(request):  # type: ignore[no-untyped-def]
    """Call to make the database unreachable from that point of the test on."""
    def stop() -> None:
        request.getfixturevalue("database_down")

    return stop
