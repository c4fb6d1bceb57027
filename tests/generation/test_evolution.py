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


# -- variety -----------------------------------------------------------------


def lineage(genome, generations, rng):
    for _ in range(generations):
        genome = evolution.mutate(genome, rng=rng)
    return genome


def test_mutation_keeps_the_latent_spread_of_fresh_genomes():
    """A long lineage's latent values stay as spread as a fresh genome's."""
    rng = random.Random(4)
    ends = [
        lineage(evolution.random_genome(style="nebula", seed=s, size=SIZE), 40, rng)
        for s in range(30)
    ]

    values = [z for genome in ends for z in genome["latent"]]
    assert 0.75 < np.mean(np.square(values)) < 1.3  # fresh: 1; a random walk: 4.6
    offsets = [o for genome in ends for o in genome["transform"]["offset"]]
    assert np.std(offsets) < 0.45  # fresh: 0.3


def test_bounded_genes_of_a_long_lineage_do_not_pile_up_at_the_range_ends():
    preset = STYLES["nebula"]
    rng = random.Random(8)
    ends = [
        lineage(evolution.random_genome(style="nebula", seed=s, size=SIZE), 60, rng)
        for s in range(40)
    ]

    zooms = [g["transform"]["zoom"] for g in ends]
    contrasts = [g["params"]["contrast"] for g in ends]
    assert sum(z in preset.zoom for z in zooms) <= 2
    assert sum(c in preset.params["contrast"] for c in contrasts) <= 2
    # The zooms still cover the style's range, not one end of it.
    lo, hi = preset.zoom
    assert min(zooms) < lo + (hi - lo) / 3
    assert max(zooms) > hi - (hi - lo) / 3


def test_distance_is_zero_for_the_same_genes_and_grows_with_the_change():
    a = evolution.random_genome(style="nebula", seed=1, size=SIZE)
    b = evolution.random_genome(style="nebula", seed=2, size=SIZE)
    near = evolution.mutate(a, rng=1)

    assert evolution.distance(a, {**a, "seed": 9, "size": 512}) == 0
    assert 0 < evolution.distance(a, near) < evolution.distance(a, b) <= 1
    assert evolution.distance(a, b) == evolution.distance(b, a)
    ink = evolution.random_genome(style="ink", seed=1, size=SIZE)
    assert evolution.distance(a, ink) == 1


def test_niche_names_the_style_palette_and_symmetry():
    genome = evolution.random_genome(style="neon", seed=1, size=SIZE)
    genome["palette"] = list(STYLES["neon"].palettes[2])
    genome["transform"].update(symmetry="radial", folds=5)

    assert evolution.niche(genome) == "neon/palette-2/radial-5"


def winner_and_copies(style="nebula", copies=7):
    """Return a pool whose fittest seeds are near-copies of one winner."""
    winner = evolution.random_genome(style=style, seed=0, size=SIZE)
    rng = random.Random(1)
    pool = [evolution.Candidate(0, winner, 4.5)]
    for i in range(1, copies + 1):
        copy = evolution.mutate(winner, rng=rng, strength=0.3)
        copy["palette"] = winner["palette"]
        copy["weights_seed"] = winner["weights_seed"]
        pool.append(evolution.Candidate(i, copy, 4.4 - 0.01 * i))
    for i in range(10):
        other = evolution.random_genome(style=style, seed=100 + i, size=SIZE)
        pool.append(evolution.Candidate(100 + i, other, 3.6 - 0.05 * i))
    return pool


def mean_distance(genomes):
    pairs = [
        evolution.distance(a, b)
        for i, a in enumerate(genomes)
        for b in genomes[i + 1 :]
    ]
    return sum(pairs) / len(pairs)


def test_a_bred_population_keeps_distinct_networks_and_spread():
    """Near-copies of one winner do not take over the next batch."""
    pool = winner_and_copies()
    plain = {"niche_slots": 0, "min_distance": 0.0, "candidates": 1}
    fresh = [
        evolution.random_genome(style="nebula", seed=500 + i, size=SIZE)
        for i in range(16)
    ]

    kept = evolution.breed(pool, count=16, rng=3, size=SIZE)
    collapsed = evolution.breed(pool, count=16, rng=3, size=SIZE, **plain)

    def bred(batch):
        return [g for g, ids in batch if ids]

    assert len({g["weights_seed"] for g in bred(kept)}) >= 6
    assert len({g["weights_seed"] for g in bred(collapsed)}) <= 4
    assert mean_distance([g for g, _ in kept]) > 0.8 * mean_distance(fresh)
    assert mean_distance([g for g, _ in kept]) > mean_distance(
        [g for g, _ in collapsed]
    )
    assert len({evolution.genes(g) for g, _ in kept}) == 16
    # The winner still breeds most: variety does not throw fitness away.
    uses = Counter(pid for _, ids in kept for pid in ids)
    assert uses.most_common(1)[0][0] == 0


def test_the_elite_skips_near_copies_of_a_fitter_member():
    ranked = evolution.rank(winner_and_copies())

    elite = evolution.pick_elite(ranked, top_k=8, niche_slots=0)

    assert [c.seed_id for c in elite][:1] == [0]
    assert len(elite) == 8
    assert sum(c.seed_id < 100 for c in elite) <= 2  # the winner and one copy
    for i, a in enumerate(elite):
        for b in elite[i + 1 :]:
            assert evolution.distance(a.genome, b.genome) >= (
                evolution.MIN_PARENT_DISTANCE
            )


def test_a_niche_outside_the_elite_survives_into_the_bred_batch():
    """A liked palette family breeds although another family was liked more."""
    preset = STYLES["ink"]
    popular, rare = list(preset.palettes[0]), list(preset.palettes[3])
    pool = []
    for i in range(12):
        genome = evolution.random_genome(style="ink", seed=i, size=SIZE)
        genome["palette"] = popular
        genome["transform"]["symmetry"] = "none"
        pool.append(evolution.Candidate(i, genome, 4.0 - 0.02 * i))
    champion = evolution.random_genome(style="ink", seed=50, size=SIZE)
    champion["palette"] = rare
    champion["transform"]["symmetry"] = "none"
    pool.append(evolution.Candidate(50, champion, 3.7))  # 13th of 25: the median
    pool += [  # a poorer niche stays out: below the pool's median
        evolution.Candidate(
            60 + i,
            evolution.random_genome(style="ink", seed=60 + i, size=SIZE),
            2.0,
        )
        for i in range(12)
    ]

    elite = evolution.pick_elite(evolution.rank(pool))
    batch = evolution.breed(pool, count=8, rng=5, size=SIZE)

    assert 50 in {c.seed_id for c in elite}
    assert not {c.seed_id for c in elite} & set(range(60, 72))
    assert any(50 in ids for _, ids in batch)
    assert not any(set(ids) & set(range(60, 72)) for _, ids in batch)
    plain = evolution.breed(pool, count=8, rng=5, size=SIZE, niche_slots=0)
    assert not any(50 in ids for _, ids in plain)


def test_diversity_keeping_breeding_is_deterministic_given_the_rng():
    pool = winner_and_copies()

    first = evolution.breed(pool, count=12, rng=random.Random(21), size=SIZE)

    assert evolution.breed(pool, count=12, rng=random.Random(21), size=SIZE) == first
    assert evolution.breed(pool, count=12, rng=22, size=SIZE) != first
