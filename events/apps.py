from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "出来事"

    def ready(self) -> None:
        from events import receivers  # noqa: F401  (connects the emails about stale sections)
