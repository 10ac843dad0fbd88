from django.apps import AppConfig


class PeerConfig(AppConfig):
    name = "benchmarks.peer"
    label = "bench_peer"
    default_auto_field = "django.db.models.BigAutoField"
