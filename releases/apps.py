from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "公開版"

    def ready(self) -> None:
        from briefings.publication import register_publisher
        from releases import receivers  # noqa: F401  (connects cache purge and PDF rendering to publication)
        from releases.services.publishing import release_publish

        register_publisher(release_publish)
