"""Briefings, their sections, immutable section revisions and numbered releases.

How history is stored (read it only through ``briefings.selectors.history``):

* A ``SectionRevision`` holds the whole content of one section at one time: the
  editing-format ``body`` plus its parsed ``Claim``/``Footnote`` rows. Once it
  leaves the draft state its content never changes.
* A ``Release`` is one publication of the whole briefing: a manifest of
  (section, revision, position) rows in ``ReleaseSection`` and the footnote
  numbering frozen at publish time. "As of D" is the newest release published
  at or before the end of D in Asia/Tokyo.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.dates import format_date_ja
from core.models import TimeStampedModel


class Briefing(TimeStampedModel):
    """A dated policy briefing, kept current through releases."""

    slug = models.SlugField("スラッグ", max_length=100, unique=True)
    title = models.CharField("標題", max_length=255)
    publication = models.CharField(
        "掲載誌", max_length=255, blank=True, help_text="例：立法と調査　2025.2　No.473"
    )
    author = models.CharField("執筆者", max_length=255, blank=True)
    description = models.TextField("概要", blank=True)

    class Meta:
        verbose_name = "ブリーフィング"
        verbose_name_plural = "ブリーフィング"
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class Section(TimeStampedModel):
    """A stable place in a briefing (「２．日米関係」, 「（１）第２次トランプ政権」).

    Its number label and heading live in its revisions; ``key`` never changes.
    """

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sections", verbose_name="ブリーフィング")
    key = models.SlugField("キー", max_length=100, help_text="恒久的な識別子（例：ch4-1）。数字のみは不可。")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="親節"
    )
    position = models.PositiveIntegerField("順序")

    class Meta:
        verbose_name = "節"
        verbose_name_plural = "節"
        ordering = ("briefing", "position")
        constraints = [
            models.UniqueConstraint(fields=("briefing", "key"), name="section_unique_key_per_briefing"),
            models.UniqueConstraint(fields=("briefing", "position"), name="section_unique_position_per_briefing"),
            models.CheckConstraint(name="section_key_not_numeric", condition=~Q(key__regex=r"^[0-9]+$")),
        ]

    def __str__(self) -> str:
        return f"{self.briefing.slug}/{self.key}"

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "審査待ち"
    SCHEDULED = "scheduled", "公開予約"
    PUBLISHED = "published", "公開中"
    SUPERSEDED = "superseded", "旧版"
    REJECTED = "rejected", "差戻し"


PUBLISHED_STATUSES = (RevisionStatus.PUBLISHED, RevisionStatus.SUPERSEDED)


class ReleaseKind(models.TextChoices):
    UPDATE = "update", "更新"
    CORRECTION = "correction", "訂正"


class SectionRevision(TimeStampedModel):
    """The content of one section at one time. Immutable once it leaves draft."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="revisions", verbose_name="節")
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name="元の版",
        help_text="この下書きの基になった公開版",
    )
    status = models.CharField(
        "状態", max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT, editable=False
    )
    number = models.CharField("番号", max_length=20, blank=True, help_text="例：２．、（１）")
    heading = models.CharField("見出し", max_length=255, blank=True, help_text="脚注参照 [^key] を含められます")
    body = models.TextField("本文（編集形式）", blank=True)
    information_as_of = models.DateField("情報の基準日")
    change_summary = models.TextField("変更の概要", blank=True)
    release_kind = models.CharField(
        "公開の種別",
        max_length=16,
        choices=ReleaseKind.choices,
        default=ReleaseKind.UPDATE,
        help_text="訂正（誤字・リンク切れ等）は情報の基準日を変えずに公開されます。",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_revisions",
        verbose_name="作成者",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_revisions",
        verbose_name="審査者",
    )
    reviewed_at = models.DateTimeField("審査日時", null=True, blank=True)
    review_comment = models.TextField("審査コメント", blank=True)
    publish_at = models.DateTimeField("公開予定日時", null=True, blank=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)

    class Meta:
        verbose_name = "節の版"
        verbose_name_plural = "節の版"
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=("section", "status"), name="revision_section_status"),
            models.Index(F("section"), F("created_at").desc(), F("id").desc(), name="revision_section_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("section",),
                condition=Q(status="published"),
                name="revision_one_published_per_section",
            ),
            models.UniqueConstraint(
                fields=("section",),
                condition=Q(status="scheduled"),
                name="revision_one_scheduled_per_section",
            ),
            models.CheckConstraint(
                name="revision_published_has_date",
                condition=~Q(status__in=["published", "superseded"]) | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="revision_scheduled_has_date",
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False),
            ),
            models.CheckConstraint(
                name="revision_rejected_has_comment",
                condition=~Q(status="rejected") | ~Q(review_comment=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} #{self.pk} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES


class ReviewQueueEntry(SectionRevision):
    """Submitted and scheduled revisions, as the reviewers' queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "審査待ちの版"
        verbose_name_plural = "審査待ちの版"


class ClaimRole(models.TextChoices):
    HEADING = "heading", "見出し"
    BODY = "body", "本文"


class Claim(models.Model):
    """One sentence of a revision (a heading counts as one), in reading order."""

    revision = models.ForeignKey(SectionRevision, on_delete=models.CASCADE, related_name="claims", verbose_name="版")
    position = models.PositiveIntegerField("順序")
    paragraph = models.PositiveIntegerField("段落", help_text="0 から数える段落番号（見出しは 0）")
    role = models.CharField("役割", max_length=8, choices=ClaimRole.choices, default=ClaimRole.BODY)
    text = models.TextField("文")

    class Meta:
        verbose_name = "文"
        verbose_name_plural = "文"
        ordering = ("revision", "position")
        constraints = [
            models.UniqueConstraint(fields=("revision", "position"), name="claim_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Footnote(models.Model):
    """A note defined in a revision. ``key`` is stable across revisions and releases."""

    revision = models.ForeignKey(SectionRevision, on_delete=models.CASCADE, related_name="footnotes", verbose_name="版")
    key = models.SlugField("キー", max_length=100)
    position = models.PositiveIntegerField("順序")
    text = models.TextField("注記（編集形式）", help_text="他の注への参照は [[fn:key]]")

    class Meta:
        verbose_name = "脚注"
        verbose_name_plural = "脚注"
        ordering = ("revision", "position")
        constraints = [
            models.UniqueConstraint(fields=("revision", "key"), name="footnote_unique_key_per_revision"),
        ]

    def __str__(self) -> str:
        return f"[^{self.key}]"


class FootnoteReference(models.Model):
    """Where a claim cites a footnote: the character offset in the claim's text."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="references", verbose_name="文")
    footnote = models.ForeignKey(Footnote, on_delete=models.CASCADE, related_name="references", verbose_name="脚注")
    offset = models.PositiveIntegerField("位置")

    class Meta:
        verbose_name = "脚注参照"
        verbose_name_plural = "脚注参照"
        ordering = ("claim", "offset", "pk")

    def __str__(self) -> str:
        return f"{self.footnote} @ {self.offset}"


class Citation(models.Model):
    """A footnote citing a source, with a locator such as 「84頁」."""

    footnote = models.ForeignKey(Footnote, on_delete=models.CASCADE, related_name="citations", verbose_name="脚注")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="citations", verbose_name="出典")
    position = models.PositiveIntegerField("順序")
    locator = models.CharField("所在", max_length=100, blank=True, help_text="例：84頁")

    class Meta:
        verbose_name = "引用"
        verbose_name_plural = "引用"
        ordering = ("footnote", "position")
        constraints = [
            models.UniqueConstraint(fields=("footnote", "position"), name="citation_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.locator}".strip()


class Release(models.Model):
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

    class Meta:
        verbose_name = "公開版"
        verbose_name_plural = "公開版"
        ordering = ("briefing", "-number")
        indexes = [
            models.Index(F("briefing"), F("published_at").desc(), F("number").desc(), name="release_as_of"),
        ]
        constraints = [
            models.UniqueConstraint(fields=("briefing", "number"), name="release_unique_number"),
            models.CheckConstraint(name="release_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.briefing.slug} 第{self.number}版"

    @property
    def information_as_of_label(self) -> str:
        return f"{format_date_ja(self.information_as_of)}現在"


class ReleaseSection(models.Model):
    """A manifest row: which revision of which section a release shows, where."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="entries", verbose_name="公開版")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="release_entries", verbose_name="節")
    revision = models.ForeignKey(
        SectionRevision, on_delete=models.PROTECT, related_name="release_entries", verbose_name="版"
    )
    position = models.PositiveIntegerField("順序")

    class Meta:
        verbose_name = "公開版の節"
        verbose_name_plural = "公開版の節"
        ordering = ("release", "position")
        constraints = [
            models.UniqueConstraint(fields=("release", "section"), name="release_section_unique"),
            models.UniqueConstraint(fields=("release", "position"), name="release_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release} / {self.section.key}"


class RevisionTransition(models.Model):
    """The audit trail: one row per status change of a revision. Append-only."""

    revision = models.ForeignKey(
        SectionRevision, on_delete=models.CASCADE, related_name="transitions", verbose_name="版"
    )
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("変更前", max_length=16, choices=RevisionStatus.choices)
    to_status = models.CharField("変更後", max_length=16, choices=RevisionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision_transitions",
        verbose_name="実行者",
    )
    comment = models.TextField("コメント", blank=True)
    created_at = models.DateTimeField("日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "状態の変更履歴"
        verbose_name_plural = "状態の変更履歴"
        ordering = ("revision", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.revision_id}: {self.from_status} → {self.to_status}"
