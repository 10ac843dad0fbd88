"""Django settings, read from the environment (see README, "Configuration").

With no environment beyond ``DEBUG=1`` the product runs on SQLite with Celery
tasks executed eagerly; ``DATABASE_URL`` or ``PG*`` switch to PostgreSQL and
``CELERY_BROKER_URL`` to a real broker.
"""
from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab

from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_env, env_bool, env_float, env_int, env_list, env_str

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
    "core.health.HealthCheckMiddleware",  # /healthz, /readyz: before host checks, redirects, sessions
    "core.proxy.ForwardedForMiddleware",  # the client's address behind TRUSTED_PROXIES
    "core.logging.RequestLogMiddleware",  # request id + one log line per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.throttling.LoginThrottleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# With DEBUG on (the demo), still serve the product's 404/500 pages and log the detail;
# DEBUG_TECHNICAL_PAGES=1 brings back Django's technical pages for development.
if DEBUG and not env_bool("DEBUG_TECHNICAL_PAGES"):
    MIDDLEWARE.append("core.errorpages.ProductErrorPagesMiddleware")

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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections (2.2-3.2x the requests per second of a new connection per
    # request, docs/operations.md). Production default: each thread keeps its connection
    # for DB_CONN_MAX_AGE seconds, checked before reuse, so a thread never waits for
    # another's. DB_POOL=1 uses psycopg's pool instead, one per process, to bound the
    # connections (processes x DB_POOL_MAX_SIZE): give it at least as many connections
    # as the process has threads, or requests queue for one.
    DATABASES["default"]["OPTIONS"] = {"connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5)}
    if env_bool("DB_POOL"):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1),
            "max_size": env_int("DB_POOL_MAX_SIZE", 4),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),  # seconds a request waits for a free connection
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and Celery worker write the same file: wait for the
    # lock instead of failing, take it at the start of a transaction, let readers
    # read while one process writes (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }

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

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the product stores (Django's storage API): a folder by default; an
# S3-compatible bucket through django-storages when AWS_STORAGE_BUCKET_NAME is
# set, so that several web servers share them (docs/operations.md).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = env_str("MEDIA_URL", "media/")
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    try:
        import storages  # noqa: F401  (optional dependency: only with S3 storage)
    except ImportError as exc:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is not installed: "
            "pip install 'django-storages[s3]==1.14.6'"
        ) from exc
    DEFAULT_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, R2, …
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,  # else the instance's role
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION"),  # a prefix inside the bucket
            "default_acl": None,  # the bucket's policy decides
            "file_overwrite": False,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", default=True),
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
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
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The demo's broker: message files in a folder, no server (scripts/demo).
    _BROKER_FOLDER = env_str("CELERY_BROKER_FOLDER") or str(BASE_DIR / ".demo" / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": _BROKER_FOLDER, "data_folder_out": _BROKER_FOLDER}
# Celery logs through LOGGING below (one line per task, same format as the web).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TIMEZONE = TIME_ZONE
PUBLISH_DUE_INTERVAL = env_int("PUBLISH_DUE_INTERVAL", 60)  # seconds between looks for due revisions
SCHEDULER_HEARTBEAT_INTERVAL = env_int("SCHEDULER_HEARTBEAT_INTERVAL", 30)  # core.selectors.scheduler_status
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "publish-due-revisions": {
        "task": "briefings.revision_publish_due_task",
        "schedule": float(PUBLISH_DUE_INTERVAL),
        "options": {"expires": max(1, PUBLISH_DUE_INTERVAL - 10)},
    },
    "scheduler-heartbeat": {
        "task": "core.scheduler_heartbeat_task",
        "schedule": float(SCHEDULER_HEARTBEAT_INTERVAL),
        "options": {"expires": max(1, SCHEDULER_HEARTBEAT_INTERVAL - 5)},
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
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # implicit TLS, usually port 465
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "briefings@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Security (production) ------------------------------------------------
# Proxies whose X-Forwarded-For is believed (core/proxy.py): the client's address
# then comes from the header, for login throttling and the logs.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
if not DEBUG:
    # Behind a TLS-terminating proxy that sets (overwrites) X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# One line per request (core.request) and per task (core.task), each naming the
# request id; LOG_FORMAT=json writes one JSON object per line (core/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logging.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # core.request logs every request once; these would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # core.task logs every task once; Celery's "received"/"succeeded" lines would repeat it.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
    },
}

# Errors to Sentry when SENTRY_DSN is set (sentry-sdk is an optional dependency).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install sentry-sdk==2.75.0"
        ) from exc
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,  # no user names, emails or cookies leave the server
    )

# Health endpoints (core/health.py): seconds each dependency may take to answer /readyz.
READYZ_TIMEOUT = env_float("READYZ_TIMEOUT", 3.0)

# --- Product --------------------------------------------------------------
BRIEFINGS_SITE_NAME = env_str("SITE_NAME", "政策ブリーフィング")
# The canonical origin of every absolute URL in stored or cached content (PDFs,
# feeds, citations, emails, Memento headers); the request's Host never is.
# Required when DEBUG is off (core.checks); the demo serves 127.0.0.1:$PORT.
SITE_URL = (env_str("SITE_URL") or (f"http://127.0.0.1:{env_str('PORT', '8000')}" if DEBUG else "")).rstrip("/")
