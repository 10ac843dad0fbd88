"""The editorial side: briefings, their sections and the revisions editors write.

* A ``SectionRevision`` holds the whole content of one section at one time: the
  editing-format ``body`` plus its parsed ``Claim``/``Footnote``/``Citation``
  rows. Once it leaves the draft state its content never changes: the model
  layer refuses (``core.frozen.FrozenRowError``) and, on PostgreSQL, so do the
  triggers of ``briefings/migrations/0008_frozen_triggers.py``.
* Publishing is the reader side's business (``releases``): a release freezes the
  briefing's published revisions into a stored artefact.
* Who may move a revision from one status to another is ``briefings.workflow``.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from briefings.markup import without_marks
from core.frozen import AppendOnlyModel, FrozenRowError
from core.models import TimeStampedModel
from core.roles import is_editor, is_reviewer


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
    """What a release is to readers.

    * ``update`` — moves the briefing's information cutoff (「…現在」) and notifies subscribers (the feed);
    * ``minor`` — typos, links, wording: neither moves the cutoff nor notifies;
    * ``correction`` — fixes an error: keeps the cutoff, notifies, and is counted and marked as a correction.
    """

    UPDATE = "update", "更新"
    MINOR = "minor", "軽微な変更"
    CORRECTION = "correction", "訂正"


NOTIFYING_KINDS = (ReleaseKind.UPDATE, ReleaseKind.CORRECTION)
"""Release kinds subscribers are told about (minor changes are listed, never announced)."""


REVISION_CONTENT_FIELDS = (
    "section_id", "base_id", "number", "heading", "body", "information_as_of", "change_summary", "release_kind",
    "author_id",
)
"""What a revision says: frozen once it leaves the draft state."""
REVISION_PUBLICATION_FIELDS = (
    "published_at", "reviewed_by_id", "reviewed_at", "publish_at", "submitted_at", "release_note",
)
"""How it was published: frozen, with the status, once published."""


class SectionRevisionQuerySet(models.QuerySet["SectionRevision"]):
    """The one vocabulary for "which revisions": every view, filter and selector uses these."""

    def current(self) -> SectionRevisionQuerySet:
        """The revision each section shows in its latest release."""
        return self.filter(status=RevisionStatus.PUBLISHED)

    def ever_published(self) -> SectionRevisionQuerySet:
        return self.filter(status__in=PUBLISHED_STATUSES)

    def public(self, *, now: Any = None) -> SectionRevisionQuerySet:
        """Published in a release that readers can already see (never one dated in the future)."""
        return self.ever_published().filter(published_at__lte=now or timezone.now())

    def pending_review(self) -> SectionRevisionQuerySet:
        return self.filter(status__in=(RevisionStatus.SUBMITTED, RevisionStatus.SCHEDULED))

    def visible_to(self, user: Any) -> SectionRevisionQuerySet:
        """Everything for editors and reviewers; public revisions for everybody else."""
        return self.all() if is_editor(user) or is_reviewer(user) else self.public()

    def update(self, **kwargs: Any) -> int:
        if self.exclude(status=RevisionStatus.DRAFT).exists():
            raise FrozenRowError("下書きでない版は一括で変更できません（状態の変更はワークフローのみが行います）。")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=RevisionStatus.DRAFT).exists():
            raise FrozenRowError("下書きでない版は削除できません。")
        return super().delete()


class SectionRevision(TimeStampedModel):
    """The content of one section at one time. Immutable once it leaves draft."""

    objects = SectionRevisionQuerySet.as_manager()

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
        help_text="更新は情報の基準日を進めて購読者に通知します。軽微な変更（誤字・リンク等）はどちらもしません。"
        "訂正は基準日を変えずに通知し、訂正として数えられます。",
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
    release_note = models.TextField(
        "公開版の注記", blank=True,
        help_text="承認時に審査者が書く（確認する）読者向けの注記。変更の概要から下書きされます。",
    )
    publish_at = models.DateTimeField("公開予定日時", null=True, blank=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="RevisionContributor",
        related_name="contributed_revisions",
        blank=True,
        verbose_name="変更した人",
        help_text="内容を書いた・変えた全員（作成者を含む）。この人たちはこの版を承認できません。",
    )

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
        """「版12「（１）ロシア・ウクライナ戦争」（下書き）」: from this row alone (no query), never a key."""
        return f"版{self.pk}「{self.number}{without_marks(self.heading)}」（{self.get_status_display()}）"

    @property
    def is_editable(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refusing any change to what a non-draft revision says (defence in depth)."""
        if not self._state.adding:
            self._refuse_frozen_change()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored is not None and stored != RevisionStatus.DRAFT:
            raise FrozenRowError(f"版{self.pk}は下書きでないため削除できません。")
        return super().delete(*args, **kwargs)

    def _refuse_frozen_change(self) -> None:
        fields = ("status", *REVISION_CONTENT_FIELDS, *REVISION_PUBLICATION_FIELDS)
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first()
        if stored is None or stored["status"] == RevisionStatus.DRAFT:
            return
        frozen = REVISION_CONTENT_FIELDS
        if stored["status"] in PUBLISHED_STATUSES:
            frozen = (*frozen, *REVISION_PUBLICATION_FIELDS)
            if self.status not in (stored["status"], RevisionStatus.SUPERSEDED):
                raise FrozenRowError(f"公開された版{self.pk}の状態は「旧版」にしか変わりません。")
        changed = [name for name in frozen if getattr(self, name) != stored[name]]
        if changed:
            raise FrozenRowError(
                f"版{self.pk}は「{RevisionStatus(stored['status']).label}」のため内容を変更できません"
                f"（{', '.join(changed)}）。新しい下書きを作成してください。"
            )


class RevisionContributor(models.Model):
    """Someone who wrote or changed a revision's content (four eyes: they may not approve it)."""

    revision = models.ForeignKey(SectionRevision, on_delete=models.CASCADE, related_name="contributions",
                                 verbose_name="版")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="revision_contributions",
                             verbose_name="変更した人")
    first_changed_at = models.DateTimeField("最初の変更", auto_now_add=True)

    class Meta:
        verbose_name = "版を変更した人"
        verbose_name_plural = "版を変更した人"
        constraints = [models.UniqueConstraint(fields=("revision", "user"), name="revision_contributor_once")]

    def __str__(self) -> str:
        return f"#{self.revision_id} {self.user}"


class ReviewQueueEntry(SectionRevision):
    """Submitted and scheduled revisions, as the reviewers' queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "審査待ちの版"
        verbose_name_plural = "審査待ちの版"


class DraftContentQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Claims, footnotes, references and citations change only while their revision is a draft.

    ``revision_path`` names the lookup from the row to its revision.
    """

    revision_path = "revision"

    def _refuse_unless_drafts(self, verb: str) -> None:
        if self.exclude(**{f"{self.revision_path}__status": RevisionStatus.DRAFT}).exists():
            raise FrozenRowError(f"下書きでない版の{self.model._meta.verbose_name}は{verb}できません。")

    def update(self, **kwargs: Any) -> int:
        self._refuse_unless_drafts("変更")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts("削除")
        return super().delete()


class ClaimQuerySet(DraftContentQuerySet):
    revision_path = "revision"


class FootnoteReferenceQuerySet(DraftContentQuerySet):
    revision_path = "claim__revision"


class CitationQuerySet(DraftContentQuerySet):
    revision_path = "footnote__revision"


class DraftContentModel(models.Model):
    """``save()``/``delete()`` of one row refuse unless its revision is a draft."""

    class Meta:
        abstract = True

    def draft_revision_id(self) -> int | None:
        raise NotImplementedError

    def _refuse_unless_draft(self, verb: str) -> None:
        status = SectionRevision.objects.filter(pk=self.draft_revision_id()).values_list("status", flat=True).first()
        if status is not None and status != RevisionStatus.DRAFT:
            raise FrozenRowError(f"下書きでない版の{self._meta.verbose_name}は{verb}できません。")
        if not self._state.adding:
            type(self)._default_manager.filter(pk=self.pk)._refuse_unless_drafts(verb)  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft("変更")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_unless_draft("削除")
        return super().delete(*args, **kwargs)


class ClaimRole(models.TextChoices):
    HEADING = "heading", "見出し"
    BODY = "body", "本文"


class Claim(DraftContentModel):
    """One sentence of a revision (a heading counts as one), in reading order."""

    objects = ClaimQuerySet.as_manager()

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

    def draft_revision_id(self) -> int | None:
        return self.revision_id

    def __str__(self) -> str:
        return self.text[:40]


class Footnote(DraftContentModel):
    """A note defined in a revision. ``key`` is stable across revisions and releases."""

    objects = ClaimQuerySet.as_manager()

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

    def draft_revision_id(self) -> int | None:
        return self.revision_id

    def __str__(self) -> str:
        return f"[^{self.key}]"


class FootnoteReference(DraftContentModel):
    """Where a claim cites a footnote: the character offset in the claim's text."""

    objects = FootnoteReferenceQuerySet.as_manager()

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="references", verbose_name="文")
    footnote = models.ForeignKey(Footnote, on_delete=models.CASCADE, related_name="references", verbose_name="脚注")
    offset = models.PositiveIntegerField("位置")

    class Meta:
        verbose_name = "脚注参照"
        verbose_name_plural = "脚注参照"
        ordering = ("claim", "offset", "pk")

    def draft_revision_id(self) -> int | None:
        return Claim.objects.filter(pk=self.claim_id).values_list("revision_id", flat=True).first()

    def __str__(self) -> str:
        return f"{self.footnote} @ {self.offset}"


class Citation(DraftContentModel):
    """A footnote citing a source, with a locator such as 「84頁」."""

    objects = CitationQuerySet.as_manager()

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

    def draft_revision_id(self) -> int | None:
        return Footnote.objects.filter(pk=self.footnote_id).values_list("revision_id", flat=True).first()

    def __str__(self) -> str:
        return f"{self.source} {self.locator}".strip()


class RevisionTransition(AppendOnlyModel):
    """The audit trail: one row per status change of a revision. Append-only; staff only."""

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
    content = models.JSONField(
        "その時の内容", default=dict, blank=True,
        help_text="差戻しのとき、差し戻された内容（番号・見出し・本文・情報の基準日）。再提出の審査で差分を示します。",
    )
    created_at = models.DateTimeField("日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "状態の変更履歴"
        verbose_name_plural = "状態の変更履歴"
        ordering = ("revision", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.revision_id}: {self.from_status} → {self.to_status}"
