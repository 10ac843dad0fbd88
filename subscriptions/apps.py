from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "購読・Webhook"

    def ready(self) -> None:
        from subscriptions import receivers  # noqa: F401  (connects mails and webhooks to publication, staleness, dead links)
