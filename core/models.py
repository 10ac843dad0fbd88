"""Abstract model bases shared by every app."""
from django.db import models


class TimeStampedModel(models.Model):
    """Give a row indexed ``created_at`` and ``updated_at`` timestamps."""

    created_at = models.DateTimeField("作成日時", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True
