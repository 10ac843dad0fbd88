from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "briefings"
    verbose_name = "ブリーフィング"

    def ready(self) -> None:
        from briefings import receivers  # noqa: F401  (connects the workflow's side effects)
