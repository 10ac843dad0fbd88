"""The editorial side: briefings, sections, revisions and their review workflow.

Import rule: ``briefings`` may import ``sources`` and ``core``; ``events``,
``releases`` and ``demo`` import it, never the reverse (import-linter). Writes go
through ``briefings.services``; the workflow's rules are ``briefings.workflow``;
publishing reaches the reader side only through the seam ``briefings.publication``.
"""
