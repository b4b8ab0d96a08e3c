"""Prove that scripts/with-services (or CI) hands the tests real services.

These are plain functions on purpose: they talk to the servers directly with
psycopg and redis-py, so they do not depend on Django's database fixtures and
still say something useful when the Django settings are broken.  Each test
skips only when its environment variable is absent (e.g. a bare `pytest` run
on a laptop, which uses SQLite and the local-memory cache).
"""

import os
import uuid

import pytest


def test_database_url_is_a_reachable_postgresql():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set")
    assert url.startswith(("postgres://", "postgresql://")), url

    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        assert server_version
        # Django's test runner creates its own test database, so the role must
        # be allowed to do that.
        can_create = conn.execute(
            "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]
        assert can_create, "the DATABASE_URL role needs CREATEDB"
        # A real write/read round trip, not just a handshake.
        conn.execute("CREATE TEMP TABLE harness_probe (v text)")
        conn.execute("INSERT INTO harness_probe VALUES (%s)", ("ok",))
        assert conn.execute("SELECT v FROM harness_probe").fetchone()[0] == "ok"


def test_redis_url_is_a_reachable_redis():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")

    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    try:
        assert client.ping() is True
        key = f"harness-probe:{uuid.uuid4()}"
        client.set(key, b"ok", ex=60)
        assert client.get(key) == b"ok"
        client.delete(key)
    finally:
        client.close()
