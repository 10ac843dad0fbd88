"""Signals of the releases app: decoupled notifications and cache invalidation only (STYLE 18).

``release_published`` is sent after the transaction that created a release
commits. Arguments: ``release_id`` (int), ``backdated`` (bool: published with a
date in the past, which can change what past as-of URLs resolve to).
"""
from django.dispatch import Signal

release_published = Signal()
