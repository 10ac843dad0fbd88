"""Settings for benchmarks: the product plus django-simple-history as the peer."""
from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "simple_history", "benchmarks.peer.apps.PeerConfig"]  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["*"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
MIGRATION_MODULES = {"bench_peer": None}  # tables made with --run-syncdb
SECURE_SSL_REDIRECT = False  # loopback only
