from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the checks)
        from core.logging import connect_celery_signals

        connect_celery_signals()  # request ids into tasks, one log line per task
