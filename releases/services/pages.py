"""Release pages rendered once, with slots where the live parts go (``releases.models.ReleasePageFrame``).

A release page is the frozen release and, beside it, what is live: how current
it is, the navigation to its neighbours, the as-of note, the citation with the
reader's access date. The page around the frozen body is rendered once per
release and ``frame_version`` from the stored rendering (never from live
rows), with ``<!--slot:NAME-->`` where each live part goes; a request renders
only the small live parts (``releases.views``) and puts them in.
"""
from __future__ import annotations

import functools
import hashlib
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.dates import today_tokyo
from core.site import absolute_url
from releases import citing
from releases.caching import PAGE_VERSION
from releases.models import Release, ReleasePageFrame
from releases.selectors import history
from releases.selectors.pages import frame_of
from releases.services.rendering import RENDER_VERSION, rendering_for

SLOTS = ("correction", "currency", "as_of", "nav", "cite")
"""The live parts of a release page (``releases.live_parts``), each where the frame has its slot."""
_STATIC = ("css/site.css", "js/release.js", "favicon.svg")


def frame_version() -> str:
    """What a stored frame depends on besides its release: templates, static files' names, ``SITE_URL``."""
    return _frame_version(settings.SITE_URL, settings.STATIC_URL)


@functools.lru_cache(maxsize=16)
def _frame_version(site_url: str, static_url: str) -> str:
    names = "|".join(static(name) for name in _STATIC)  # the manifest is read once per process
    text = f"{PAGE_VERSION}|{RENDER_VERSION}|{site_url}|{names}"
    return f"{PAGE_VERSION}.{RENDER_VERSION}.{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def page_frame(*, release: Release) -> tuple[str, dict[str, Any]]:
    """The stored frame of ``release``'s page and its page meta; rendered and stored if missing."""
    version = frame_version()
    stored = frame_of(release_id=release.pk, version=version)
    if stored is not None:
        return stored
    html, meta = render_page_frame(release=release)
    try:
        with transaction.atomic():
            ReleasePageFrame.objects.create(release=release, version=version, html=html, meta=meta)
    except IntegrityError:  # stored by a concurrent request meanwhile: the same bytes
        pass
    return html, meta


def render_page_frame(*, release: Release) -> tuple[str, dict[str, Any]]:
    """Render the frame of ``release``'s page from its stored rendering (nothing stored)."""
    rendering = rendering_for(release=release, fields=("content_html", "page_meta"))
    return render_to_string("releases/release_detail.html", _frame_context(release, rendering)), rendering["page_meta"]


def _frame_context(release: Release, rendering: dict[str, Any]) -> dict[str, Any]:
    meta = rendering["page_meta"]
    slug = release.briefing.slug
    citation = citing.ReleaseCitation.of(meta, accessed=today_tokyo())  # the meta tags carry no access date
    briefing = meta["briefing"]
    lead = briefing.get("description") or f"{briefing['title']}。"
    return {
        "briefing": SimpleNamespace(**briefing),
        "release": release,
        "digest": meta["digest"],
        "content_html": mark_safe(rendering["content_html"]),  # noqa: S308 - our stored rendering
        "permalink": absolute_url(reverse("releases:release", kwargs={"slug": slug, "number": release.number})),
        "corrections": history.corrections_up_to(release=release),
        "first": history.release_first(briefing=release.briefing) or release,  # never changes once published
        "highwire": citing.highwire(citation, pdf_url=absolute_url(
            reverse("releases:release_pdf", kwargs={"slug": slug, "number": release.number}))),
        "description": f"{lead}{release.edition_label}（{release.information_as_of_label}）。{release.summary}"[:300],
        "slots": {name: mark_safe(f"<!--slot:{name}-->") for name in SLOTS},  # noqa: S308 - constant markers
    }
