"""Factories for tasks, seeds, claims and submissions.

Seeds are small Pillow images so that most tests need no generator; the
generation tests and the worker test paint real ones. Submitted work goes
through the real services (`submitted_work`), so its files and states are
those a contributor's upload gets.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import factory

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from art_tasks.models import Claim, CreationTask, SeedImage, Submission
from art_tasks.services import claim_task, process_submission, submit_work
from tests.accounts.factories import UserFactory
from tests.images import png_bytes


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreationTask

    title = factory.Sequence(lambda n: f"Task {n}")
    brief = "Make something from a seed."
    created_by = factory.SubFactory(UserFactory, is_staff=True)
    slots = 5
    claim_ttl = timedelta(hours=2)
    style = "nebula"
    seed_count = 2
    image_size = 64


class OpenTaskFactory(TaskFactory):
    class Meta:
        skip_postgeneration_save = True

    state = CreationTask.State.OPEN
    opened_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def seeds(self, create, extracted, **kwargs):
        if not create:
            return
        for index in range(self.seed_count):
            data = png_bytes((64, 64), (40 * index % 255, 120, 200))
            digest = hashlib.sha256(data).hexdigest()
            seed = SeedImage(
                task=self,
                index=index,
                width=64,
                height=64,
                recipe={"generator": "cppn", "version": "1", "seed": index},
                sha256=digest,
            )
            seed.image.save(f"{self.pk}/{digest}.png", ContentFile(data), save=False)
            seed.thumbnail.save(
                f"{self.pk}/{digest}.png", ContentFile(data), save=False
            )
            seed.save()


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    task = factory.SubFactory(OpenTaskFactory)
    contributor = factory.SubFactory(UserFactory)
    claimed_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # noqa: ANN001, ANN206
        """Write the claim; a submitted one counts on its task, as services do."""
        claim = super()._create(model_class, *args, **kwargs)
        if claim.state == Claim.State.SUBMITTED:
            CreationTask.objects.filter(pk=claim.task_id).update(
                submitted_count=F("submitted_count") + 1
            )
        return claim


def bred_seed(*parents: SeedImage) -> SeedImage:
    """Return the first seed of a new open task, recorded as bred from `parents`."""
    seed = OpenTaskFactory(seed_count=1).seeds.get()
    seed.parents.set(parents)
    return seed


def submitted_work(
    *,
    artist,
    task: CreationTask | None = None,
    seed: SeedImage | None = None,
    title: str = "A work",
    image: bytes | None = None,
    filename: str = "work.png",
    process: bool = True,
    statement: str = "",
    tags: tuple[str, ...] = (),
) -> Submission:
    """Claim a task as `artist` and submit a work through the real services.

    The work is made from `seed`, or from the first seed of `task` (by default
    `seed`'s task, or a new open task). The upload is `image` (a small PNG
    unless given) named `filename`. Imaging runs too, so the work ends up in
    review, unless `process=False` leaves it submitted.
    """
    if seed is None:
        task = task or OpenTaskFactory()
        seed = task.seeds.first()
    elif task is None:
        task = seed.task
    claim = claim_task(task=task, user=artist)
    upload = io.BytesIO(image if image is not None else png_bytes((96, 64)))
    upload.name = filename
    submission = submit_work(
        claim=claim,
        user=artist,
        seed=seed,
        image=upload,
        title=title,
        statement=statement,
        license=task.license,
        tags=tags,
    )
    if process:
        submission = process_submission(submission=submission)
    return submission
