"""Releases: one publication of a whole briefing, frozen when it is published.

How history is stored (read it only through ``releases.selectors.history``):

* ``Release`` — number, publication time, information cutoff, kind, note.
* ``ReleaseSection`` — the manifest: which revision of which section, where,
  with what readers need to list history without touching live rows (the
  section's label, cutoff and change summary as published, and whether this
  release changed it).
* ``ReleaseArtefact`` — everything a reader or client can get of the release,
  rendered once inside the publishing transaction into one canonical JSON
  document (the snapshot, notes in the editing format, sources as cited with
  their CSL, the briefing's title and metadata) and its SHA-256 ``digest``.
* ``ReleaseRendering`` — byte-exact responses derived from the artefact only
  (the snapshot JSON and the page body HTML) for one rendering version, so a
  page is served from one stored row; a new template version is rendered from
  the artefact, never from live rows.

All four are append-only: ``core.frozen`` refuses updates and deletes in
Python, and the triggers of ``releases/migrations/0006_frozen_triggers.py`` do
so in PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from briefings.models import Briefing, Claim, ReleaseKind, Section, SectionRevision
from core.dates import end_of_day_tokyo, format_date_ja
from core.frozen import AppendOnlyModel, AppendOnlyQuerySet, FrozenRowError


class ReleaseQuerySet(AppendOnlyQuerySet):
    """The one vocabulary for "which releases readers may see"."""

    def published(self, *, now: dt.datetime | None = None) -> ReleaseQuerySet:
        """Releases already public at ``now`` (never one dated in the future)."""
        return self.filter(published_at__lte=now or timezone.now())

    def of(self, briefing: Briefing | int) -> ReleaseQuerySet:
        return self.filter(briefing=briefing)

    def newest_first(self) -> ReleaseQuerySet:
        return self.order_by("-published_at", "-number")

    def in_force_at(self, moment: dt.datetime) -> ReleaseQuerySet:
        """Public releases published at or before ``moment``, the one in force first."""
        return self.published(now=min(moment, timezone.now())).newest_first()

    def as_of(self, day: dt.date) -> ReleaseQuerySet:
        """Public releases in force at the end of ``day`` in Asia/Tokyo, the one in force first."""
        return self.in_force_at(end_of_day_tokyo(day))


class Release(AppendOnlyModel):
    """One publication of a whole briefing. Append-only; never edited."""

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="releases", verbose_name="ブリーフィング")
    number = models.PositiveIntegerField("版番号")
    kind = models.CharField("種別", max_length=16, choices=ReleaseKind.choices, default=ReleaseKind.UPDATE)
    published_at = models.DateTimeField("公開日時")
    information_as_of = models.DateField("情報の基準日")
    summary = models.TextField("概要", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name="公開者",
    )
    footnote_numbers = models.JSONField(
        "脚注番号", default=dict, editable=False, help_text="脚注キー → 公開時に確定した番号"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True, db_index=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = "公開版"
        verbose_name_plural = "公開版"
        ordering = ("briefing", "-number")
        indexes = [
            models.Index(F("briefing"), F("published_at").desc(), F("number").desc(), name="release_as_of"),
            # /api/releases/ without a briefing: every briefing's releases, newest first, a cursor page at a time
            models.Index(F("published_at").desc(), F("number").desc(), name="release_newest"),
            # "訂正N件" on the release list counts the corrections (a few), not every release of the briefing
            models.Index(fields=("briefing", "number"), name="release_corrections", condition=Q(kind="correction")),
        ]
        constraints = [
            models.UniqueConstraint(fields=("briefing", "number"), name="release_unique_number"),
            models.CheckConstraint(name="release_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"第{self.number}版（{format_date_ja(self.information_as_of)}現在）"

    @property
    def information_as_of_label(self) -> str:
        return f"{format_date_ja(self.information_as_of)}現在"

    @property
    def edition_label(self) -> str:
        """「初版」 for the first release, else 「第N版」."""
        return "初版" if self.number == 1 else f"第{self.number}版"

    @property
    def edition_kind_label(self) -> str:
        """「初版」, or 「第2版（更新）」「第3版（訂正）」: the first release has no kind to show."""
        return "初版" if self.number == 1 else f"第{self.number}版（{self.get_kind_display()}）"


class ReleaseSection(AppendOnlyModel):
    """A manifest row: which revision of which section a release shows, where, as published."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="entries", verbose_name="公開版")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="release_entries", verbose_name="節")
    revision = models.ForeignKey(
        SectionRevision, on_delete=models.PROTECT, related_name="release_entries", verbose_name="版"
    )
    position = models.PositiveIntegerField("順序")
    label = models.CharField("見出し（公開時）", max_length=300, blank=True, help_text="例：４．（１）ロシア・ウクライナ戦争")
    information_as_of = models.DateField("情報の基準日（公開時）", null=True, blank=True)
    change_summary = models.TextField("変更の概要（公開時）", blank=True)
    changed = models.BooleanField("この版で変更", default=False, help_text="前の版と異なる版の節")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "公開版の節"
        verbose_name_plural = "公開版の節"
        ordering = ("release", "position")
        indexes = [
            models.Index(F("section"), F("release").desc(), name="release_section_history",
                         condition=Q(changed=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=("release", "section"), name="release_section_unique"),
            models.UniqueConstraint(fields=("release", "position"), name="release_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release} / {self.label or self.section_id}"


class ReleaseArtefact(AppendOnlyModel):
    """The release as stored at publication: one canonical JSON document and its SHA-256 digest."""

    release = models.OneToOneField(
        Release, on_delete=models.PROTECT, primary_key=True, related_name="artefact", verbose_name="公開版"
    )
    format = models.PositiveSmallIntegerField("形式", default=1)
    document = models.TextField("文書（正規化JSON）")
    digest = models.CharField("ダイジェスト", max_length=71, help_text="sha256:<64桁の16進数>")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "公開版の保存物"
        verbose_name_plural = "公開版の保存物"

    def __str__(self) -> str:
        return f"{self.release_id}: {self.digest}"


class ReleaseRendering(models.Model):
    """Responses derived from an artefact for one rendering version, stored byte for byte.

    Derived data: never updated; deleting one only means it is rendered again
    from the artefact (``releases.services.rendering``).
    """

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="renderings", verbose_name="公開版")
    version = models.CharField("描画の版", max_length=20)
    digest = models.CharField("元の保存物のダイジェスト", max_length=71)
    snapshot_json = models.TextField("スナップショット（JSON）")
    content_html = models.TextField("本文・注（HTML）")
    page_meta = models.JSONField("ページの情報", default=dict, help_text="標題・執筆者などとダイジェスト（保存物から）")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "公開版の描画"
        verbose_name_plural = "公開版の描画"
        constraints = [models.UniqueConstraint(fields=("release", "version"), name="release_rendering_once")]

    def __str__(self) -> str:
        return f"{self.release_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenRowError("公開版の描画は変更できません（削除すると保存物から描き直されます）。")
        super().save(*args, **kwargs)


class ClaimAnchor(AppendOnlyModel):
    """Where a sentence's stable anchor stands: one row per published revision whose text contains it.

    Written by the publisher, from the frozen document, for the revisions a
    release brings (and by a migration for releases frozen before anchors), so
    "which releases show this sentence" is one join with the manifests. The
    ``claim`` is the sentence's row in that revision, which events may link to.
    """

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="+", verbose_name="ブリーフィング")
    anchor = models.CharField("アンカー", max_length=16)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+", verbose_name="節")
    revision = models.ForeignKey(SectionRevision, on_delete=models.PROTECT, related_name="+", verbose_name="版")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+", verbose_name="文")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "文のアンカー"
        verbose_name_plural = "文のアンカー"
        indexes = [models.Index(fields=("briefing", "anchor"), name="claim_anchor_lookup")]
        constraints = [models.UniqueConstraint(fields=("revision", "anchor"), name="claim_anchor_once_per_revision")]

    def __str__(self) -> str:
        return f"{self.anchor} @ #{self.revision_id}"


class ClaimSpan(models.Model):
    """Which releases show a sentence: the first, the last and how many, extended by the publisher.

    One row per briefing and anchor. Every release adds itself to the span of
    each sentence it shows (``last`` and ``count``; ``first`` when the sentence
    is new), inside the publisher's transaction, so the sentence page reads one
    row instead of aggregating the anchor index over every revision that kept
    the sentence. Derived from ``ClaimAnchor`` and the manifests (migration
    ``0012`` computed it for releases published before it); the reader trusts
    it only when its ``last`` release is public, and aggregates otherwise.
    """

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="+", verbose_name="ブリーフィング")
    anchor = models.CharField("アンカー", max_length=16)
    first = models.PositiveIntegerField("最初の版")
    last = models.PositiveIntegerField("最後の版")
    count = models.PositiveIntegerField("版の数")

    class Meta:
        verbose_name = "文の掲載範囲"
        verbose_name_plural = "文の掲載範囲"
        constraints = [
            models.UniqueConstraint(fields=("briefing", "anchor"), name="claim_span_once"),
            models.CheckConstraint(
                name="claim_span_consistent",
                condition=Q(first__gte=1, count__gte=1, last__gte=F("first")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.anchor}: {self.first}–{self.last} ({self.count})"


class ReleasePageFrame(models.Model):
    """A release page rendered once, with slots (``<!--slot:…-->``) where the live parts go.

    Presentation derived from the frozen rendering and the page templates, one
    row per release and ``version`` (the page templates, the static files'
    names and ``SITE_URL``): a request fills the slots with the live state
    (``LiveState``) instead of rendering the whole page. Not history: a new
    version is rendered again from the frozen rendering, and old rows may be
    deleted.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+", verbose_name="公開版")
    version = models.CharField("ページの版", max_length=64)
    html = models.TextField("ページ（HTML、差し込み位置つき）")
    meta = models.JSONField("ページの情報", default=dict, help_text="引用に使う標題・執筆者など（描画から）")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "公開版のページ枠"
        verbose_name_plural = "公開版のページ枠"
        constraints = [models.UniqueConstraint(fields=("release", "version"), name="release_page_frame_once")]

    def __str__(self) -> str:
        return f"{self.release_id} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenRowError("公開版のページ枠は変更できません（削除すると描き直されます）。")
        super().save(*args, **kwargs)


class LiveState(models.Model):
    """What release pages show beside the frozen text, computed once per change, not per request.

    One row per briefing (``releases.selectors.currency``): the newest public
    release, the events not yet reflected in it, archived copies of sources.
    Deleted whenever an event, its links, coverage or dismissals, a source or
    a publication changes it, and recomputed by the next reader; never trusted
    after ``valid_until`` (a scheduled release becomes public, or a change made
    past the signals, such as a bulk update, shows within ``LIVE_TTL``).
    """

    briefing = models.OneToOneField(Briefing, on_delete=models.CASCADE, primary_key=True, related_name="+")
    latest = models.ForeignKey(Release, on_delete=models.CASCADE, null=True, related_name="+", verbose_name="最新の版")
    pending = models.JSONField("未反映の出来事", default=dict)
    archived = models.JSONField("アーカイブのURL", default=dict)
    stamp = models.CharField("指紋", max_length=24)
    computed_at = models.DateTimeField("計算日時")
    valid_until = models.DateTimeField("有効期限")

    class Meta:
        verbose_name = "公開版の現況"
        verbose_name_plural = "公開版の現況"

    def __str__(self) -> str:
        return f"{self.briefing_id} {self.stamp}"
