"""Builders that go through the real services."""

import io

from art_tasks.models import Submission
from art_tasks.services import claim_task, process_submission, submit_work
from tests.images import png_bytes


def submitted_work(*, task, artist, title="A work", process=True) -> Submission:
    """Claim `task` as `artist`, submit a small PNG and (by default) process it."""
    claim = claim_task(task=task, user=artist)
    upload = io.BytesIO(png_bytes((96, 64)))
    upload.name = "work.png"
    submission = submit_work(
        claim=claim,
        user=artist,
        seed=task.seeds.first(),
        image=upload,
        title=title,
        license=task.license,
    )
    if process:
        submission = process_submission(submission=submission)
    return submission
