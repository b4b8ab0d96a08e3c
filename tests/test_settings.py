"""Settings come from the environment, and a bad value stops the process with its name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from courseplatform.env import env_bool, env_database, env_int, env_redis_url

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "a-production-secret-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "courses.example.org",
    "DATABASE_URL": "postgres://courses:secret@db:5432/courses",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "DEBUG": "0",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DEMO_MODE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://db/courses"),
        ("DATABASE_URL", "postgres://db:notaport/courses"),
        ("REDIS_URL", "http://redis:6379"),
        ("EMAIL_PORT", "twenty-five"),
    ],
)
def test_a_bad_setting_stops_the_start_and_names_the_variable(name, value):
    result = run_manage("check", env={**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_understands_postgres_and_sqlite(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p%40ss@host:6543/name?sslmode=require")
    db = env_database("DATABASE_URL", Path("unused"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u", "p@ss", "host", "6543", "name"
    )  # fmt: skip
    assert db["OPTIONS"] == {"sslmode": "require"}

    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    assert env_database("DATABASE_URL", Path("unused"))["NAME"] == "/tmp/x.sqlite3"

    monkeypatch.delenv("DATABASE_URL")
    assert env_database("DATABASE_URL", Path("/default.sqlite3"))["NAME"] == Path(
        "/default.sqlite3"
    )


def test_helpers_fall_back_to_their_defaults_and_reject_nonsense(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", True) is True
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False
    monkeypatch.setenv("SOME_NUMBER", "12")
    assert env_int("SOME_NUMBER", 1) == 12
    monkeypatch.setenv("SOME_NUMBER", "1.5")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_REDIS", "redis://localhost:6379/1")
    assert env_redis_url("SOME_REDIS") == "redis://localhost:6379/1"


def test_production_refuses_to_start_without_redis():
    result = run_manage("check", env={**PRODUCTION_ENV, "REDIS_URL": ""})
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr


def test_demo_mode_runs_without_redis():
    env = {**PRODUCTION_ENV, "REDIS_URL": "", "DEMO_MODE": "1", "EMAIL_HOST": ""}
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_way_to_send_email():
    result = run_manage("check", env={**PRODUCTION_ENV, "EMAIL_HOST": ""})
    assert result.returncode != 0
    assert "EMAIL_HOST or EMAIL_BACKEND must be set" in result.stderr


def test_an_email_provider_backend_is_chosen_and_configured_from_the_environment():
    env = {
        **PRODUCTION_ENV,
        "EMAIL_HOST": "",
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL_MAILGUN_API_KEY": "key-from-the-environment",
    }
    # Anymail's backend refuses to start without its key, so opening a connection
    # proves the key reached it.
    code = (
        "from django.core.mail import get_connection; "
        "connection = get_connection(); "
        "print(type(connection).__module__, connection.api_key)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["anymail.backends.mailgun", "key-from-the-environment"]


@pytest.mark.parametrize("mode", ["DEMO_MODE", "DEBUG"])
def test_the_public_fallback_key_is_refused_for_hosts_other_than_this_machine(mode):
    env = {"SECRET_KEY": "", mode: "1", "ALLOWED_HOSTS": "courses.example.org"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when the site answers to hosts other than" in result.stderr


@pytest.mark.parametrize("hosts", ["", "127.0.0.1,localhost", "[::1]"])
def test_demo_mode_on_this_machine_needs_no_secret_key(hosts):
    env = {"SECRET_KEY": "", "DEMO_MODE": "1", "ALLOWED_HOSTS": hosts}
    if not hosts:
        env.pop("ALLOWED_HOSTS")
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr
