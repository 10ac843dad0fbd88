"""Writes for sources. Services are the only code that creates or changes a Source."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sources.models import Source
from sources.parsing import ParsedSource, url_domain

ALLOWED_URL_SCHEMES = ("http://", "https://")


def source_ingest(*, parsed: ParsedSource, accessed_on: dt.date | None = None) -> tuple[Source, bool]:
    """Return the Source for ``parsed``, creating it the first time it is seen.

    Idempotent on the natural key (``parsed.fingerprint``): ingesting the same
    citation again returns the stored row unchanged and ``created=False``.
    """
    existing = Source.objects.filter(fingerprint=parsed.fingerprint).first()
    if existing is not None:
        return existing, False
    issued = parsed.issued
    source = Source(
        fingerprint=parsed.fingerprint,
        kind=parsed.kind,
        citation=parsed.citation,
        title=parsed.title,
        container=parsed.container,
        volume=parsed.volume,
        author=parsed.author,
        publisher=parsed.publisher,
        issued_on=issued.start if issued else None,
        issued_until=issued.until if issued else None,
        issued_precision=issued.precision if issued else "",
        issued_text=issued.text if issued else "",
        url=parsed.url,
        url_domain=parsed.url_domain,
        accessed_on=accessed_on if parsed.url else None,
    )
    _validate(source)
    source.save()
    return source, True


def source_update(*, source: Source, data: dict[str, Any]) -> Source:
    """Change the descriptive fields of a source; the URL must stay http(s).

    Raises ``ValidationError`` naming the field for a bad value.
    """
    for name, value in data.items():
        setattr(source, name, value)
    source.url_domain = url_domain(source.url)
    _validate(source)
    with transaction.atomic():
        source.save()
    return source


def _validate(source: Source) -> None:
    if source.url and not source.url.lower().startswith(ALLOWED_URL_SCHEMES):
        raise ValidationError({"url": "URLはhttp://またはhttps://で始まる必要があります。"})
    source.full_clean(exclude=["fingerprint", "url_domain"])
