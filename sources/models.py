"""Sources: the documents footnotes and events cite."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.dates import DatePrecision, format_partial_date
from core.models import TimeStampedModel


class SourceKind(models.TextChoices):
    NEWSPAPER = "newspaper", "新聞"
    WEBSITE = "website", "ウェブサイト"
    DIET_RECORD = "diet_record", "国会会議録"
    JOURNAL_ARTICLE = "journal_article", "雑誌・論文"
    BOOK = "book", "図書"
    GOVERNMENT_DOCUMENT = "government_document", "政府資料"
    OTHER = "other", "その他"


class Source(TimeStampedModel):
    """A citable document, shared by every footnote and event that cites it.

    ``fingerprint`` is the natural key (a hash of the normalized citation) that
    makes ingestion idempotent.
    """

    fingerprint = models.CharField("識別子", max_length=64, unique=True, editable=False)
    kind = models.CharField("種別", max_length=32, choices=SourceKind.choices, db_index=True)
    citation = models.TextField("出典表記", help_text="本文の表記のまま（例：『日本経済新聞』（2025.1.23））")
    title = models.CharField("標題", max_length=500, blank=True)
    container = models.CharField("掲載誌・紙", max_length=255, blank=True, help_text="例：『日本経済新聞』『外交』")
    volume = models.CharField("巻号", max_length=100, blank=True, help_text="例：Vol.88、No.1553")
    author = models.CharField("著者", max_length=255, blank=True)
    publisher = models.CharField("発行者・サイト", max_length=255, blank=True)
    issued_on = models.DateField("発行日", null=True, blank=True)
    issued_until = models.DateField("発行日（期間の終わり）", null=True, blank=True)
    issued_precision = models.CharField(
        "発行日の精度", max_length=8, choices=DatePrecision.choices, blank=True
    )
    issued_text = models.CharField("発行日（原文）", max_length=100, blank=True)
    url = models.URLField("URL", max_length=1000, blank=True)
    url_domain = models.CharField("ドメイン", max_length=255, blank=True, db_index=True, editable=False)
    accessed_on = models.DateField("最終アクセス日", null=True, blank=True)
    pages = models.CharField("掲載頁", max_length=100, blank=True)

    class Meta:
        verbose_name = "出典"
        verbose_name_plural = "出典"
        ordering = ("issued_on", "pk")
        constraints = [
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
    def issued_display(self) -> str:
        if self.issued_on is None:
            return ""
        return format_partial_date(self.issued_on, self.issued_precision, until=self.issued_until)
