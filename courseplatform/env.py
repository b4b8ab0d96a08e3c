"""Read settings from the environment, failing loudly on a bad value.

Every setting that can come from the environment goes through one of these
functions, so a typo in production stops the process at start with a message
that names the variable instead of surfacing later as odd behaviour.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false or yes/no.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every variable starting with `prefix`, keyed by the rest of its name.

    For settings dicts whose keys depend on a choice made elsewhere, such as
    ANYMAIL, where each email provider wants keys of its own.
    """
    return {
        name.removeprefix(prefix): value.strip()
        for name, value in os.environ.items()
        if name.startswith(prefix) and name != prefix
    }


def _sqlite(path) -> dict:
    """SQLite set up for a web server and a worker writing at once.

    By default a transaction takes the write lock only at its first write,
    and a second transaction that read in the meantime then fails at once
    with "database is locked" (waiting could deadlock). Taking the lock at
    the start (IMMEDIATE) makes the second wait its turn, up to `timeout`
    seconds; write-ahead logging lets readers go on while one writes.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


def env_database(name: str, default_sqlite_path: Path) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry.

    Accepts postgres://user:pass@host:port/dbname (also postgresql://) and
    sqlite:///relative/or/absolute/path.
    """
    value = _raw(name)
    if not value:
        return _sqlite(default_sqlite_path)
    url = urlparse(value)
    if url.scheme == "sqlite":
        path = unquote(url.path[1:] if url.path.startswith("//") else url.path)
        if not path:
            raise ImproperlyConfigured(f"{name}={value!r} names no SQLite file.")
        return _sqlite(path)
    if url.scheme in {"postgres", "postgresql"}:
        dbname = unquote(url.path.lstrip("/"))
        if not dbname:
            raise ImproperlyConfigured(f"{name}={value!r} names no database after the host.")
        try:
            port = url.port
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}={value!r} has a port that is not a number."
            ) from None
        options = {key: values[-1] for key, values in parse_qs(url.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dbname,
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": unquote(url.hostname or ""),
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{name}={value!r} is not understood; use postgres://user:password@host:port/name "
        "or sqlite:///path/to/file.sqlite3."
    )


def env_redis_url(name: str) -> str | None:
    value = _raw(name)
    if not value:
        return None
    if urlparse(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name}={value!r} is not a redis:// or rediss:// URL.")
    return value
