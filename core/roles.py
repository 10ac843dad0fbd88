"""Editorial roles: membership of the ``editors`` and ``reviewers`` groups (CONTRACT.md)."""
from __future__ import annotations

from typing import Any

EDITORS_GROUP = "editors"
REVIEWERS_GROUP = "reviewers"


def _in_group(user: Any, group: str) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=group).exists())
    )


def is_editor(user: Any) -> bool:
    return _in_group(user, EDITORS_GROUP)


def is_reviewer(user: Any) -> bool:
    return _in_group(user, REVIEWERS_GROUP)
