"""Settings for benchmarks: the product plus django-simple-history as the peer and the floor view."""
from config.settings import *  # noqa: F403

INSTALLED_APPS = [  # noqa: F405
    *INSTALLED_APPS,  # noqa: F405
    "simple_history",
    "benchmarks.peer.apps.PeerConfig",
    "benchmarks.floor.apps.FloorConfig",
]
ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
SITE_URL = SITE_URL or "https://briefings.example.org"  # noqa: F405 - absolute URLs in artefacts, never the Host
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
MIGRATION_MODULES = {"bench_peer": None, "bench_floor": None}  # tables made with --run-syncdb
SECURE_SSL_REDIRECT = False  # loopback only
RELEASE_PDF_AT_PUBLISH = False  # the bench publishes hundreds of releases; PDFs are not measured
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "core.request": {"level": "WARNING"}}}  # noqa: F405 - a line per request would drown the tables
