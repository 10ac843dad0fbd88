"""The editorial artefact: briefings, sections, revisions, releases and workflow.

Import rule: ``briefings`` may import ``events``, ``sources`` and ``core``; nothing
imports ``briefings`` except its own modules, URLs and tests. Writes go through
``briefings.services``; history reads through ``briefings.selectors.history``.
"""
