"""Sources: the documents footnotes and events cite."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.dates import DatePrecision, format_partial_date
from core.models import TimeStampedModel
from core.roles import is_editor, is_reviewer


class SourceKind(models.TextChoices):
    NEWSPAPER = "newspaper", "新聞"
    WEBSITE = "website", "ウェブサイト"
    DIET_RECORD = "diet_record", "国会会議録"
    JOURNAL_ARTICLE = "journal_article", "雑誌・論文"
    BOOK = "book", "図書"
    GOVERNMENT_DOCUMENT = "government_document", "政府資料"
    INTERVIEW = "interview", "インタビュー・聞き取り"
    OTHER = "other", "その他"


class SourceQuerySet(models.QuerySet["Source"]):
    def public(self, *, now: dt.datetime | None = None) -> SourceQuerySet:
        """Sources readers may see: cited by a release already public, or by a recorded event.

        A source cited only by drafts or by revisions still in review is for
        editors alone (``published_at`` is set only by ``sources_publish``).
        """
        return self.filter(published_at__lte=now or timezone.now())

    def visible_to(self, user: Any) -> SourceQuerySet:
        return self.all() if is_editor(user) or is_reviewer(user) else self.public()


class Source(TimeStampedModel):
    """A citable document, shared by every footnote and event that cites it.

    The structured fields describe it. Two columns are derived from them by
    ``sources.services`` and never edited: ``fingerprint``, the natural key that
    makes ingestion idempotent (a hash of the normalised fields, independent of
    how a note spells the document and of the page it points to; see
    ``sources.identity``), unique among current versions, and ``citation``, the
    paper-style rendering of ``sources.citations.format_citation`` kept for
    readers in other apps. Bibliographic fields are frozen once a revision
    beyond draft cites the source or it is public: correcting them makes a new
    version (``previous_version``), which reaches readers only through a
    reviewed release; the old version stays what earlier releases cite.
    """

    objects = SourceQuerySet.as_manager()

    fingerprint = models.CharField(
        "識別子", max_length=64, db_index=True, editable=False,
        help_text="種別・標題・掲載誌紙・発行者・著者・巻号・発行日・URLを正規化したハッシュ（表記の揺れや引用頁に左右されません）",
    )
    kind = models.CharField("種別", max_length=32, choices=SourceKind.choices, db_index=True)
    citation = models.TextField(
        "出典表記", editable=False,
        help_text="各項目から論文の書式で自動作成（例：『日本経済新聞』（2025.1.23））。直接は変更できません。",
    )
    title = models.CharField(
        "標題", max_length=500, blank=True,
        help_text="記事・論文・ページ・文書そのものの題名（掲載誌紙名やURLを含めない）",
    )
    container = models.CharField(
        "掲載誌・紙", max_length=255, blank=True,
        help_text="掲載された新聞・雑誌・サイト。注が『』で括る場合は『』ごと（例：『日本経済新聞』『外交』JETROウェブサイト）",
    )
    volume = models.CharField("巻号", max_length=100, blank=True, help_text="例：Vol.88、No.1553、第１号")
    author = models.CharField(
        "著者", max_length=255, blank=True,
        help_text="複数は「、」で区切る。姓と名の間に空白を入れると（例：近藤 正規）書誌情報で姓・名に分けて出力します",
    )
    publisher = models.CharField(
        "発行者・サイト", max_length=255, blank=True,
        help_text="発行した機関・出版社、またはウェブサイト名（例：防衛省、JETROウェブサイト）",
    )
    issued_on = models.DateField("発行日", null=True, blank=True)
    issued_until = models.DateField("発行日（期間の終わり）", null=True, blank=True)
    issued_precision = models.CharField(
        "発行日の精度", max_length=8, choices=DatePrecision.choices, blank=True
    )
    issued_text = models.CharField(
        "発行日（原文）", max_length=100, blank=True,
        help_text="注の表記のまま（例：2025.1.23、令7.1.8）。出典表記に使います",
    )
    url = models.URLField("URL", max_length=1000, blank=True)
    url_domain = models.CharField("ドメイン", max_length=255, blank=True, db_index=True, editable=False)
    accessed_on = models.DateField("最終アクセス日", null=True, blank=True)
    pages = models.CharField(
        "掲載頁", max_length=100, blank=True,
        help_text="文書自体の掲載頁（例：80～89頁）。注ごとの引用頁は引用の側に記録します",
    )
    archive_url = models.URLField(
        "アーカイブURL", max_length=1000, blank=True,
        help_text="Internet Archive や国立国会図書館 WARP の保存ページ。リンク切れのとき読者に示します。",
    )
    archive_captured_on = models.DateField("アーカイブの保存日", null=True, blank=True)
    published_at = models.DateTimeField(
        "公開日時", null=True, blank=True, db_index=True, editable=False,
        help_text="この出典を引用する版が最初に公開された日時（出来事の出典は記録の日時）。それまで読者には見えません。",
    )
    frozen_at = models.DateTimeField(
        "書誌の確定日時", null=True, blank=True, editable=False,
        help_text="審査に出された版が引用した日時。以後、書誌の修正は新しい版の出典になります。",
    )
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions", editable=False,
        verbose_name="前の版", help_text="書誌を直したとき、公開済みの版が引用する元の出典はそのまま残ります。",
    )
    is_current = models.BooleanField("最新の版", default=True, editable=False)

    class Meta:
        verbose_name = "出典"
        verbose_name_plural = "出典"
        ordering = ("issued_on", "pk")
        constraints = [
            models.UniqueConstraint(fields=("fingerprint",), condition=Q(is_current=True),
                                    name="source_current_fingerprint_unique"),
            models.CheckConstraint(
                name="source_issued_precision_with_date",
                condition=(Q(issued_on__isnull=True, issued_precision="")
                           | (Q(issued_on__isnull=False) & ~Q(issued_precision=""))),
            ),
            models.CheckConstraint(
                name="source_issued_until_after_start",
                condition=Q(issued_until__isnull=True)
                | Q(issued_on__isnull=False, issued_until__gt=models.F("issued_on")),
            ),
            models.CheckConstraint(
                name="source_url_http",
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
            ),
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def is_frozen(self) -> bool:
        """Whether a revision beyond draft cites this source, or readers can see it."""
        return self.frozen_at is not None or self.published_at is not None

    @property
    def issued_display(self) -> str:
        if self.issued_on is None:
            return ""
        return format_partial_date(self.issued_on, self.issued_precision, until=self.issued_until)


class LinkOutcome(models.TextChoices):
    OK = "ok", "正常"
    REDIRECT_SAME_SITE = "redirect_same_site", "同じサイト内へ転送"
    REDIRECT_OTHER_SITE = "redirect_other_site", "別のサイトへ転送"
    NOT_FOUND = "not_found", "見つからない（404/410）"
    SOFT_404 = "soft_404", "見つからない旨のページ（soft 404）"
    CLIENT_ERROR = "client_error", "その他のクライアントエラー（4xx）"
    SERVER_ERROR = "server_error", "サーバーエラー（5xx）"
    TIMEOUT = "timeout", "時間切れ"
    CONNECTION_ERROR = "connection_error", "接続できない"


FAILING_OUTCOMES = (
    LinkOutcome.NOT_FOUND, LinkOutcome.SOFT_404, LinkOutcome.CLIENT_ERROR, LinkOutcome.SERVER_ERROR,
    LinkOutcome.TIMEOUT, LinkOutcome.CONNECTION_ERROR,
)


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "未確認"
    OK = "ok", "正常"
    MOVED = "moved", "別のサイトへ転送"
    FAILING = "failing", "失敗あり（様子見）"
    DEAD = "dead", "リンク切れ"


class LinkCheck(models.Model):
    """One check of a source's URL. Append-only; kept apart from the immutable release data."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="link_checks", verbose_name="出典")
    url = models.URLField("確認したURL", max_length=1000)
    checked_at = models.DateTimeField("確認日時", db_index=True)
    outcome = models.CharField("結果", max_length=24, choices=LinkOutcome.choices)
    http_status = models.PositiveSmallIntegerField("HTTPステータス", null=True, blank=True)
    final_url = models.URLField("転送先", max_length=1000, blank=True)
    error = models.CharField("エラー", max_length=500, blank=True)
    elapsed_ms = models.PositiveIntegerField("所要時間（ミリ秒）", null=True, blank=True)

    class Meta:
        verbose_name = "リンク確認"
        verbose_name_plural = "リンク確認"
        ordering = ("-checked_at", "-pk")
        indexes = [models.Index(fields=("source", "-checked_at"), name="linkcheck_source_recent")]

    def __str__(self) -> str:
        return f"{self.url} {self.get_outcome_display()} ({self.checked_at:%Y-%m-%d})"


class LinkHealth(models.Model):
    """The current health of a source's URL, derived from its checks."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="link_health", verbose_name="出典")
    status = models.CharField("状態", max_length=16, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED,
                              db_index=True)
    last_checked_at = models.DateTimeField("最終確認", null=True, blank=True)
    last_ok_at = models.DateTimeField("最後に正常だった日時", null=True, blank=True)
    failing_since = models.DateTimeField("失敗が続いている起点", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField("連続失敗回数", default=0)
    last_outcome = models.CharField("直近の結果", max_length=24, choices=LinkOutcome.choices, blank=True)
    final_url = models.URLField("転送先", max_length=1000, blank=True)

    class Meta:
        verbose_name = "リンクの状態"
        verbose_name_plural = "リンクの状態"

    def __str__(self) -> str:
        return f"{self.source.url} {self.get_status_display()}"
