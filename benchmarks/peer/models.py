"""What a Django developer would reach for: one row per section, history kept by
django-simple-history, read back with ``history.as_of(moment)``."""
from django.db import models
from simple_history.models import HistoricalRecords


class SectionText(models.Model):
    key = models.CharField(max_length=50, unique=True)
    number = models.CharField(max_length=20, blank=True)
    heading = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    information_as_of = models.DateField()
    history = HistoricalRecords()

    class Meta:
        app_label = "bench_peer"
