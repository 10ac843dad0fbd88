"""Writes of the reader side: publishing and freezing a release, its renderings, verification, export."""
