"""Fixtures for the community tests."""

import pytest


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process when their on-commit dispatch fires."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
