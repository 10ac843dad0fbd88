"""Reads of the briefings app.

* ``catalog`` — briefings and sections by their stable identifiers;
* ``content`` — reader structures assembled from live revision rows (for freezing a
  release and for previews; readers of a published release read its artefact,
  ``releases.selectors.history``);
* ``review`` — what the review page shows; ``source_problems`` — sections citing dead links.
"""
