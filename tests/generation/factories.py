"""Factories for registered generators and generation jobs.

A `GenerationJobFactory` row paints nothing: run it with
`generation.services.run_generation_job` to paint the task's seeds.
"""

import factory

from generation.models import GenerationJob, GeneratorModel, TrainingRun
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import TaskFactory


class GeneratorModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneratorModel

    name = factory.Sequence(lambda n: f"generator{n}")
    version = "1"
    kind = GeneratorModel.Kind.CODE


class GenerationJobFactory(factory.django.DjangoModelFactory):
    """A queued job for a draft task, to paint its seeds."""

    class Meta:
        model = GenerationJob

    task = factory.SubFactory(TaskFactory)
    total = factory.LazyAttribute(lambda job: job.task.seed_count)


class TrainingRunFactory(factory.django.DjangoModelFactory):
    """A queued training run; pass `result=` for one that registered a version."""

    class Meta:
        model = TrainingRun

    name = factory.Sequence(lambda n: f"trained{n}")
    epochs = 2
    requested_by = factory.SubFactory(UserFactory, is_staff=True)


def breedable(task) -> list:  # noqa: ANN001 - a CreationTask
    """Give `task`'s seeds real CPPN genomes (as the painter records them)."""
    from generation.evolution import random_genome

    seeds = list(task.seeds.all())
    for seed in seeds:
        seed.recipe = random_genome(style=task.style, seed=seed.index, size=64)
        seed.save(update_fields=["recipe"])
    return seeds
