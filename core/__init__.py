"""Shared foundations with no domain of their own (dates, errors, roles, frozen rows, tasks, health).

Import rule: ``core`` imports nothing from ``sources``, ``briefings``, ``events``,
``releases`` or ``demo``; every app may import from ``core`` (import-linter).
"""
