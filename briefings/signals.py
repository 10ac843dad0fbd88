"""Signals of the briefings app (notifications and cache invalidation only)."""
from django.dispatch import Signal

# Sent after the transaction that created a release commits.
# Arguments: release_id (int).
release_published = Signal()
