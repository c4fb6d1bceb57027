"""Celery routing and the beat schedule point at real Celery tasks."""

from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_celery_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_generation_and_imaging_go_to_their_own_queues():
    app.loader.import_default_modules()
    router = app.amqp.router
    assert router.route({}, "generation.tasks.generate_seeds_task")["queue"].name == (
        "generation"
    )
    assert (
        router.route({}, "art_tasks.tasks.process_submission_task")["queue"].name
        == "imaging"
    )
    assert router.route({}, "art_tasks.tasks.expire_claims_task")["queue"].name == (
        "default"
    )
