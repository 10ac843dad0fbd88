from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "出来事"

    def ready(self) -> None:
        from briefings.selectors.review import register_review_panel
        from events import receivers  # noqa: F401  (connects the emails about stale sections)
        from events.selectors import covered_events_panel

        register_review_panel(covered_events_panel)  # the review page shows the events a change covers
