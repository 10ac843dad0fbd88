"""Who has a draft open in the admin: a short-lived heartbeat per revision in the cache (Redis in production).

Presence is advisory (「○○さんもこの下書きを開いています」); what refuses a stale save is the
optimistic locking of ``core.versioning``, not this.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone

if TYPE_CHECKING:
    from briefings.workflow import User

PRESENCE_TTL_SECONDS = 120
"""A person counts as present this long after their last page load or ping (the page pings every 30 s)."""


def _key(revision_id: int) -> str:
    return f"briefings:presence:revision:{revision_id}"


def display_name(user: User) -> str:
    """How the banner names a person: full name as Japanese writes it, else the user name."""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


def revision_presence_touch(*, revision_id: int, user: User) -> list[str]:
    """Record that ``user`` has the draft open now; return the names of the others who have it open.

    Entries older than ``PRESENCE_TTL_SECONDS`` are dropped; the whole key expires
    with its last entry. Two pings at the same instant may drop each other's entry
    for one interval: the next ping restores it.
    """
    now = timezone.now().timestamp()
    seen: dict[str, tuple[str, float]] = {
        uid: (name, at) for uid, (name, at) in (cache.get(_key(revision_id)) or {}).items()
        if now - at < PRESENCE_TTL_SECONDS
    }
    seen[str(user.pk)] = (display_name(user), now)
    cache.set(_key(revision_id), seen, PRESENCE_TTL_SECONDS)
    return sorted(name for uid, (name, _at) in seen.items() if uid != str(user.pk))


def presence_message(names: list[str]) -> str:
    """The banner text, in Japanese; empty when nobody else is there."""
    if not names:
        return ""
    return f"{'さん、'.join(names)}さんもこの下書きを開いています。同時に保存すると、後から保存した人の変更は受け付けられません。"
