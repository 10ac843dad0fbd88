"""Django settings, read from the environment (see README, "Configuration").

With no environment beyond ``DEBUG=1`` the product runs on SQLite with Celery
tasks executed eagerly; ``DATABASE_URL`` or ``PG*`` switch to PostgreSQL and
``CELERY_BROKER_URL`` to a real broker.
"""
from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab

from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_env, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "core",
    "sources",
    "briefings",
    "events",
    "releases",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.throttling.LoginThrottleMiddleware",
    "core.locale.NegotiatedLocaleMiddleware",  # Accept-Language only where it changes the response
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": database_from_env(sqlite_path=str(BASE_DIR / "db.sqlite3"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL"):
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 4}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "media")  # stored PDFs (default storage)
MEDIA_URL = "media/"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Link checking of sources (sources/services.py, sources/tasks.py).
LINK_CHECK_TIMEOUT = float(env_int("LINK_CHECK_TIMEOUT", 10))
LINK_CHECK_HOST_CONCURRENCY = env_int("LINK_CHECK_HOST_CONCURRENCY", 1)
LINK_CHECK_MIN_INTERVAL = env_int("LINK_CHECK_MIN_INTERVAL", 6 * 3600)
LINK_CHECK_SPACING = env_int("LINK_CHECK_SPACING", 2)  # seconds between queued checks of one sweep
LINK_DEAD_AFTER_FAILURES = env_int("LINK_DEAD_AFTER_FAILURES", 3)
LINK_DEAD_AFTER_DAYS = env_int("LINK_DEAD_AFTER_DAYS", 3)
LINK_CHECK_USER_AGENT = env_str("LINK_CHECK_USER_AGENT") or (
    "BriefingsLinkChecker/1.0 (dated policy briefings; checks cited sources once a day)"
)

# Admin login throttling (core/throttling.py): failures per address or user name per window.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)

# One cache for rendered release pages, PDFs and login throttling. Set CACHE_URL
# (redis://…) in production so every process shares it; else per-process memory.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "briefings-default"}
    )
}

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],  # the API speaks JSON (CONTRACT.md)
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dated policy briefings API",
    "DESCRIPTION": "Published briefings, their releases and as-of snapshots.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.openapi.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "ReleaseKindEnum": "briefings.models.ReleaseKind",
        "RevisionStatusEnum": "briefings.models.RevisionStatus",
        "SourceKindEnum": "sources.models.SourceKind",
    },
}

# Render each release's PDF in the worker right after it is published (releases/receivers.py).
RELEASE_PDF_AT_PUBLISH = env_bool("RELEASE_PDF_AT_PUBLISH", default=True)

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
# Without a broker the product runs tasks in-process (first run, tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "publish-due-revisions": {
        "task": "briefings.revision_publish_due_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "check-source-links": {
        "task": "sources.link_check_all_task",
        "schedule": crontab(hour=3, minute=17),  # daily, 03:17 Asia/Tokyo (CELERY_TIMEZONE)
    },
}

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "briefings@localhost")

# --- Security (production) ------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product --------------------------------------------------------------
BRIEFINGS_SITE_NAME = env_str("SITE_NAME", "政策ブリーフィング")
# The canonical origin of every absolute URL in stored or cached content (PDFs,
# feeds, citations, emails, Memento headers); the request's Host never is.
# Required when DEBUG is off (core.checks); the demo serves 127.0.0.1:$PORT.
SITE_URL = (env_str("SITE_URL") or (f"http://127.0.0.1:{env_str('PORT', '8000')}" if DEBUG else "")).rstrip("/")
