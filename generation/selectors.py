"""Reads of the generator registry, jobs, seed fitness and seed lineage."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Least, Ln, NullIf

from art_tasks.models import CreationTask, SeedImage, Submission
from art_tasks.selectors import public_task_q
from generation import evolution, registry
from generation.models import GenerationJob, GeneratorModel, TrainingRun

# Works whose curator scores count towards their seed's fitness: decided
# ones only. Votes on work still in review are blind, and a public figure
# summed over them would show each new vote as it lands.
VOTED_STATES = (
    Submission.State.ACCEPTED,
    Submission.State.REJECTED,
)
RECIPE_KEYS = [
    "style",
    "size",
    "palette",
    "architecture",
    "latent",
    "weights_seed",
    "transform",
    "shader",
    "params",
]
ANCESTOR_LEVELS = 4
DESCENDANT_LEVELS = 3
ANCESTOR_LABELS = (
    "Parents",
    "Grandparents",
    "Great-grandparents",
    "Great-great-grandparents",
)
DESCENDANT_LABELS = ("Children", "Grandchildren", "Great-grandchildren")


def active_generators() -> QuerySet[GeneratorModel]:
    return GeneratorModel.objects.filter(is_active=True).order_by("name", "version")


def recent_jobs(*, limit: int = 50) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.select_related("task").order_by("-created_at")[:limit]


# -- fitness ---------------------------------------------------------------


def _site_total(column: str) -> Cast:
    """Return a scalar subquery summing `column` over every decided work."""
    totals = (
        Submission.objects.filter(state__in=VOTED_STATES)
        .order_by()
        .annotate(site=Value(1))
        .values("site")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Cast(Subquery(totals), FloatField())  # SUM of integers divides as integers


def seed_fitness(
    *,
    seeds: QuerySet[SeedImage] | None = None,
    prior_votes: float = evolution.PRIOR_VOTES,
) -> QuerySet[SeedImage]:
    """Return `seeds` (default: all) annotated with fitness, fittest first.

    One query. Each seed gets `votes`, `score_total` and `likes` (summed
    over the works made from it that curators have decided: accepted or
    rejected, never work still in review, whose votes are blind), `works`,
    `site_mean` (mean score of all decided works on the site; 3.0 before
    any decision) and

        fitness = (C * site_mean + score_total) / (C + votes)
                  + min(0.5, 0.2 * ln(1 + likes))

    with C = `prior_votes` (`evolution.shrunk_fitness` is the same formula
    in Python). A seed without votes has fitness `site_mean`: few votes
    pull a seed towards the site's mean, many let it speak for itself.
    """
    voted = Q(submissions__state__in=VOTED_STATES)
    site_mean = Coalesce(
        _site_total("score_sum") / NullIf(_site_total("vote_count"), 0.0),
        Value(evolution.DEFAULT_MEAN),
        output_field=FloatField(),
    )
    votes = Coalesce(Sum("submissions__vote_count", filter=voted), 0)
    score_total = Coalesce(Sum("submissions__score_sum", filter=voted), 0)
    likes = Coalesce(Sum("submissions__like_count", filter=voted), 0)
    prior = Value(float(prior_votes))
    qs = seeds if seeds is not None else SeedImage.objects.all()
    return (
        qs.annotate(
            votes=votes,
            score_total=score_total,
            likes=likes,
            works=Count("submissions", filter=voted),
            site_mean=site_mean,
        )
        .annotate(
            fitness=(prior * F("site_mean") + Cast("score_total", FloatField()))
            / (prior + Cast("votes", FloatField()))
            + Least(
                Value(evolution.LIKE_CAP),
                Value(evolution.LIKE_WEIGHT)
                * Ln(Value(1.0) + Cast("likes", FloatField())),
            )
        )
        .select_related("task")
        .order_by("-fitness", "pk")
    )


def breeding_pool(
    *, style: str, exclude_task: CreationTask | None = None
) -> QuerySet[SeedImage]:
    """Return the scored CPPN seeds of `style` that may parent new seeds.

    A seed qualifies when curators decided at least one work made from
    it with votes, and its recipe is a complete CPPN genome of `style`. Seeds of
    `exclude_task` (the task being bred) never parent their own siblings.
    Fittest first, one query.
    """
    seeds = SeedImage.objects.filter(
        recipe__generator=registry.CPPN,
        recipe__version=registry.CPPN_VERSION,
        recipe__style=style,
        recipe__has_keys=RECIPE_KEYS,
    )
    if exclude_task is not None:
        seeds = seeds.exclude(task=exclude_task)
    return seed_fitness(seeds=seeds).filter(votes__gt=0)


# -- lineage ---------------------------------------------------------------


@dataclass
class Generation:
    """One level of a family tree: its distance from the seed and its seeds."""

    depth: int
    label: str
    seeds: list[SeedImage]


@dataclass
class FamilyTree:
    """A seed's ancestors (parents first) and descendants (children first)."""

    seed: SeedImage
    ancestors: list[Generation] = field(default_factory=list)
    descendants: list[Generation] = field(default_factory=list)

    @property
    def oldest_first(self) -> list[Generation]:
        """Return the ancestor levels from the oldest down to the parents."""
        return list(reversed(self.ancestors))

    @property
    def is_empty(self) -> bool:
        return not self.ancestors and not self.descendants


def _label(depth: int, names: tuple[str, ...]) -> str:
    return names[depth - 1] if depth <= len(names) else f"{depth} generations away"


def _walk(
    seed: SeedImage, relation: str, levels: int, names: tuple[str, ...]
) -> list[Generation]:
    """Follow `relation` ("children" to go up, "parents" to go down) level by level.

    A seed may show on two levels, as when a grandparent is a parent too:
    breeding draws from every earlier task. Lines end after `levels`.
    """
    found: list[Generation] = []
    frontier = [seed.pk]
    for depth in range(1, levels + 1):
        rows = list(
            SeedImage.objects.filter(**{f"{relation}__in": frontier})
            .exclude(pk=seed.pk)
            .filter(public_task_q("task__"))
            .select_related("task")
            .distinct()
            .order_by("task_id", "index")
        )
        if not rows:
            break
        found.append(Generation(depth, _label(depth, names), rows))
        frontier = [s.pk for s in rows]
    return found


def family_tree(
    *,
    seed: SeedImage,
    up: int = ANCESTOR_LEVELS,
    down: int = DESCENDANT_LEVELS,
) -> FamilyTree:
    """Return `seed`'s ancestors up to `up` and descendants down to `down` levels.

    One query per level that has seeds, plus one that finds where the
    lines end: at most `up + down` queries. Seeds of draft tasks are left
    out, as their pages are not public.
    """
    return FamilyTree(
        seed=seed,
        ancestors=_walk(seed, "children", up, ANCESTOR_LABELS),
        descendants=_walk(seed, "parents", down, DESCENDANT_LABELS),
    )


def seed_detail(*, pk: int) -> SeedImage:
    """Return one seed with its task and fitness figures (one query)."""
    return seed_fitness(seeds=SeedImage.objects.filter(pk=pk)).get()


def seed_with_relatives(*, pk: int) -> SeedImage:
    """Return one seed with task, fitness, parents and children (three queries).

    Children painted for draft tasks are left out, as their pages are not
    public.
    """
    relatives = SeedImage.objects.select_related("task").order_by("task_id", "index")
    return (
        seed_fitness(seeds=SeedImage.objects.filter(pk=pk))
        .prefetch_related(
            Prefetch("parents", queryset=relatives),
            Prefetch(
                "children",
                queryset=relatives.filter(public_task_q("task__")),
            ),
        )
        .get(pk=pk)
    )


def seed_works(*, seed: SeedImage) -> QuerySet[Submission]:
    """Return the accepted works made from `seed`, best first."""
    return (
        Submission.objects.filter(seed=seed, state=Submission.State.ACCEPTED)
        .select_related("artist", "task", "seed")
        .order_by("-score", "-decided_at", "-id")
    )


def training_submissions() -> QuerySet[Submission]:
    """Return the accepted work a learned generator trains on."""
    return Submission.objects.filter(state=Submission.State.ACCEPTED).order_by("pk")


def training_seeds() -> QuerySet[SeedImage]:
    """Return the CPPN seeds a learned generator also trains on.

    Seeds painted by trained generators are left out, so a model never
    learns from its own output.
    """
    return SeedImage.objects.filter(task__generator=registry.CPPN).order_by("pk")


def training_image_count() -> int:
    """Return how many images a training run would start from."""
    return training_submissions().count() + training_seeds().count()


def trained_generators() -> QuerySet[GeneratorModel]:
    """Return the active trained versions staff may paint seeds with."""
    return GeneratorModel.objects.filter(
        is_active=True, kind=GeneratorModel.Kind.CHECKPOINT
    ).order_by("name", "-created_at")


def generator_versions() -> QuerySet[GeneratorModel]:
    """Return every registered generator version, newest first within a name."""
    return GeneratorModel.objects.select_related("reviewed_by").order_by(
        "name", "-created_at"
    )


def recent_training_runs(*, limit: int = 20) -> QuerySet[TrainingRun]:
    """Return the latest training runs with what they produced and who asked."""
    return TrainingRun.objects.select_related("result", "requested_by").order_by(
        "-created_at"
    )[:limit]
