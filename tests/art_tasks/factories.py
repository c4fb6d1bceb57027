"""Factories for tasks, seeds, claims and submissions.

Seeds are small Pillow images so that most tests need no generator; the
generation tests and the worker test paint real ones.
"""

import hashlib
from datetime import timedelta

import factory

from django.core.files.base import ContentFile
from django.utils import timezone

from art_tasks.models import Claim, CreationTask, SeedImage
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
