"""`/healthz` tells a load balancer whether the database and the broker answer, and nothing more."""

import json

import pytest
from django.db import OperationalError

from courseplatform import health

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_the_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_it_answers_a_plain_http_probe_by_ip_address_even_in_production(client, settings):
    settings.ALLOWED_HOSTS = ["courses.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200


def test_it_names_the_broker_when_the_broker_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(health.celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "not answering"}


def test_it_names_the_database_when_the_database_does_not_answer(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connections["default"], "ensure_connection", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "not answering", "broker": "ok"}


def test_it_says_nothing_about_people_or_the_machine(client, django_user_model):
    django_user_model.objects.create_user(email="someone@example.com", password="x" * 12)

    body = client.get("/healthz").content.decode()

    assert set(json.loads(body)) == {"database", "broker"}
    assert "example.com" not in body
    assert "redis://" not in body and "postgres" not in body
