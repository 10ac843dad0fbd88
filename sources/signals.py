"""Signals of the sources app: decoupled notifications only (STYLE 18).

``link_became_dead`` is sent after the transaction that recorded a link check
commits, when that check turned the source's ``LinkHealth`` dead (it was not
dead before). Arguments: ``source_id`` (int).
"""
from django.dispatch import Signal

link_became_dead = Signal()
