"""`/healthz`: whether this web process can reach the database and the task broker.

Answered by a middleware at the top of the stack rather than by a view, so
that a load balancer or `docker compose` probing over plain HTTP, by IP
address, is neither redirected to HTTPS nor refused for its Host header. The
answer says which dependency failed and nothing else: no versions, hosts or
error texts.
"""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse

from courseplatform.celery import app as celery_app

PATH = "/healthz"
BROKER_TIMEOUT_SECONDS = 2

logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        connection = connections["default"]
        connection.ensure_connection()
        return connection.is_usable()
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return False


def _broker_answers() -> bool:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:  # noqa: BLE001 - any failure to connect means "not answering"
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return False


def health() -> JsonResponse:
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: "ok" if ok else "not answering" for name, ok in checks.items()}
    response = JsonResponse(body, status=503 if failing else 200)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return health()
        return self.get_response(request)
