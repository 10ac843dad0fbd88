"""Reads of the reader side. ``history`` is the only code that knows how history is stored
(the as-of query, artefacts); the others read artefacts and manifests, never live rows."""
