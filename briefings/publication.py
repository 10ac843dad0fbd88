"""The seam between the editorial workflow and the reader side.

The workflow decides *that* revisions are published (statuses, audit rows,
four eyes); the reader side (``releases``) decides *what a release is*: its
number, manifest, footnote numbering, and the artefact frozen from it. The
workflow calls ``publish`` inside its transaction; ``releases`` registers the
publisher when Django starts (``ReleasesConfig.ready``). Dependencies stay one
way (``releases → briefings``) and a missing publisher is a loud error, never a
publication without a release.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from core.errors import Conflict


class PublishConflict(Conflict):
    """The release cannot be made (a cross-reference would break, a key is used twice, …)."""

    code = "publish_conflict"


@dataclass(frozen=True)
class PublishRequest:
    """Publish the briefing's currently published revisions as its next release.

    ``revision_ids`` are the revisions this release brings (already moved to the
    published status in the caller's transaction, with the briefing row locked).
    """

    briefing_id: int
    revision_ids: tuple[int, ...]
    actor_id: int | None
    published_at: dt.datetime
    kind: str
    information_as_of: dt.date | None = None
    summary: str = ""


@dataclass(frozen=True)
class PublishedRelease:
    release_id: int
    number: int


Publisher = Callable[[PublishRequest], PublishedRelease]
_publisher: list[Publisher] = []


def register_publisher(publisher: Publisher) -> None:
    """Install the function that turns a ``PublishRequest`` into a frozen release."""
    _publisher[:] = [publisher]


def publish(request: PublishRequest) -> PublishedRelease:
    """Create the release for ``request`` in the caller's transaction; raise if it cannot."""
    if not _publisher:
        raise ImproperlyConfigured("No publisher is registered: add 'releases' to INSTALLED_APPS.")
    return _publisher[0](request)
