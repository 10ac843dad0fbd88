"""Writes of the shared foundations."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import SCHEDULER, Heartbeat


def heartbeat_record(*, name: str = SCHEDULER, at: dt.datetime | None = None) -> Heartbeat:
    """Record that the process ``name`` is alive at ``at`` (now); one row per name, updated in place."""
    heartbeat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": at or timezone.now()})
    return heartbeat


def auth_token_issue(*, user: AbstractBaseUser) -> Token:
    """Return ``user``'s API token, creating it if they have none (one token per user, DRF authtoken).

    Asking again returns the same key, so several scripts of one user can share it;
    to rotate it, revoke it (``auth_token_revoke``) and ask again.
    """
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user: AbstractBaseUser) -> bool:
    """Delete ``user``'s API token; return whether there was one. Requests carrying it are 401 from now on."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted > 0
