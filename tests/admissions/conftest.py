import pytest

from tests.admissions.world import build


@pytest.fixture
def world(db):
    return build()
