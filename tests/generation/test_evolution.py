"""Mutation, crossover, breeding and fitness of CPPN genomes."""

import json
import math
import random
from collections import Counter

import numpy as np
import pytest

from generation import cppn, evolution
from generation.palettes import STYLES

SIZE = 32


def render(genome):
    return np.asarray(cppn.render_one(genome, device="cpu"), dtype=np.int16)


def assert_valid_for_style(genome):
    preset = STYLES[genome["style"]]
    assert genome["shader"] == preset.shader
    assert genome["architecture"]["activations"] == list(preset.activations)
    assert genome["architecture"]["width"] == preset.width
    assert genome["palette"] in [list(p) for p in preset.palettes]
    assert len(genome["latent"]) == evolution.LATENT_DIM
    t = genome["transform"]
    assert preset.zoom[0] <= t["zoom"] <= preset.zoom[1]
    assert 0 <= t["rotation"] < 2 * math.pi
    assert t["symmetry"] in preset.symmetry
    assert preset.folds[0] <= t["folds"] <= preset.folds[1]
    assert genome["params"].keys() == preset.params.keys()
    for key, (lo, hi) in preset.params.items():
        assert lo <= genome["params"][key] <= hi, key
    assert json.loads(json.dumps(genome)) == genome


def pool(style="nebula", n=6, size=SIZE):
    return [
        evolution.Candidate(
            100 + i, evolution.random_genome(style=style, seed=i, size=size), float(i)
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_mutant_stays_valid_for_its_style_and_paints_a_different_picture(style):
    parent = evolution.random_genome(style=style, seed=3, size=SIZE)
    original = json.loads(json.dumps(parent))

    child = evolution.mutate(parent, rng=1)

    assert parent == original  # the parent is left as it was
    assert_valid_for_style(child)
    assert evolution.genes(child) != evolution.genes(parent)
    assert np.abs(render(child) - render(parent)).mean() > 1


def test_heavy_mutation_keeps_every_gene_inside_the_style_ranges():
    genome = evolution.random_genome(style="stained-glass", seed=1, size=SIZE)
    rng = random.Random(5)
    for _ in range(300):
        genome = evolution.mutate(genome, rng=rng, strength=3.0)
    assert_valid_for_style(genome)
    assert render(genome).shape == (SIZE, SIZE, 3)


def test_mutation_is_deterministic_for_an_integer_rng_seed():
    parent = evolution.random_genome(style="ink", seed=0, size=SIZE)

    assert evolution.mutate(parent, rng=42) == evolution.mutate(parent, rng=42)
    assert evolution.mutate(parent, rng=42) != evolution.mutate(parent, rng=43)


def test_mutation_forgets_the_device_a_stored_recipe_was_painted_on():
    stored = {
        **evolution.random_genome(style="ink", seed=0, size=SIZE),
        "device": "cpu",
    }

    assert "device" not in evolution.mutate(stored, rng=1)


def test_crossover_of_one_style_mixes_latents_and_keeps_one_parents_network():
    a = evolution.random_genome(style="neon", seed=1, size=SIZE)
    b = evolution.random_genome(style="neon", seed=2, size=SIZE)

    children = [evolution.crossover(a, b, rng=s) for s in range(20)]

    for child in children:
        assert_valid_for_style(child)
        source = a if child["weights_seed"] == a["weights_seed"] else b
        assert child["weights_seed"] == source["weights_seed"]
        assert child["architecture"] == source["architecture"]
        for i, z in enumerate(child["latent"]):
            assert z in (a["latent"][i], b["latent"][i])
        assert render(child).shape == (SIZE, SIZE, 3)
    # Both parents give networks and latent values across the children.
    assert {c["weights_seed"] for c in children} == {
        a["weights_seed"],
        b["weights_seed"],
    }
    assert any(
        a["latent"][0] in c["latent"] and b["latent"][1] in c["latent"]
        for c in children
    )


def test_crossover_of_two_styles_takes_one_parents_style_consistently():
    a = evolution.random_genome(style="ink", seed=1, size=SIZE)
    b = evolution.random_genome(style="marble", seed=2, size=SIZE)

    children = [evolution.crossover(a, b, rng=s) for s in range(12)]

    assert {c["style"] for c in children} == {"ink", "marble"}
    for child in children:
        source = a if child["style"] == "ink" else b
        for key in ("architecture", "weights_seed", "shader", "palette", "params"):
            assert child[key] == source[key], key
        assert child["transform"] == source["transform"]
        assert_valid_for_style(child)
    images = cppn.render(children, device="cpu")
    assert all(im.size == (SIZE, SIZE) for im in images)


def test_crossover_is_deterministic_for_an_integer_rng_seed():
    a = evolution.random_genome(style="riso", seed=1, size=SIZE)
    b = evolution.random_genome(style="riso", seed=2, size=SIZE)

    assert evolution.crossover(a, b, rng=9) == evolution.crossover(a, b, rng=9)


def test_a_bred_batch_has_fresh_genomes_and_children_unlike_their_parents():
    parents = pool(n=6)
    by_id = {c.seed_id: c.genome for c in parents}

    batch = evolution.breed(parents, count=16, rng=7, size=48)

    assert len(batch) == 16
    fresh = [g for g, ids in batch if not ids]
    bred = [(g, ids) for g, ids in batch if ids]
    assert len(fresh) == 4  # a quarter of 16
    assert all(g["generation"] == 0 for g in fresh)
    parent_genes = {evolution.genes(g) for g in by_id.values()}
    for genome, ids in bred:
        assert set(ids) <= by_id.keys()
        assert 1 <= len(ids) <= 2
        assert genome["generation"] == 1
        assert evolution.genes(genome) not in parent_genes
    assert len({evolution.genes(g) for g, _ in batch}) == 16
    images = cppn.render([g for g, _ in batch], device="cpu")
    assert all(im.size == (48, 48) for im in images)
    for (_, ids), image in zip(batch, images, strict=True):
        mine = np.asarray(image, dtype=np.int16)
        for pid in ids:
            parent = {**by_id[pid], "size": 48}
            assert np.abs(mine - render(parent)).mean() > 1


def test_breeding_is_deterministic_for_an_integer_rng_seed():
    parents = pool(n=5)

    first = evolution.breed(parents, count=8, rng=11, size=SIZE)

    assert evolution.breed(parents, count=8, rng=11, size=SIZE) == first
    assert evolution.breed(parents, count=8, rng=12, size=SIZE) != first


def test_every_bred_batch_keeps_at_least_one_fresh_genome():
    batch = evolution.breed(pool(n=3), count=3, fresh_fraction=0.1, rng=1, size=SIZE)

    assert sum(1 for _, ids in batch if not ids) == 1
    assert evolution.fresh_count(16, 0.25) == 4
    assert evolution.fresh_count(2, 0.25) == 1
    assert evolution.fresh_count(8, 0.0) == 0


def test_selection_favours_the_fitter_parents():
    parents = [
        evolution.Candidate(
            i, evolution.random_genome(style="ink", seed=i, size=SIZE), float(i)
        )
        for i in range(12)
    ]

    batch = evolution.breed(parents, count=200, fresh_fraction=0, rng=3, size=SIZE)

    uses = Counter(pid for _, ids in batch for pid in ids)
    # Only the top 8 breed; within them the tournament favours the best.
    assert set(uses) <= set(range(4, 12))
    assert uses[11] > uses[8] > uses[5]


def test_with_a_style_only_parents_of_that_style_breed():
    parents = pool("ink", n=3) + [
        evolution.Candidate(
            200 + i, evolution.random_genome(style="neon", seed=i, size=SIZE), 10.0
        )
        for i in range(3)
    ]

    batch = evolution.breed(parents, count=8, rng=2, size=SIZE, style="ink")

    assert all(g["style"] == "ink" for g, _ in batch)
    assert all(pid < 200 for _, ids in batch for pid in ids)


def test_breeding_needs_two_parents():
    with pytest.raises(ValueError, match="at least two"):
        evolution.breed(pool(n=1), count=4, rng=1, size=SIZE)
    with pytest.raises(ValueError, match="at least two"):
        evolution.breed(pool("ink", n=4), count=4, rng=1, size=SIZE, style="neon")


def test_fitness_shrinks_few_votes_towards_the_site_mean():
    lucky = evolution.shrunk_fitness(score_sum=5, votes=1, likes=0, site_mean=3.0)
    steady = evolution.shrunk_fitness(score_sum=48, votes=12, likes=0, site_mean=3.0)
    unseen = evolution.shrunk_fitness(score_sum=0, votes=0, likes=0, site_mean=3.2)

    assert lucky == pytest.approx((5 * 3.0 + 5) / 6)  # 3.33
    assert steady == pytest.approx((5 * 3.0 + 48) / 17)  # 3.71
    assert steady > lucky
    assert unseen == pytest.approx(3.2)


def test_likes_add_a_small_capped_bonus():
    base = evolution.shrunk_fitness(score_sum=12, votes=3, likes=0, site_mean=3.0)
    liked = evolution.shrunk_fitness(score_sum=12, votes=3, likes=4, site_mean=3.0)
    adored = evolution.shrunk_fitness(score_sum=12, votes=3, likes=5000, site_mean=3.0)

    assert liked - base == pytest.approx(0.2 * math.log(5))
    assert adored - base == pytest.approx(0.5)
