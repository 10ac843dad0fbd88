"""Shared foundations with no domain of their own.

Import rule: ``core`` imports nothing from ``sources``, ``events`` or ``briefings``;
every app may import from ``core``.
"""
