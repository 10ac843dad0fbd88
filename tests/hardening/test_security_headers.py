"""Content-Security-Policy, Permissions-Policy and Referrer-Policy on every response; the pages honour the policy.

In Chromium (Playwright): reader pages, the admin (with its inline-styled
pages) and the Swagger UI at /api/docs/ load with **no CSP violation** and
**no request leaving 127.0.0.1**; the docs render their operations from our
own static files.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import django
import pytest
from django.conf import settings

from briefings.models import Section
from briefings.services import revision_create_draft
from tests.e2e.conftest import needs_chromium, page  # noqa: F401  (the Chromium page fixture)

HEADER_URLS = ["/", "/briefings/world-2025/releases/1/", "/sources/", "/api/briefings/", "/api/docs/",
               "/api/schema/", "/admin/login/", "/static/css/site.css", "/sources/?q=%00", "/no-such-page/"]


@pytest.mark.parametrize("url", HEADER_URLS)
def test_every_response_carries_the_policies(client, briefing, url):
    # when
    response = client.get(url)
    # then
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no other origin, on every page
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_changelist_style_hash_matches_the_installed_django():
    template = Path(django.__file__).parent / "contrib" / "admin" / "templates" / "admin" / "change_list.html"
    style = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert settings.ADMIN_CHANGELIST_STYLE_HASH == f"'sha256-{digest}'"


def test_no_template_of_ours_has_an_inline_script_or_handler():
    root = Path(settings.BASE_DIR) / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert not re.search(r"<style(?![^>]*nonce=)", text) or path.name == "release_pdf.html", path


WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_chromium
def test_pages_admin_and_api_docs_load_in_chromium_without_violations_or_foreign_requests(
    page, live_server, briefing, admin_user, editor
):
    # given
    base = live_server.url
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    foreign: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost", None) and not request.url.startswith("data:")
            else None)
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.add_init_script(WATCH_CSP)
    visited: dict[str, list[str]] = {}

    def visit(path: str, ready: str = "body") -> None:
        page.goto(base + path)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        visited[path] = page.evaluate("window.__violations")

    # when: reader pages, then the admin as a superuser, then the API docs
    for path in ("/", "/briefings/world-2025/", "/briefings/world-2025/releases/1/", "/sources/", "/events/"):
        visit(path)
    visit("/admin/login/", "#id_username")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    for path in ("/admin/", "/admin/releases/release/", f"/admin/briefings/sectionrevision/{draft.pk}/change/",
                 f"/admin/briefings/sectionrevision/{draft.pk}/review/", "/admin/events/stalesection/",
                 "/admin/sources/source/"):
        visit(path, "#content")
    visit("/api/docs/", ".opblock")
    operations = page.locator(".opblock").count()
    # then
    assert {path: found for path, found in visited.items() if found} == {}
    assert console == []
    assert foreign == []
    assert operations > 10  # Swagger UI rendered the schema from our own static files
