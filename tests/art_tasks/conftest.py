"""Fixtures for the art_tasks tests."""

import pytest

from rest_framework.test import APIClient

from art_tasks.services import claim_task


@pytest.fixture
def claimed(open_task, artist):
    """A live claim of `artist` on `open_task`, and an API client signed in as them."""
    claim = claim_task(task=open_task, user=artist)
    client = APIClient()
    client.force_authenticate(artist)
    return client, claim
