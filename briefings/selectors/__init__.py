"""Reads of the briefings app.

Import rule: history (as-of) reads only through ``briefings.selectors.history``;
everything else through ``briefings.selectors.catalog``.
"""
