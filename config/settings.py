"""Django settings, read from the environment (see README, "Configuration").

With no environment beyond ``DEBUG=1`` the product runs on SQLite with Celery
tasks executed eagerly; ``DATABASE_URL`` or ``PG*`` switch to PostgreSQL and
``CELERY_BROKER_URL`` to a real broker.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

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
    "config.apps.DeskAdminConfig",  # django.contrib.admin, its home page being the desk
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files (/api/docs/ loads nothing from elsewhere)
    "csp",
    "django_celery_beat",
    "axes",
    "core",
    "sources",
    "briefings",
    "events",
    "releases",
    "subscriptions",
    "demo",
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",  # /healthz, /readyz: before host checks, redirects, sessions
    "core.proxy.ForwardedForMiddleware",  # the client's address behind TRUSTED_PROXIES
    "core.logging.RequestLogMiddleware",  # request id + one log line per request
    # Reader pages this process served, kept with the headers the three below add: a hit
    # skips everything but logging (releases/caching.py says what still applies to it).
    "releases.caching.LocalPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # with the two around it: every response gets the headers (hits: kept ones)
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.request_guard.RequestGuardMiddleware",
    "core.throttling.LoginAttemptLockMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.locale.FixedLocaleMiddleware",  # Japanese for everyone (the admin too), no Vary: Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# django-axes checks a login's lockout before the password (core/throttling.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # Django's queries are bound on the client and never prepared, whatever this says; the release
        # page's lookup asks for a prepared statement explicitly (releases/selectors/pages.py), which
        # needs a threshold. 0 behind a PgBouncer in transaction mode older than 1.21.
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 1_000_000
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
LANGUAGES = [("ja", "日本語")]
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

# Hostile input (core/request_guard.py, core/api.py): bodies over this many bytes are
# refused with 413 before they are read (Django's own form limit agrees); JSON deeper
# than API_JSON_MAX_DEPTH levels is a 400.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)
# Seconds a 503 (database unreachable, core/errorpages.py) asks clients to wait.
SERVICE_UNAVAILABLE_RETRY_AFTER = env_int("SERVICE_UNAVAILABLE_RETRY_AFTER", 30)

# Link checking of sources (sources/services.py, sources/tasks.py).
LINK_CHECK_TIMEOUT = float(env_int("LINK_CHECK_TIMEOUT", 10))
LINK_CHECK_HOST_CONCURRENCY = env_int("LINK_CHECK_HOST_CONCURRENCY", 1)
LINK_CHECK_MIN_INTERVAL = env_int("LINK_CHECK_MIN_INTERVAL", 6 * 3600)
LINK_CHECK_SPACING = env_int("LINK_CHECK_SPACING", 2)  # seconds between queued checks of one sweep
LINK_DEAD_AFTER_FAILURES = env_int("LINK_DEAD_AFTER_FAILURES", 3)
# The link checker never connects to non-public addresses (sources/linkcheck.py). This admits
# loopback (127.0.0.0/8, ::1) only, for tests against local servers; never set it in production
# (system check core.W001).
LINK_CHECK_ALLOW_LOOPBACK = env_bool("LINK_CHECK_ALLOW_LOOPBACK", default=False)
LINK_DEAD_AFTER_DAYS = env_int("LINK_DEAD_AFTER_DAYS", 3)
LINK_CHECK_USER_AGENT = env_str("LINK_CHECK_USER_AGENT") or (
    "BriefingsLinkChecker/1.0 (dated policy briefings; checks cited sources once a day)"
)

# Login lockout (django-axes, core/throttling.py): after LOGIN_THROTTLE_ATTEMPTS failures
# of one user name from one address, that combination is refused (429) for
# LOGIN_THROTTLE_WINDOW seconds; a success clears the count. Other addresses are never
# locked out by it. The client's address comes from core.proxy (TRUSTED_PROXIES).
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)
AXES_FAILURE_LIMIT = LOGIN_THROTTLE_ATTEMPTS
AXES_COOLOFF_TIME = dt.timedelta(seconds=LOGIN_THROTTLE_WINDOW)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the count is of passwords tried
AXES_LOCKOUT_CALLABLE = "core.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_ip"
AXES_VERBOSE = False

# One cache for rendered release pages, PDFs and login throttling. Set CACHE_URL
# (redis://…) in production so every process shares it; else per-process memory.
# The Redis backend degrades to "no cache" while Redis is down (core/cache.py); the
# socket timeouts bound what a silently dropped connection can cost one request.
CACHE_URL = env_str("CACHE_URL")
CACHE_SOCKET_TIMEOUT = float(env_str("CACHE_SOCKET_TIMEOUT", "1"))
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": CACHE_SOCKET_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "briefings-default"}
    )
}

# --- Browser security headers (every response: pages, admin, API, docs, errors, static) ---
# No inline script anywhere and no script from another origin. Inline <style> blocks carry the
# request's nonce ({{ request.csp_nonce }}); the one in Django's own admin change list is allowed
# by its hash (ADMIN_CHANGELIST_STYLE_HASH, checked against the installed Django by a test). The API
# docs view alone widens style-src for Swagger UI's inline styles (config/urls.py).
ADMIN_CHANGELIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE, ADMIN_CHANGELIST_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"  # no Referer to the cited sites readers follow

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate makes a missing credential 401, not 403 (CONTRACT.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],  # the API speaks JSON (CONTRACT.md)
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Rate limits (core/throttling.py): 429 with Retry-After beyond them.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonReadThrottle",
        "core.throttling.UserWriteThrottle",
        "core.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon_read": env_str("API_RATE_ANON_READ", "300/min"),
        "user_write": env_str("API_RATE_USER_WRITE", "60/min"),
        "auth_token": env_str("API_RATE_AUTH_TOKEN", "10/min"),
        "subscribe": env_str("SUBSCRIBE_RATE", "10/hour"),  # subscription form, per client address
    },
    "NUM_PROXIES": 0,  # REMOTE_ADDR is already the client's address (core.proxy, TRUSTED_PROXIES)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dated policy briefings API",
    "DESCRIPTION": "Published briefings, their releases and as-of snapshots.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no call to the public validator
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.add_error_responses",
        # After the error responses: what validators, Spectral and client generators need (docs/api.md).
        "core.openapi_clients.anyof_for_alternatives",
        "core.openapi_clients.enum_varnames",
        "core.openapi_clients.transport_error_responses",
        "config.api_operations.document_operations",
    ],
    # One tag per resource (drf-spectacular tags an operation by its first path segment);
    # generated clients make one module per tag. tests/api/test_schema_quality.py requires
    # every tag used to be listed here.
    "TAGS": [
        {"name": "auth", "description": "API tokens: obtain one with a user name and password, revoke it."},
        {"name": "briefings", "description": "Published briefings, their releases and as-of snapshots."},
        {"name": "claims", "description": "The sentences of visible revisions, with their footnote references."},
        {"name": "events", "description": "Dated events and the sections they bear on; editors create and edit them."},
        {"name": "releases", "description": "Public releases with their manifests, digests and frozen artefacts."},
        {"name": "revisions", "description": "Section revisions and the editorial workflow: edit, submit, approve, "
                                             "reject (four eyes)."},
        {"name": "sections", "description": "Sections of briefings; editors start drafts from them."},
        {"name": "sources", "description": "Cited sources with structured bibliographic fields and link health; "
                                           "editors create and correct them."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReleaseKindEnum": "briefings.models.ReleaseKind",
        "RevisionStatusEnum": "briefings.models.RevisionStatus",
        "SourceKindEnum": "sources.models.SourceKind",
    },
}

# Render each release's PDF in the worker right after it is published (releases/receivers.py).
RELEASE_PDF_AT_PUBLISH = env_bool("RELEASE_PDF_AT_PUBLISH", default=True)
# Bytes of reader pages each process keeps in its own memory in front of the shared cache
# (releases.caching.LocalPageMiddleware; 0 turns the layer off). About 230 pages of 140 KiB.
RELEASE_PAGE_LOCAL_BYTES = env_int("RELEASE_PAGE_LOCAL_BYTES", 32 * 1024 * 1024)
# Seconds a process trusts the page and live-state generations it last read from the shared
# cache: how late a publication made through another process can reach this one's memory
# (0: read them on every request, a Redis round trip per hit).
RELEASE_PAGE_LOCAL_RECHECK = env_float("RELEASE_PAGE_LOCAL_RECHECK", 0.1)

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
# Without a broker the product runs tasks in-process (first run, tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Celery logs through LOGGING below (one line per task, same format as the web).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TIMEZONE = TIME_ZONE
PUBLISH_DUE_INTERVAL = env_int("PUBLISH_DUE_INTERVAL", 60)  # seconds between looks for due revisions
SCHEDULER_HEARTBEAT_INTERVAL = env_int("SCHEDULER_HEARTBEAT_INTERVAL", 30)  # core.selectors.scheduler_status
# A task whose worker died without acknowledging it (acks_late) is handed out again once it has
# been unacknowledged this long (seconds), by the next worker that starts or sweeps. Keep it above
# the longest countdown/ETA in use (link checks are spread over LINK_CHECK_SPACING x sources).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The demo's broker: message files in a folder, no server (scripts/demo).
    _BROKER_FOLDER = env_str("CELERY_BROKER_FOLDER") or str(BASE_DIR / ".demo" / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS |= {"data_folder_in": _BROKER_FOLDER, "data_folder_out": _BROKER_FOLDER}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late, a worker holds only what it runs
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
    "subscription-weekly-digest": {
        "task": "subscriptions.subscription_digest_all_task",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),  # Mondays, 08:00 Asia/Tokyo
        "options": {"expires": 6 * 3600},
    },
}

# --- Subscriptions and webhooks (subscriptions/) ------------------------------
SUBSCRIPTION_CONFIRM_MAX_AGE = env_int("SUBSCRIPTION_CONFIRM_MAX_AGE", 7 * 24 * 3600)  # seconds a confirmation link works
SUBSCRIPTION_RESEND_INTERVAL = env_int("SUBSCRIPTION_RESEND_INTERVAL", 600)  # at most one confirmation mail per row
WEBHOOK_TIMEOUT = float(env_int("WEBHOOK_TIMEOUT", 10))
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE = env_int("WEBHOOK_RETRY_BASE", 30)  # seconds before the 2nd attempt, doubled each time
WEBHOOK_RETRY_MAX = env_int("WEBHOOK_RETRY_MAX", 6 * 3600)
# Loopback receivers (and plain http to them) for tests and local development only.
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", default=False)

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
# Retries of one recipient's mail (core/mail.py): after attempt n, wait MAIL_RETRY_BASE * 2**(n-1)
# seconds (at most MAIL_RETRY_MAX), MAIL_MAX_ATTEMPTS attempts in all (over about 2 h with the defaults).
MAIL_RETRY_BASE = env_int("MAIL_RETRY_BASE", 60)
MAIL_RETRY_MAX = env_int("MAIL_RETRY_MAX", 3600)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)

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
