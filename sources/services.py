"""Writes for sources. Services are the only code that creates or changes a Source.

A source is described by its structured fields; two derived columns follow them
and are written here only: ``fingerprint`` (its identity, ``sources.identity``)
and ``citation`` (the paper-style rendering, ``sources.citations.format_citation``,
a cache other apps read).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import DateParseError, PartialDate, parse_japanese_date
from core.errors import Conflict
from core.versioning import check_version
from sources import linkcheck
from sources.citations import format_citation
from sources.identity import source_fingerprint
from sources.models import FAILING_OUTCOMES, LinkCheck, LinkHealth, LinkOutcome, LinkStatus, Source
from sources.parsing import ParsedSource, url_domain
from sources.signals import link_became_dead

ALLOWED_URL_SCHEMES = ("http://", "https://")

# What describes the document (frozen once cited beyond draft) versus live information about it.
BIBLIOGRAPHIC_FIELDS = (
    "kind", "citation", "title", "container", "volume", "author", "publisher", "issued_on", "issued_until",
    "issued_precision", "issued_text", "url", "accessed_on", "pages",
)
LIVE_FIELDS = ("archive_url", "archive_captured_on")
ISSUED_FIELDS = frozenset({"issued_on", "issued_until", "issued_precision"})
# What an editor may change; ``citation``, ``fingerprint`` and ``url_domain`` are derived here.
EDITABLE_FIELDS = frozenset({*BIBLIOGRAPHIC_FIELDS, *LIVE_FIELDS} - {"citation"})
DERIVED_FIELDS = frozenset({"citation", "fingerprint", "url_domain"})


class DuplicateSource(Conflict):
    """Another current source already describes the same document (the same fingerprint)."""

    code = "duplicate_source"

    def __init__(self, other: Source) -> None:
        super().__init__(
            f"同じ出典（id {other.pk}：{other.citation}）が既にあります。その出典を使ってください。",
            extra={"id": other.pk},
        )
        self.other = other


def source_ingest(*, parsed: ParsedSource, accessed_on: dt.date | None = None) -> tuple[Source, bool]:
    """Return the Source for ``parsed``, creating it the first time it is seen.

    Idempotent on the natural key (``parsed.fingerprint``, computed from the
    structured fields): ingesting the same document again, however spelled,
    returns the current version of the stored source unchanged and
    ``created=False``, also when another transaction created it meanwhile. The
    fields ``parsed`` leaves empty are read from ``parsed.citation`` first; the
    stored ``citation`` is rendered from the fields. Raises ``ValidationError``
    naming the field for a bad value.
    """
    parsed = parsed.completed()
    existing = _current(fingerprint=parsed.fingerprint)
    if existing is not None:
        return existing, False
    issued = parsed.issued
    source = Source(
        fingerprint=parsed.fingerprint,
        kind=parsed.kind,
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
        pages=parsed.pages,
    )
    source.citation = format_citation(source)
    _validate(source)
    try:
        with transaction.atomic():
            source.save()
            if source.url:
                LinkHealth.objects.create(source=source)  # unchecked until the first check
    except IntegrityError:
        existing = _current(fingerprint=source.fingerprint)
        if existing is None:
            raise
        return existing, False
    return source, True


def sources_freeze(*, source_ids: list[int], at: dt.datetime) -> int:
    """Freeze the bibliographic fields of sources a revision beyond draft cites (from ``at``)."""
    if not source_ids:
        return 0
    return Source.objects.filter(pk__in=source_ids, frozen_at__isnull=True).update(frozen_at=at)


def sources_publish(*, source_ids: list[int], at: dt.datetime) -> int:
    """Make sources visible to readers from ``at`` (the earliest publication that cites them).

    Called by the publisher for the sources a release cites, and when an event
    (public as soon as it is recorded) cites a source. Returns how many rows changed.
    """
    if not source_ids:
        return 0
    sources_freeze(source_ids=source_ids, at=at)
    return Source.objects.filter(pk__in=source_ids).filter(
        Q(published_at__isnull=True) | Q(published_at__gt=at)
    ).update(published_at=at)


def source_update(*, source: Source, data: dict[str, Any], expected_version: str | None = None) -> Source:
    """Change a source and return the source that now carries the change.

    ``data`` maps names of ``EDITABLE_FIELDS`` to values. Live fields (the
    archive copy) change in place. Bibliographic fields change in place while no
    revision beyond draft cites the source and readers cannot see it; otherwise
    the change makes a **new version** (returned): releases already published keep
    citing the old one, new and edited drafts cite the new one, and it reaches
    readers only through a reviewed release that names the correction.

    With the fields, the derived columns follow: ``citation`` is rendered again
    and ``fingerprint`` recomputed when an identity field changed (a row kept
    apart from a duplicate by the structured-identity migration keeps its own
    until then). The issued date and its text as written stay in agreement:
    changing ``issued_text`` alone re-reads the date from it, clearing it clears
    the date. The URL must stay http(s).

    Raises ``ValidationError`` naming the field for a bad value or a derived
    field (``citation`` is rendered, never written), ``DuplicateSource`` (409)
    when the new description is that of another current source, and
    ``PreconditionFailed`` (412) when ``expected_version`` is not the source's
    current version.
    """
    derived = set(data) & DERIVED_FIELDS
    if derived:
        raise ValidationError({name: "この項目は他の項目から自動で作られるため変更できません。" for name in derived})
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "この項目はありません。" for name in unknown})
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)  # the stored state decides
        check_version(source, expected_version, what=f"出典{source.pk}")
        return _update_locked(source, data)


def _update_locked(source: Source, data: dict[str, Any]) -> Source:
    """``source_update`` under the row lock: in place, or as a new version of a frozen source."""
    changes = {name: value for name, value in data.items() if getattr(source, name) != value}
    if not any(name not in LIVE_FIELDS for name in changes):
        for name, value in changes.items():
            setattr(source, name, value)
        _validate(source, described=False)
        source.save(update_fields=[*changes, "updated_at"])
        return source
    if source.is_frozen or not source.is_current:
        return _new_version(source, changes)
    old_url = source.url
    _describe(source, changes)
    try:
        with transaction.atomic():
            source.save()
            if source.url != old_url:  # a new address starts a new health record
                LinkHealth.objects.filter(source=source).delete()
                if source.url:
                    LinkHealth.objects.create(source=source)
    except IntegrityError:
        other = _current(fingerprint=source.fingerprint, besides=(source.pk,))
        if other is None:
            raise
        raise DuplicateSource(other) from None
    return source


def source_current_version(*, source_id: int) -> Source:
    """The newest version of a source (itself when it was never corrected)."""
    source = Source.objects.get(pk=source_id)
    while not source.is_current:
        newer = Source.objects.filter(previous_version=source).order_by("-pk").first()
        if newer is None:
            break
        source = newer
    return source


def _new_version(old: Source, changes: dict[str, Any]) -> Source:
    current = source_current_version(source_id=old.pk)
    new = Source(**{name: getattr(current, name) for name in (*BIBLIOGRAPHIC_FIELDS, *LIVE_FIELDS, "fingerprint")})
    new.previous_version = current
    _describe(new, changes, replacing=current)
    with transaction.atomic():
        Source.objects.filter(pk=current.pk).update(is_current=False)
        new.save()
        if new.url:
            health = LinkHealth.objects.filter(source=current).first()
            if health is not None and current.url == new.url:
                _copy_health(health, new)
            else:
                LinkHealth.objects.create(source=new)
    return new


def _describe(source: Source, changes: dict[str, Any], *, replacing: Source | None = None) -> None:
    """Apply bibliographic ``changes`` to ``source`` (unsaved) and derive what follows from them."""
    identity_before = source_fingerprint(source)
    for name, value in changes.items():
        setattr(source, name, value)
    _reconcile_issued(source, changed=set(changes))
    source.url_domain = url_domain(source.url)
    if source_fingerprint(source) != identity_before:
        source.fingerprint = source_fingerprint(source)
    source.citation = format_citation(source)
    _validate(source)
    other = _current(fingerprint=source.fingerprint, besides=(source.pk, replacing.pk if replacing else None))
    if other is not None:
        raise DuplicateSource(other)


def _current(*, fingerprint: str, besides: tuple[int | None, ...] = ()) -> Source | None:
    """The current source with this fingerprint, if any (other than those ``besides``)."""
    return (Source.objects.filter(fingerprint=fingerprint, is_current=True)
            .exclude(pk__in=[pk for pk in besides if pk is not None]).first())


def _copy_health(health: LinkHealth, source: Source) -> None:
    """The same URL in a new version: what we know of the link carries over."""
    LinkHealth.objects.create(
        source=source, status=health.status, last_checked_at=health.last_checked_at, last_ok_at=health.last_ok_at,
        failing_since=health.failing_since, consecutive_failures=health.consecutive_failures,
        last_outcome=health.last_outcome, final_url=health.final_url,
    )


def _reconcile_issued(source: Source, *, changed: set[str]) -> None:
    """Keep the issued date and its text as written in agreement (see ``source_update``)."""
    text = source.issued_text.strip()
    if "issued_text" in changed and not changed & ISSUED_FIELDS:
        issued = _read_date(text)
        source.issued_on = issued.start if issued else None
        source.issued_until = issued.until if issued else None
        source.issued_precision = issued.precision if issued else ""
        return
    issued = _read_date(text)
    if issued is not None and (issued.start, issued.until, issued.precision) != (
        source.issued_on, source.issued_until, source.issued_precision
    ):
        raise ValidationError({"issued_text": f"発行日（原文）「{text}」が発行日の項目と一致しません。"})


def _read_date(text: str) -> PartialDate | None:
    if not text:
        return None
    try:
        return parse_japanese_date(text)
    except DateParseError as exc:
        raise ValidationError({"issued_text": str(exc)}) from exc


def _validate(source: Source, *, described: bool = True) -> None:
    """Refuse bad values; with ``described``, also a source that names nothing (its fields are being set)."""
    for field in ("url", "archive_url"):
        value = getattr(source, field)
        if value and not value.lower().startswith(ALLOWED_URL_SCHEMES):
            raise ValidationError({field: "URLはhttp://またはhttps://で始まる必要があります。"})
    if described and not any(getattr(source, name).strip() for name in ("title", "container", "author", "publisher", "url")):
        raise ValidationError(
            {"title": "出典を特定する項目（標題・掲載誌紙・著者・発行者・URLのいずれか）を入力してください。"}
        )
    source.full_clean(exclude=["fingerprint", "url_domain"])


class HostBusy(Exception):
    """Every check slot for this host is taken; try again shortly."""


def link_check(*, source_id: int, force: bool = False, now: dt.datetime | None = None) -> LinkCheck | None:
    """Check a source's URL once and update its health; ``None`` when skipped.

    Idempotent: a source checked less than ``LINK_CHECK_MIN_INTERVAL`` seconds
    ago is skipped unless ``force``. Polite: at most ``LINK_CHECK_HOST_CONCURRENCY``
    checks of one host at a time (``HostBusy`` otherwise), a timeout and a
    User-Agent naming the product. A link becomes dead only after
    ``LINK_DEAD_AFTER_FAILURES`` failures in a row spread over at least
    ``LINK_DEAD_AFTER_DAYS`` days.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.url:
        return None
    now = now or timezone.now()
    health, _created = LinkHealth.objects.get_or_create(source=source)
    interval = dt.timedelta(seconds=settings.LINK_CHECK_MIN_INTERVAL)
    if not force and health.last_checked_at is not None and now - health.last_checked_at < interval:
        return None
    host = url_domain(source.url)
    slot = _acquire_host_slot(host)
    try:
        result = linkcheck.fetch(source.url, timeout=settings.LINK_CHECK_TIMEOUT, user_agent=settings.LINK_CHECK_USER_AGENT,
                                 allow_loopback=settings.LINK_CHECK_ALLOW_LOOPBACK)
    finally:
        cache.delete(slot)
    with transaction.atomic():
        health = LinkHealth.objects.select_for_update().get(pk=health.pk)
        check = LinkCheck.objects.create(
            source=source, url=source.url, checked_at=now, outcome=result.outcome, http_status=result.http_status,
            final_url=result.final_url, error=result.error, elapsed_ms=result.elapsed_ms,
        )
        _apply(health, result.outcome, result.final_url, now)
    return check


def _apply(health: LinkHealth, outcome: str, final_url: str, now: dt.datetime) -> None:
    """Sum a check up into the health row: the one place a link's status changes.

    When the link turns dead, ``link_became_dead`` is sent after commit.
    """
    was_dead = health.status == LinkStatus.DEAD
    health.last_checked_at = now
    health.last_outcome = outcome
    health.final_url = final_url
    if outcome in FAILING_OUTCOMES:
        health.consecutive_failures += 1
        health.failing_since = health.failing_since or now
        spread = now - health.failing_since >= dt.timedelta(days=settings.LINK_DEAD_AFTER_DAYS)
        enough = health.consecutive_failures >= settings.LINK_DEAD_AFTER_FAILURES
        health.status = LinkStatus.DEAD if enough and spread else LinkStatus.FAILING
    else:
        health.consecutive_failures = 0
        health.failing_since = None
        health.last_ok_at = now
        health.status = LinkStatus.MOVED if outcome == LinkOutcome.REDIRECT_OTHER_SITE else LinkStatus.OK
    health.save()
    if health.status == LinkStatus.DEAD and not was_dead:
        source_id = health.source_id
        transaction.on_commit(lambda: link_became_dead.send(sender=LinkHealth, source_id=source_id))


def _acquire_host_slot(host: str) -> str:
    for index in range(settings.LINK_CHECK_HOST_CONCURRENCY):
        key = f"link-check-host:{host}:{index}"
        if cache.add(key, 1, timeout=int(settings.LINK_CHECK_TIMEOUT) + 30):
            return key
    raise HostBusy(host)


def links_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of sources with a URL whose last check is older than the minimum interval (or never)."""
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.LINK_CHECK_MIN_INTERVAL)
    return list(
        Source.objects.exclude(url="")
        .filter(Q(link_health__isnull=True) | Q(link_health__last_checked_at__isnull=True)
                | Q(link_health__last_checked_at__lt=since))
        .order_by("url_domain", "pk")
        .values_list("pk", flat=True)
    )
