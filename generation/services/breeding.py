"""Where a task's seeds come from: fresh genomes or bred from scored seeds.

Reads curator scores through `generation.selectors.breeding_pool`; no torch.
"""

from __future__ import annotations

from art_tasks.models import CreationTask
from generation import evolution, registry
from generation.errors import (
    NotEnoughParents,
    UnknownGenerator,
)

SOURCE_FRESH, SOURCE_BRED, SOURCE_LAB = "fresh", "bred", "lab"


SEED_SOURCES = {
    SOURCE_FRESH: "Fresh random genomes",
    SOURCE_BRED: "Bred from the fittest seeds of earlier tasks",
    SOURCE_LAB: "Seeds bred by people in the lab (choose them below)",
}


def _scored_seed_count(style: str, exclude: CreationTask | None = None) -> int:
    from generation.selectors import breeding_pool

    return breeding_pool(style=style, exclude_task=exclude).count()


def _refuse_small_pool(style: str, pool: int) -> None:
    if pool < 2:
        seeds = "seed has" if pool == 1 else "seeds have"
        raise NotEnoughParents(
            f"Breeding needs at least 2 {style} seeds whose works curators have "
            f"scored; {pool} {seeds} been scored so far. Publish fresh seeds, or "
            "choose a style with scored seeds."
        )


def seed_source_params(
    *,
    source: str,
    style: str,
    generator: str = registry.CPPN,
    fresh_fraction: float = evolution.DEFAULT_FRESH_FRACTION,
) -> dict:
    """Return the task params that record where its seeds come from.

    ``fresh`` paints random genomes; ``bred`` breeds the task's seeds from
    the fittest scored seeds of `style` (see `generation.evolution`). Call
    it before `create_task`, so a refused source leaves no draft behind:
    raise `NotEnoughParents` when fewer than two seeds of `style` have
    curator scores, `UnknownGenerator` for a source the generator lacks.
    """
    if source not in SEED_SOURCES:
        raise UnknownGenerator(
            f"Unknown seed source “{source}”; choose {' or '.join(SEED_SOURCES)}."
        )
    if source in (SOURCE_FRESH, SOURCE_LAB):
        return {"source": source}
    if generator != registry.CPPN:
        raise UnknownGenerator("Only the CPPN painter can breed seeds.")
    if not 0 <= fresh_fraction <= 1:
        raise UnknownGenerator("The fresh fraction must be between 0 and 1.")
    pool = _scored_seed_count(style)
    _refuse_small_pool(style, pool)
    return {"source": SOURCE_BRED, "fresh_fraction": fresh_fraction, "pool": pool}


def plan_seeds(*, task: CreationTask) -> list[dict]:
    """Return `[{"index", "recipe", "parents"}]` for every seed of a CPPN task.

    Fresh tasks get the recipes `generation.cppn.make_recipe` makes for
    seeds `seed_base + index`. Bred tasks (``params["source"] == "bred"``)
    get `evolution.breed` over the fittest `evolution.POOL_LIMIT` scored
    seeds of the task's style from other tasks (its variety rules included),
    seeded by the task id, and record the size of that pool in the task's
    params. Other generators plan nothing: their
    recipes are made while painting.
    """
    if task.generator != registry.CPPN:
        return []
    if task.params.get("source") == SOURCE_LAB:
        return _lab_plan(task)
    if task.params.get("source") != SOURCE_BRED:
        base = int(task.params.get("seed_base", task.pk * 1000))
        return [
            {
                "index": i,
                "recipe": evolution.random_genome(
                    style=task.style, seed=base + i, size=task.image_size
                ),
                "parents": [],
            }
            for i in range(task.seed_count)
        ]
    from generation.selectors import breeding_pool

    pool = breeding_pool(style=task.style, exclude_task=task)
    size = pool.count()
    _refuse_small_pool(task.style, size)
    # The elite is chosen inside `breed`, which needs more than the fittest
    # few to keep near-copies out and other niches in.
    candidates = [
        evolution.Candidate(seed.pk, seed.recipe, seed.fitness)
        for seed in pool[: evolution.POOL_LIMIT]
    ]
    fresh_fraction = float(
        task.params.get("fresh_fraction", evolution.DEFAULT_FRESH_FRACTION)
    )
    bred = evolution.breed(
        candidates,
        count=task.seed_count,
        fresh_fraction=fresh_fraction,
        rng=int(task.params.get("breed_seed", task.pk)),
        size=task.image_size,
        style=task.style,
    )
    task.params = {**task.params, "fresh_fraction": fresh_fraction, "pool": size}
    task.save(update_fields=["params", "updated_at"])
    return [
        {"index": i, "recipe": genome, "parents": parents}
        for i, (genome, parents) in enumerate(bred)
    ]


def lab_roots(seeds: list) -> dict[int, list[int]]:
    """Return, per lab seed id, the site seeds its lab lineage started from.

    Walks the lab parents up, one query per lab generation, until every
    line reaches the site seeds it was first bred from.
    """
    from generation.models import LabSeed

    roots: dict[int, set[int]] = {s.pk: set() for s in seeds}
    frontier = {s.pk: {s.pk} for s in seeds}
    for _depth in range(1000):
        ids = {pk for front in frontier.values() for pk in front}
        if not ids:
            break
        site = LabSeed.seed_parents.through.objects.filter(labseed_id__in=ids)
        up = LabSeed.lab_parents.through.objects.filter(from_labseed_id__in=ids)
        site_of: dict[int, set[int]] = {}
        for link in site:
            site_of.setdefault(link.labseed_id, set()).add(link.seedimage_id)
        up_of: dict[int, set[int]] = {}
        for link in up:
            up_of.setdefault(link.from_labseed_id, set()).add(link.to_labseed_id)
        for pk, front in frontier.items():
            for node in front:
                roots[pk] |= site_of.get(node, set())
            frontier[pk] = {p for node in front for p in up_of.get(node, set())}
    return {pk: sorted(found) for pk, found in roots.items()}


def _lab_plan(task: CreationTask) -> list[dict]:
    """Return the plan of a task whose seeds were bred in the lab.

    Each seed paints its lab seed's recipe at the task's size and records
    who bred it (a human step in the family tree); its parents are the
    site seeds the lab lineage started from.
    """
    from generation.models import LabSeed

    ids = [int(pk) for pk in task.params.get("lab_seeds", [])]
    found = {
        s.pk: s for s in LabSeed.objects.filter(pk__in=ids).select_related("breeder")
    }
    seeds = [found[pk] for pk in ids if pk in found]
    roots = lab_roots(seeds)
    return [
        {
            "index": i,
            "recipe": {
                **seed.recipe,
                "size": task.image_size,
                "lab_seed": seed.pk,
                "bred_by": seed.breeder.username,
            },
            "parents": roots[seed.pk],
        }
        for i, seed in enumerate(seeds)
    ]
