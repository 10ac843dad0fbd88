"""HTML pieces that lists of releases repeat once per release (the release list, the feed).

A page of 20 releases that each changed 22 sections is 440 list items: one
``format_html_join`` per release writes them an order of magnitude faster
than a template loop, which keeps a full page's cost near a one-release page's.
"""
from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def changed_sections_html(changed: list[tuple[str, str]], *, css_class: str = "") -> SafeString:
    """``<ul>`` of the sections a release changed (label, and its change summary if any); empty if none."""
    if not changed:
        return SafeString("")
    items = format_html_join(
        "", "<li>{}{}</li>", ((label, f"：{summary}" if summary else "") for label, summary in changed)
    )
    if css_class:
        return format_html('<ul class="{}">{}</ul>', css_class, items)
    return format_html("<ul>{}</ul>", items)
