"""Read settings from the environment (12-factor).

Only ``config/settings.py`` imports this module.
"""
from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def database_from_env(*, sqlite_path: str) -> dict[str, object]:
    """Return the default database: DATABASE_URL, else PG* variables, else SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url:
        parsed = urlparse(url)
        if parsed.scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
            return _postgres(
                name=unquote(parsed.path.lstrip("/")),
                user=unquote(parsed.username or ""),
                password=unquote(parsed.password or ""),
                host=parsed.hostname or "",
                port=str(parsed.port or ""),
            )
        if parsed.scheme == "sqlite":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path or sqlite_path}
        raise ImproperlyConfigured(f"Unsupported DATABASE_URL scheme {parsed.scheme!r}")
    if os.environ.get("PGHOST") or os.environ.get("PGDATABASE"):
        return _postgres(
            name=os.environ.get("PGDATABASE", "briefings"),
            user=os.environ.get("PGUSER", ""),
            password=os.environ.get("PGPASSWORD", ""),
            host=os.environ.get("PGHOST", ""),
            port=os.environ.get("PGPORT", ""),
        )
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path}


def _postgres(*, name: str, user: str, password: str, host: str, port: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": password,
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {},
    }
