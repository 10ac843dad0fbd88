"""Celery tasks of the sources app (link checking arrives with source health)."""
