"""Reads of the generator registry, jobs, seed fitness and seed lineage."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
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


# One round trip for the whole tree: walk both ways through the parent links
# at once, stopping at seeds of draft tasks, and bring each seed's task along.
_TREE_SQL = """
WITH RECURSIVE walk(id, up, depth) AS (
    SELECT near.id, near.up, 1
    FROM (
        SELECT l.{parent} AS id, TRUE AS up FROM {links} l WHERE l.{child} = %(seed)s
        UNION ALL
        SELECT l.{child}, FALSE FROM {links} l WHERE l.{parent} = %(seed)s
    ) near
    JOIN {seeds} s ON s.id = near.id
    JOIN {tasks} t ON t.id = s.task_id
    WHERE near.id <> %(seed)s AND t.state <> %(draft)s
      AND (CASE WHEN near.up THEN %(up)s ELSE %(down)s END) >= 1
  UNION
    SELECT nxt.id, w.up, w.depth + 1
    FROM walk w
    CROSS JOIN LATERAL (
        SELECT l.{parent} AS id FROM {links} l WHERE w.up AND l.{child} = w.id
        UNION ALL
        SELECT l.{child} FROM {links} l WHERE NOT w.up AND l.{parent} = w.id
    ) nxt
    JOIN {seeds} s ON s.id = nxt.id
    JOIN {tasks} t ON t.id = s.task_id
    WHERE nxt.id <> %(seed)s AND t.state <> %(draft)s
      AND w.depth < (CASE WHEN w.up THEN %(up)s ELSE %(down)s END)
)
SELECT s.*, w.up AS tree_up, w.depth AS tree_depth, {task_columns}
FROM walk w
JOIN {seeds} s ON s.id = w.id
JOIN {tasks} t ON t.id = s.task_id
ORDER BY w.up, w.depth, s.task_id, s.index
"""

# SQLite (a first run's database) has no LATERAL, and `index` is a keyword
# there: the step joins the links either way instead. Same rows, same order.
_TREE_STEP_LATERAL = """    CROSS JOIN LATERAL (
        SELECT l.{parent} AS id FROM {links} l WHERE w.up AND l.{child} = w.id
        UNION ALL
        SELECT l.{child} FROM {links} l WHERE NOT w.up AND l.{parent} = w.id
    ) nxt
"""
_TREE_STEP_JOIN = """    JOIN (
        SELECT l.{parent} AS id, l.{child} AS via, TRUE AS up FROM {links} l
        UNION ALL
        SELECT l.{child}, l.{parent}, FALSE FROM {links} l
    ) nxt ON nxt.via = w.id AND nxt.up = w.up
"""
_TREE_SQL_PORTABLE = _TREE_SQL.replace(_TREE_STEP_LATERAL, _TREE_STEP_JOIN).replace(
    "s.index", 's."index"'
)


def _tree_rows(seed: SeedImage, up: int, down: int) -> list[SeedImage]:
    """Return the seeds within `up` levels above and `down` below `seed`.

    Each carries `tree_up` (an ancestor) and `tree_depth`, with its task
    loaded. A seed on two levels (a grandparent that is a parent too:
    breeding draws from every earlier task) comes once per level.
    """
    links = SeedImage.parents.through._meta
    task_fields = CreationTask._meta.concrete_fields
    template = _TREE_SQL if connection.vendor == "postgresql" else _TREE_SQL_PORTABLE
    sql = template.format(
        links=connection.ops.quote_name(links.db_table),
        child=connection.ops.quote_name(links.get_field("from_seedimage").column),
        parent=connection.ops.quote_name(links.get_field("to_seedimage").column),
        seeds=connection.ops.quote_name(SeedImage._meta.db_table),
        tasks=connection.ops.quote_name(CreationTask._meta.db_table),
        task_columns=", ".join(
            f"t.{connection.ops.quote_name(f.column)} AS "
            f"{connection.ops.quote_name('task__' + f.column)}"
            for f in task_fields
        ),
    )
    params = {
        "seed": seed.pk,
        "draft": CreationTask.State.DRAFT,
        "up": up,
        "down": down,
    }
    columns = []
    for f in task_fields:
        col = f.get_col(CreationTask._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(
            connection
        )
        columns.append((f, col, converters))
    rows = list(SeedImage.objects.raw(sql, params))
    for row in rows:
        row.tree_up = bool(row.tree_up)  # SQLite gives 1 and 0
        values = []
        for f, col, converters in columns:
            value = getattr(row, f"task__{f.column}")
            for convert in converters:
                value = convert(value, col, connection)
            values.append(value)
        row.task = CreationTask.from_db(
            connection.alias, [f.attname for f in task_fields], values
        )
    return rows


def _levels(
    rows: list[SeedImage], *, up: bool, names: tuple[str, ...]
) -> list[Generation]:
    found: list[Generation] = []
    for row in rows:
        if row.tree_up is not up:
            continue
        if not found or found[-1].depth != row.tree_depth:
            found.append(Generation(row.tree_depth, _label(row.tree_depth, names), []))
        found[-1].seeds.append(row)
    return found


def family_tree(
    *,
    seed: SeedImage,
    up: int = ANCESTOR_LEVELS,
    down: int = DESCENDANT_LEVELS,
) -> FamilyTree:
    """Return `seed`'s ancestors up to `up` and descendants down to `down` levels.

    One query, however deep the tree: a recursive walk both ways. Seeds of
    draft tasks are left out, and the lines through them end there, as
    their pages are not public.
    """
    rows = _tree_rows(seed, up, down)
    return FamilyTree(
        seed=seed,
        ancestors=_levels(rows, up=True, names=ANCESTOR_LABELS),
        descendants=_levels(rows, up=False, names=DESCENDANT_LABELS),
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
