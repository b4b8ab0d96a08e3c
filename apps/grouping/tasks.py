"""Background grouping: the task takes a run's id and hands it to the service."""

from celery import shared_task

from apps.grouping.services import grouping_run_execute


@shared_task(name="grouping.run", acks_late=False)
def run_grouping(run_id: int) -> str:
    """Run one queued grouping; returns the run's final status.

    Acknowledged on receipt rather than on completion: a run the worker died in is not
    worth repeating blindly (it would find the run no longer queued and stop anyway), and
    the page offers a fresh start once such a run has gone quiet for long enough.
    """
    return grouping_run_execute(run_id=run_id).status
