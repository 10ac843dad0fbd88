"""Dated events, their links to sections, staleness and the timeline.

Import rule: ``events`` imports ``briefings``, ``sources`` and ``core``; only
``releases``, ``demo`` and the project's URLs import it (import-linter). Other apps
use ``events.services`` and ``events.selectors``; ``events/api/revisions.py`` adds
the ``events`` field to the revision endpoint, mounted in ``config/urls.py``.
"""
