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

SOURCE_FRESH, SOURCE_BRED = "fresh", "bred"


SEED_SOURCES = {
    SOURCE_FRESH: "Fresh random genomes",
    SOURCE_BRED: "Bred from the fittest seeds of earlier tasks",
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
    if source == SOURCE_FRESH:
        return {"source": SOURCE_FRESH}
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
