"""Signals of the events app: decoupled notifications only (STYLE 18).

``sections_became_stale`` is sent after the transaction that recorded or linked
events commits. Arguments: ``section_ids`` (list[int], sections stale now that
were not before).
"""
from django.dispatch import Signal

sections_became_stale = Signal()
