"""Two submits of the same answers at the same moment, from two threads.

test_double_submit.py runs it in the test database (PostgreSQL), and as a
program against a database of its own (SQLite in a file, as the demo runs):
`main` migrates that database and prints the two status codes and how many
revisions were made.
"""

import json
import threading

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from apps.submissions.models import Revision
from tests.factories import UserFactory
from tests.submissions import as_post, complete_answers, enrolled_in_plan, url


def submit_twice_at_once() -> dict:
    participant = UserFactory()
    enrollment, exercise = enrolled_in_plan(participant)
    address, data = url("submit", enrollment, exercise), as_post(complete_answers(), 1)
    start = threading.Barrier(2)
    statuses = []

    def submit():
        client = Client(raise_request_exception=False)
        client.force_login(participant)
        start.wait()
        try:
            statuses.append(client.post(address, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": sorted(statuses), "revisions": Revision.objects.count()}


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(json.dumps(submit_twice_at_once()))
