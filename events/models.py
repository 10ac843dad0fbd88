"""Dated events that bear on briefing sections, and how editors dealt with them.

An event's date is a ``PartialDate`` stored as start, optional end of a range,
precision (year / month / day) and the original Japanese text. Events link to
the sections (and optionally the claims) they bear on; a revision records the
events it covers; a reviewer can mark an event "no change needed" for a section.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from briefings.models import DraftContentModel, DraftContentQuerySet, Section
from core.dates import DatePrecision, PartialDate, format_partial_date, period_end
from core.models import TimeStampedModel


class TagKind(models.TextChoices):
    COUNTRY = "country", "国・地域"
    REGION = "region", "地域"
    THEME = "theme", "テーマ"


class Tag(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    kind = models.CharField("種別", max_length=16, choices=TagKind.choices, default=TagKind.THEME)

    class Meta:
        verbose_name = "タグ"
        verbose_name_plural = "タグ"
        ordering = ("kind", "name")

    def __str__(self) -> str:
        return self.name


class Event(TimeStampedModel):
    key = models.SlugField(
        "キー", max_length=100, unique=True, help_text="取込みで同じ出来事を識別する安定した識別子（例：2025-03-05-uk-casualties）"
    )
    title = models.CharField("見出し", max_length=255)
    description = models.TextField("説明", blank=True)
    occurred_on = models.DateField("日付（始まり）", db_index=True)
    occurred_until = models.DateField("日付（終わり）", null=True, blank=True, help_text="期間の場合の終わり")
    precision = models.CharField("精度", max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)
    date_text = models.CharField("日付の原文", max_length=100, help_text="例：25年3月5日、24年10月～12月")
    latest_on = models.DateField(
        "最も遅い日", db_index=True, editable=False, help_text="精度と期間から求めた、この出来事が指しうる最後の日"
    )
    tags = models.ManyToManyField(Tag, related_name="events", blank=True, verbose_name="タグ")
    sources = models.ManyToManyField(
        "sources.Source", through="EventSource", related_name="events", blank=True, verbose_name="出典"
    )
    sections = models.ManyToManyField(
        "briefings.Section", through="EventLink", related_name="events", blank=True, verbose_name="関係する節"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="記録者",
    )

    class Meta:
        verbose_name = "出来事"
        verbose_name_plural = "出来事"
        ordering = ("-occurred_on", "key")
        constraints = [
            models.CheckConstraint(
                name="event_range_ordered", condition=Q(occurred_until__isnull=True) | Q(occurred_until__gt=F("occurred_on"))
            ),
            models.CheckConstraint(name="event_latest_after_start", condition=Q(latest_on__gte=F("occurred_on"))),
        ]

    def __str__(self) -> str:
        return f"{self.date_display} {self.title}"

    @property
    def date(self) -> PartialDate:
        return PartialDate(self.occurred_on, self.precision, self.date_text, self.occurred_until)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.occurred_on, self.precision, until=self.occurred_until)

    def save(self, *args: object, **kwargs: object) -> None:
        self.latest_on = period_end(self.occurred_until or self.occurred_on, self.precision)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "latest_on"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def relation_to(self, cutoff: dt.date) -> str:
        """"after", "before" or "ambiguous": where the event falls against an information cutoff."""
        if self.occurred_on > cutoff:
            return "after"
        if self.latest_on <= cutoff:
            return "before"
        return "ambiguous"


class StaleSection(Section):
    """Sections that events have made (possibly) out of date: the editors' dashboard in the admin."""

    class Meta:
        proxy = True
        verbose_name = "更新が必要な節"
        verbose_name_plural = "更新が必要な節"


class EventSource(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_sources", verbose_name="出来事")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+", verbose_name="出典")
    position = models.PositiveIntegerField("順序", default=0)
    locator = models.CharField("所在", max_length=200, blank=True, help_text="例：資料の頁、発表日")

    class Meta:
        verbose_name = "出来事の出典"
        verbose_name_plural = "出来事の出典"
        ordering = ("event", "position")
        constraints = [models.UniqueConstraint(fields=("event", "source"), name="event_source_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.locator}".strip()


class EventLink(models.Model):
    """An event bears on a section, and optionally on one claim of it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links", verbose_name="出来事")
    section = models.ForeignKey(
        "briefings.Section", on_delete=models.CASCADE, related_name="event_links", verbose_name="節"
    )
    claim = models.ForeignKey(
        "briefings.Claim", on_delete=models.SET_NULL, null=True, blank=True, related_name="event_links",
        verbose_name="文", help_text="特定の文に関わる場合",
    )
    note = models.CharField("メモ", max_length=255, blank=True)

    class Meta:
        verbose_name = "出来事と節の関係"
        verbose_name_plural = "出来事と節の関係"
        constraints = [models.UniqueConstraint(fields=("event", "section"), name="event_link_once")]

    def __str__(self) -> str:
        return f"{self.event.key} → {self.section.key}"


class RevisionEventQuerySet(DraftContentQuerySet):
    revision_path = "revision"


class RevisionEvent(DraftContentModel):
    """A revision covers an event: it was written (or checked) in the light of it. Frozen with the revision."""

    objects = RevisionEventQuerySet.as_manager()

    revision = models.ForeignKey(
        "briefings.SectionRevision", on_delete=models.CASCADE, related_name="covered_events", verbose_name="版"
    )
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="covered_by", verbose_name="出来事")

    class Meta:
        verbose_name = "版が扱う出来事"
        verbose_name_plural = "版が扱う出来事"
        constraints = [models.UniqueConstraint(fields=("revision", "event"), name="revision_event_once")]

    def __str__(self) -> str:
        return f"#{self.revision_id} ← {self.event.key}"

    def draft_revision_id(self) -> int | None:
        return self.revision_id


class EventDismissal(models.Model):
    """A reviewer decided an event needs no change to a section."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="dismissals", verbose_name="出来事")
    section = models.ForeignKey(
        "briefings.Section", on_delete=models.CASCADE, related_name="event_dismissals", verbose_name="節"
    )
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="判断した審査者"
    )
    decided_at = models.DateTimeField("判断日時", auto_now_add=True)

    class Meta:
        verbose_name = "変更不要の判断"
        verbose_name_plural = "変更不要の判断"
        constraints = [
            models.UniqueConstraint(fields=("event", "section"), name="event_dismissal_once"),
            models.CheckConstraint(name="event_dismissal_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.event.key} / {self.section.key}: 変更不要"
