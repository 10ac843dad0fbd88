"""Signals of the briefings app: decoupled notifications only (STYLE 18).

``revision_transitioned`` is sent after the transaction that moved a revision
commits (never for a rollback). Arguments: ``revision_id`` (int), ``action``
(a ``briefings.workflow.Action`` value). Receivers: ``briefings.receivers``
(emails), and any other app that reacts to the workflow.
"""
from django.dispatch import Signal

revision_transitioned = Signal()
