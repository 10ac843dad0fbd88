"""Abstract model bases shared by every app."""
from django.db import models

SCHEDULER = "scheduler"  # the Heartbeat name of Celery beat + worker


class TimeStampedModel(models.Model):
    """Give a row indexed ``created_at`` and ``updated_at`` timestamps."""

    created_at = models.DateTimeField("作成日時", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time a periodic process proved it was alive: one row per process name.

    Celery beat sends ``core.scheduler_heartbeat_task`` every
    ``SCHEDULER_HEARTBEAT_INTERVAL`` seconds and a worker runs it, so a recent
    ``scheduler`` beat means beat, the broker and a worker all work: scheduled
    revisions will be published.
    """

    name = models.CharField("名前", max_length=50, unique=True)
    beat_at = models.DateTimeField("最終確認")

    class Meta:
        verbose_name = "稼働確認"
        verbose_name_plural = "稼働確認"

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
