"""The production description stays in step with the code it starts."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_web_worker_one_beat_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn courseplatform.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A courseplatform worker")
    assert services["beat"]["command"].startswith("celery -A courseplatform beat")
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "--beat" not in services["worker"]["command"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")


def test_the_image_installs_the_pinned_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert pins and all("==" in line for line in pins)


def test_the_image_build_step_gives_the_settings_all_they_require():
    """collectstatic runs at build time with placeholder values; production settings must load."""
    from tests.test_settings import run_manage

    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    build_line = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    words = build_line.removeprefix("RUN").split()
    env = dict(word.split("=", 1) for word in words[: words.index("python")])
    result = run_manage("check", env={**env, "DEBUG": "0", "DATABASE_URL": "sqlite:///unused"})
    assert result.returncode == 0, result.stderr
