"""A double submit sent at the very same moment gives one revision and a normal page to both."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.submissions.double_submit import submit_twice_at_once

ROOT = Path(__file__).resolve().parent.parent.parent
# Django is set up before the test modules import models.
PROGRAM = (
    "import django; django.setup(); "
    "from tests.submissions import double_submit; double_submit.main()"
)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql():
    result = submit_twice_at_once()

    assert result == {"statuses": [302, 302], "revisions": 1}


def test_on_sqlite_as_the_demo_runs(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "courseplatform.settings.test",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {
        "statuses": [302, 302],
        "revisions": 1,
    }
