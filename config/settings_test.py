"""Test settings: the production settings module with test-friendly overrides."""
import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("DEBUG", "0")
# One connection per test thread, closed after each request, as pytest-django expects
# (production defaults to psycopg's pool; tests of the pool start their own processes).
os.environ.setdefault("DB_POOL", "0")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

from .settings import *  # noqa: E402,F403
from .settings import MIDDLEWARE, REST_FRAMEWORK, STORAGES  # noqa: E402

# Every /api/ response a test receives is checked against the OpenAPI schema (outermost:
# it sees the final response); a mismatch fails that test (tests/openapi_validation.py).
MIDDLEWARE = ["tests.openapi_validation.ResponseValidationMiddleware", *MIDDLEWARE]

# Tests render with DEBUG off; plain storage needs no collectstatic manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SITE_URL = "https://briefings.example.org"  # deliberately not the test client's Host
RELEASE_PDF_AT_PUBLISH = False  # about a second per publication: tests that need the PDF ask for it
# Every request reads the page generations: tests empty the cache between and within tests
# ("the TTL passed"), which a remembered stamp would outlive for a second; tests of the
# interval set their own (tests/releases/test_local_pages.py).
RELEASE_PAGE_LOCAL_RECHECK = 0.0
# Rate limits far above what any test sends from 127.0.0.1; tests of the limits set their own.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon_read": "100000/min", "user_write": "100000/min", "auth_token": "100000/min",
                                "subscribe": "100000/min"},
}
WEBHOOK_ALLOW_LOOPBACK = True  # the tests' receivers listen on 127.0.0.1
