"""With DEBUG=1 (the demo) the product's own 404/500 pages, the detail in the log."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path

ROOT = Path(__file__).resolve().parents[2]
DEMO_MIDDLEWARE = [*settings.MIDDLEWARE, "core.errorpages.ProductErrorPagesMiddleware"]


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret detail: the database password is hunter2")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]
handler404 = "releases.views.page_not_found"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def demo(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.MIDDLEWARE = DEMO_MIDDLEWARE
    return settings


def test_a_mistyped_url_gets_the_products_404_page_in_japanese(client, demo):
    response = client.get("/briefngs/world-2025/")
    text = response.content.decode()
    assert response.status_code == 404 and '<html lang="ja">' in text
    assert "ページが見つかりません" in text
    assert "URLconf" not in text and "DEBUG = True" not in text


def test_a_missing_release_keeps_its_explanation(client, demo, briefing):
    response = client.get("/briefings/world-2025/releases/9/")
    assert response.status_code == 404 and "第9版はありません" in response.content.decode()


def test_a_path_without_its_slash_is_still_redirected(client, demo, briefing):
    response = client.get("/briefings/world-2025")
    assert response.status_code == 301 and response["Location"] == "/briefings/world-2025/"


def test_an_api_404_stays_json(client, demo):
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_exception_gets_the_products_500_page_and_the_traceback_goes_to_the_log(client, demo, caplog):
    response = client.get("/boom/")
    text = response.content.decode()
    assert response.status_code == 500 and "サーバーエラー（500）" in text
    assert "hunter2" not in text and "Traceback" not in text
    assert "hunter2" in caplog.text and "RuntimeError" in caplog.text


def _middleware(**env: str) -> str:
    code = "from config import settings; print(settings.MIDDLEWARE[-1])"
    clean = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DEBUG_TECHNICAL_PAGES")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_debug_installs_the_product_pages_unless_technical_pages_are_asked_for():
    assert _middleware(DEBUG="1") == "core.errorpages.ProductErrorPagesMiddleware"
    assert _middleware(DEBUG="1", DEBUG_TECHNICAL_PAGES="1") != "core.errorpages.ProductErrorPagesMiddleware"
