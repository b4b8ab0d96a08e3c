"""Background work for accounts: the task takes an export's id and hands it to the service."""

from celery import shared_task

from apps.accounts.services import data_export_build


@shared_task(name="accounts.build_data_export")
def build_data_export(export_id: int) -> None:
    data_export_build(export_id=export_id)
