"""The grouping task: queued by the page once the run's row commits, and doing the run."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from apps.grouping import services
from apps.grouping.models import GroupingRun
from apps.grouping.selectors import ACTIVE_RUN_STATUSES
from apps.grouping.services import grouping_run_start
from apps.grouping.solver import Progress
from apps.grouping.tasks import run_grouping
from courseplatform.celery import app as celery_app
from tests.grouping.test_services import drafts, fast_grouping, small_round  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_task_does_a_queued_run_and_records_its_result():
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)

    assert run_grouping(run.pk) == GroupingRun.Status.DONE

    run.refresh_from_db()
    assert (run.status, run.progress) == (GroupingRun.Status.DONE, 100)
    assert run.message == "Placed 6 of 8 participants in 2 cohorts."
    assert len(drafts(round)) == 2


def test_progress_reaches_the_run_while_the_solver_works(monkeypatch):
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    seen = []
    real_solve = services.solve

    def watched_solve(problem, progress=None):
        progress(Progress(0.37, "window 1: 6 placed"))
        seen.append(GroupingRun.objects.values_list("status", "progress", "message").get(pk=run.pk))
        return real_solve(problem, progress=progress)

    monkeypatch.setattr(services, "solve", watched_solve)
    run_grouping(run.pk)

    assert seen == [(GroupingRun.Status.RUNNING, 37, "Searching: window 1: 6 placed")]
    run.refresh_from_db()
    assert run.status == GroupingRun.Status.DONE


def test_a_run_that_is_not_queued_any_more_is_left_alone():
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    GroupingRun.objects.filter(pk=run.pk).update(status=GroupingRun.Status.FAILED, message="Gone")

    assert run_grouping(run.pk) == GroupingRun.Status.FAILED
    assert not drafts(round)


def start_from_the_page(client, round):
    return client.post(reverse("grouping:start", args=[round.slug]))


def test_starting_a_run_queues_the_task_only_once_the_transaction_commits(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    round, _ = small_round()
    sent = []
    monkeypatch.setattr(run_grouping, "delay", lambda run_id: sent.append(run_id))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start_from_the_page(staff_client, round)
    assert sent == []
    assert len(callbacks) == 1

    callbacks[0]()
    assert sent == [GroupingRun.objects.get().pk]


@pytest.fixture
def eager_celery():
    """Tasks run in the calling thread, as soon as they are sent."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_with_an_eager_celery_the_run_is_done_when_the_start_commits(
    staff_client, django_capture_on_commit_callbacks, eager_celery
):
    round, _ = small_round()

    with django_capture_on_commit_callbacks(execute=True):
        start_from_the_page(staff_client, round)

    run = GroupingRun.objects.get()
    assert run.status == GroupingRun.Status.DONE
    assert len(drafts(round)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_picks_the_run_up_from_redis(staff_client):
    """Committed rows, the task on the Redis broker, and a worker thread doing the run."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    round, _ = small_round()
    # Tasks other tests left on the default queue are not this worker's to run.
    celery_app.control.purge()

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        start_from_the_page(staff_client, round)  # autocommit: sent at once
        run = GroupingRun.objects.get()
        deadline = time.monotonic() + 60
        while run.status in ACTIVE_RUN_STATUSES and time.monotonic() < deadline:
            time.sleep(0.2)
            run.refresh_from_db()

    assert run.status == GroupingRun.Status.DONE, run.message
    assert len(drafts(round)) == 2
