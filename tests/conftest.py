"""Shared fixtures: the seed paper, an imported briefing, users in their groups."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from briefings.models import Briefing
from briefings.services import briefing_import_paper
from briefings.services.importing import BUNDLE_FORMAT, briefing_import_bundle
from tests.openapi_validation import checking, take_mismatches
from tests.paper_snapshot import PaperSnapshot

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
PAPER = SEEDS / "paper_2025-02.txt"
SLUG = "world-2025"


@pytest.fixture(scope="session")
def paper_text() -> str:
    return PAPER.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def paper_snapshot() -> PaperSnapshot | None:
    """The paper's import recorded once (tests/paper_snapshot.py); PAPER_SNAPSHOT=0 imports it in every test."""
    return None if os.environ.get("PAPER_SNAPSHOT") == "0" else PaperSnapshot()


@pytest.fixture
def briefing(db: None, paper_text: str, paper_snapshot: PaperSnapshot | None) -> Briefing:
    title = "2025年の国際情勢の概観と展望"
    if paper_snapshot is None:
        return briefing_import_paper(text=paper_text, slug=SLUG, title=title).briefing
    return paper_snapshot.briefing(text=paper_text, slug=SLUG, title=title)


def small_bundle(slug: str = "desk-2025") -> dict:  # type: ignore[type-arg]
    section = {"information_as_of": "2025-02-09", "change_summary": ""}
    return {
        "format": BUNDLE_FORMAT,
        "briefing": {"slug": slug, "title": "小さなブリーフィング"},
        "release": {"published_at": "2025-02-10T09:00:00+09:00", "information_as_of": "2025-02-09"},
        "sections": [
            {**section, "key": "lead", "number": "", "heading": "", "body": "本稿は国際情勢を概観する。"},
            {**section, "key": "ch4", "number": "４．", "heading": "ウクライナ情勢と日露関係",
             "body": "侵略は４年目に入った[^n1]。\n\n[^n1]: 『日本経済新聞』（2025.2.1）"},
            {**section, "key": "ch4-1", "parent": "ch4", "number": "（１）", "heading": "ロシア・ウクライナ戦争",
             "body": "戦況は膠着している。\n\n東部では攻防が続く。"},
        ],
        "sources": [],
        "citations": [],
    }


@pytest.fixture
def small_briefing(db: None) -> Briefing:
    return briefing_import_bundle(bundle=small_bundle()).briefing


@pytest.fixture
def editor(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def reviewer(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewers"))
    return user


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Stored PDFs are named by briefing and release number, which repeat between tests."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Rendered pages are cached by release id; ids can repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


_LOOPBACK = {"localhost", "127.0.0.1", "::1", "testserver", None}


@pytest.fixture(autouse=True)
def _no_requests_leave_the_machine(monkeypatch):  # type: ignore[no-untyped-def]
    """Any attempt to resolve or reach a host other than loopback fails the test loudly."""
    import socket

    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name not in _LOOPBACK and not str(name).startswith("127."):
            raise OSError(f"tests must not reach {name!r}: only 127.0.0.1 is allowed")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    take_mismatches()  # what an earlier test left behind (it failed before its check) is not this test's
    if item.get_closest_marker("schema_unchecked") is None:
        checking.set()
    else:
        checking.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):  # type: ignore[no-untyped-def]
    """Fail a test that received an ``/api/`` response its schema does not describe (tests/openapi_validation.py)."""
    result = yield
    found = take_mismatches()
    if found:
        pytest.fail("API responses that do not match the OpenAPI schema:\n" + "\n".join(found), pytrace=False)
    return result
