"""Fixtures for the curation tests."""

import pytest

from tests.accounts.factories import CuratorFactory


@pytest.fixture
def many_curators(db):
    return [CuratorFactory(username=f"judge{i}") for i in range(1, 6)]
