"""The floor of issue 12: one stored row holding a whole response, nothing else."""
from django.db import models


class StoredResponse(models.Model):
    name = models.CharField(max_length=50, unique=True)
    content_type = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        app_label = "bench_floor"
