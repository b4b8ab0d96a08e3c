import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def participant(db):
    return UserFactory(email="pat@example.com")


@pytest.fixture
def participant_client(client, participant):
    client.login(email=participant.email, password=PASSWORD)
    return client


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.login(email=staff.email, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
