"""Dated events and their timelines.

Import rule: ``events`` imports from ``core`` and ``sources`` only. Other apps use
``events.services`` and ``events.selectors``.
"""
