"""Seed pages, family trees on seed and artwork pages, and the seed API."""

import json

import pytest

from django.template.loader import render_to_string
from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from curation.services import cast_vote
from generation.selectors import family_tree, seed_detail
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db


def seed_of(task, index=0):
    return task.seeds.get(index=index)


def url(seed):
    return f"/seeds/{seed.pk}/"


@pytest.fixture
def lineage(staff):
    """Nine generations of seeds, one task each, with `focus` in the middle.

    too_old → a0, a1 → b0 → c0 → d0 → focus → f0, f1 → g0 → h0 → too_young,
    plus a child of `focus` painted for a task that is still a draft.
    """

    def task(title, seeds=1, **extra):
        return OpenTaskFactory(title=title, seed_count=seeds, created_by=staff, **extra)

    tasks = {
        name: task(name, seeds)
        for name, seeds in [
            ("Too old", 1),
            ("Great-great", 2),
            ("Great", 1),
            ("Grand", 1),
            ("Parent", 1),
            ("Focus", 1),
            ("Children", 2),
            ("Grandchildren", 1),
            ("Great-grandchildren", 1),
            ("Too young", 1),
        ]
    }
    draft = task("Secret draft", state=CreationTask.State.DRAFT)
    s = {name: list(t.seeds.order_by("index")) for name, t in tasks.items()}
    s["Great-great"][0].parents.add(s["Too old"][0])
    s["Great"][0].parents.add(*s["Great-great"])
    s["Grand"][0].parents.add(s["Great"][0])
    s["Parent"][0].parents.add(s["Grand"][0])
    s["Focus"][0].parents.add(s["Parent"][0])
    for child in s["Children"]:
        child.parents.add(s["Focus"][0])
    s["Grandchildren"][0].parents.add(s["Children"][0])
    s["Great-grandchildren"][0].parents.add(s["Grandchildren"][0])
    s["Too young"][0].parents.add(s["Great-grandchildren"][0])
    seed_of(draft).parents.add(s["Focus"][0])
    s["draft"] = [seed_of(draft)]
    return s


def test_a_family_tree_reads_seven_generations_in_one_query(
    lineage, django_assert_num_queries
):
    focus = lineage["Focus"][0]

    with django_assert_num_queries(1):  # four levels up, three down
        tree = family_tree(seed=focus)

    up = [[s.task.title for s in level.seeds] for level in tree.ancestors]
    down = [[s.task.title for s in level.seeds] for level in tree.descendants]
    assert up == [["Parent"], ["Grand"], ["Great"], ["Great-great"] * 2]
    assert [level.label for level in tree.ancestors] == [
        "Parents",
        "Grandparents",
        "Great-grandparents",
        "Great-great-grandparents",
    ]
    assert down == [["Children"] * 2, ["Grandchildren"], ["Great-grandchildren"]]
    assert [level.label for level in tree.descendants] == [
        "Children",
        "Grandchildren",
        "Great-grandchildren",
    ]


def test_the_walk_without_lateral_gives_the_same_tree(lineage, monkeypatch):
    """SQLite (`make run`'s database) walks the tree without LATERAL."""
    from generation import selectors

    def shape(tree):
        return [
            (level.depth, level.label, [(s.pk, s.task.title) for s in level.seeds])
            for level in (*tree.ancestors, *tree.descendants)
        ]

    assert "LATERAL" not in selectors._TREE_SQL_PORTABLE
    focus = lineage["Focus"][0]
    native = shape(family_tree(seed=focus))
    monkeypatch.setattr(selectors, "_TREE_SQL", selectors._TREE_SQL_PORTABLE)
    portable = family_tree(seed=focus)

    assert shape(portable) == native
    assert all(s.tree_up is True for level in portable.ancestors for s in level.seeds)
    assert [s.task.title for s in portable.descendants[0].seeds] == ["Children"] * 2


def test_a_fresh_seed_without_children_has_an_empty_tree_in_one_query(
    open_task, django_assert_num_queries
):
    seed = seed_of(open_task)

    with django_assert_num_queries(1):
        tree = family_tree(seed=seed)

    assert tree.is_empty is True


def test_the_family_tree_include_runs_no_queries(lineage, django_assert_num_queries):
    """The views fetch the tree; the template only shows it."""
    tree = family_tree(seed=seed_detail(pk=lineage["Focus"][0].pk))

    with django_assert_num_queries(0):
        html = render_to_string("generation/_family_tree.html", {"tree": tree})

    assert "Great-great-grandparents" in html
    assert f'href="{url(lineage["Children"][1])}"' in html


def test_the_seed_and_artwork_pages_cost_a_fixed_number_of_queries(
    client, lineage, artist, curators, django_assert_num_queries
):
    focus = lineage["Focus"][0]
    work = submitted_work(task=focus.task, artist=artist, title="Descendant")
    for curator in curators:
        cast_vote(submission=work, curator=curator, score=4)

    # the seed, its tree (seven levels), its works, its open task's free slots
    with django_assert_num_queries(4):
        page = client.get(url(focus))
    assert page.status_code == 200
    assert "Make something from this seed" in page.content.decode()
    # the work (with its seed's task and free slots, its badges and the
    # collections it is in) and its seed's tree (seven levels); the view is
    # counted in Redis, not written to the row
    with django_assert_num_queries(2):
        page = client.get(work.get_absolute_url())
    assert page.status_code == 200
    assert "Make something from this seed" in page.content.decode()


def test_the_seed_page_links_four_generations_up_and_three_down(client, lineage):
    focus = lineage["Focus"][0]

    page = client.get(url(focus)).content.decode()

    for name in ["Parent", "Grand", "Great", "Great-great", "Children"]:
        for seed in lineage[name]:
            assert f'href="{url(seed)}"' in page, name
    for name in ["Grandchildren", "Great-grandchildren"]:
        assert f'href="{url(lineage[name][0])}"' in page, name
    assert f'href="{url(lineage["Too old"][0])}"' not in page
    assert f'href="{url(lineage["Too young"][0])}"' not in page
    assert f'href="{url(lineage["draft"][0])}"' not in page
    for label in ["Great-great-grandparents", "This seed", "Great-grandchildren"]:
        assert label in page
    assert focus.task.get_absolute_url() in page


def test_the_seed_page_shows_the_recipe_and_offers_it_for_download(client, open_task):
    seed = seed_of(open_task)
    seed.recipe = {"generator": "cppn", "version": "1", "seed": 7, "latent": [0.5]}
    seed.save(update_fields=["recipe"])

    page = client.get(url(seed)).content.decode()
    download = client.get(f"/seeds/{seed.pk}/recipe.json")

    assert "&quot;latent&quot;: [" in page
    assert f'href="/seeds/{seed.pk}/recipe.json"' in page
    assert "Fresh random genome" in page
    assert "no seeds have been bred from it yet" in page
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content) == seed.recipe


def test_the_seed_page_lists_the_accepted_works_made_from_it(
    client, open_task, artist, curators
):
    work = submitted_work(task=open_task, artist=artist, title="Night garden")
    for curator in curators:
        cast_vote(submission=work, curator=curator, score=5)

    page = client.get(url(work.seed)).content.decode()

    assert "Night garden" in page
    assert f'href="{work.get_absolute_url()}"' in page
    assert "from 3 curator votes on 1 work" in page


def test_the_artwork_page_shows_the_seeds_family_and_links_the_seed(
    client, lineage, artist, curators
):
    focus = lineage["Focus"][0]
    work = submitted_work(task=focus.task, artist=artist, title="Descendant")
    for curator in curators:
        cast_vote(submission=work, curator=curator, score=4)

    page = client.get(work.get_absolute_url()).content.decode()

    assert "Family tree" in page
    assert page.count(f'href="{url(focus)}"') >= 2  # the seed image and the tree
    assert f'href="{url(lineage["Parent"][0])}"' in page
    assert f'href="{url(lineage["Children"][1])}"' in page


def test_task_pages_link_every_seed_to_its_page(client, open_task):
    page = client.get(open_task.get_absolute_url()).content.decode()

    for seed in open_task.seeds.all():
        assert f'href="{url(seed)}"' in page


def test_seeds_of_draft_tasks_are_hidden_from_the_public(client, lineage, staff):
    secret = lineage["draft"][0]

    assert client.get(url(secret)).status_code == 404
    assert client.get(f"/seeds/{secret.pk}/recipe.json").status_code == 404
    assert APIClient().get(f"/api/v1/seeds/{secret.pk}/").status_code == 404
    client.force_login(staff)
    assert client.get(url(secret)).status_code == 200


def test_the_seed_api_gives_recipe_parents_children_and_fitness(
    lineage, artist, curators
):
    focus = lineage["Focus"][0]
    work = submitted_work(task=focus.task, artist=artist)
    for curator, score in zip(curators, [5, 4, 3], strict=True):
        cast_vote(submission=work, curator=curator, score=score)

    body = APIClient().get(f"/api/v1/seeds/{focus.pk}/").json()

    assert body["id"] == focus.pk
    assert body["recipe"] == focus.recipe
    assert [p["id"] for p in body["parents"]] == [lineage["Parent"][0].pk]
    assert [c["id"] for c in body["children"]] == [s.pk for s in lineage["Children"]]
    assert body["children"][0]["url"].endswith(url(lineage["Children"][0]))
    assert body["fitness"]["votes"] == 3
    assert body["fitness"]["score_total"] == 12
    assert body["fitness"]["fitness"] == pytest.approx(4.0)  # all votes are its own
    assert APIClient().get("/api/v1/seeds/999999/").status_code == 404


def test_a_seed_with_its_relatives_and_fitness_takes_three_queries(
    lineage, django_assert_num_queries
):
    from generation.selectors import seed_with_relatives

    focus = lineage["Focus"][0]

    with django_assert_num_queries(3):
        seed = seed_with_relatives(pk=focus.pk)
        parents = [p.task.title for p in seed.parents.all()]
        children = [c.task.title for c in seed.children.all()]

    assert parents == ["Parent"]
    assert children == ["Children", "Children"]  # not the draft's seed
    assert seed.fitness == pytest.approx(3.0)  # no votes yet: the prior
