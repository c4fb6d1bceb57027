"""The page, the API and the model refuse the same out-of-range task settings."""

from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from generation.api import TaskListApi
from generation.errors import UnknownGenerator
from generation.forms import PublishForm
from generation.services import check_generator_recipe

pytestmark = pytest.mark.django_db

BASE = {
    "title": "Limits",
    "brief": "b",
    "license": "CC-BY-4.0",
    "slots": 3,
    "claim_ttl_minutes": 120,
    "generator": "cppn@1",
    "style": "nebula",
    "seed_count": 2,
    "image_size": 256,
}

# field: (lowest allowed, highest allowed), as the form and the API take it
EDGES = {
    "slots": (1, 1000),
    "claim_ttl_minutes": (5, 60 * 24 * 14),
    "seed_count": (1, 64),
    "vote_quorum": (1, 25),
    "accept_threshold": (1.0, 5.0),
    "review_window_hours": (1, 1440),
}
STEP = {"accept_threshold": 0.1}


def _form(**values):
    return PublishForm({**BASE, **values}, styles=["nebula"])


def _api(**values):
    """Return the API's input errors for `values` over a valid body."""
    body = {**BASE, "generator": "cppn", **values}
    serializer = TaskListApi.InputSerializer(data=body)
    serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize("field", sorted(EDGES))
def test_the_form_and_the_api_take_the_edges_and_refuse_past_them(field):
    low, high = EDGES[field]
    step = STEP.get(field, 1)

    for value in (low, high):
        assert _form(**{field: value}).is_valid() is True, (field, value)
        assert _api(**{field: value}) == {}, (field, value)
    for value in (low - step, high + step):
        assert field in _form(**{field: value}).errors, (field, value)
        assert field in _api(**{field: value}), (field, value)


def test_the_form_and_the_api_refuse_overlong_titles_and_briefs():
    for field, longest in (("title", 120), ("brief", 5000)):
        assert _form(**{field: "x" * longest}).is_valid() is True
        assert field in _form(**{field: "x" * (longest + 1)}).errors
        assert _api(**{field: "x" * longest}) == {}
        assert field in _api(**{field: "x" * (longest + 1)})


def test_the_api_takes_image_sizes_from_64_to_2048_pixels():
    assert _api(image_size=64) == {}
    assert _api(image_size=2048) == {}
    assert "image_size" in _api(image_size=63)
    assert "image_size" in _api(image_size=2049)


@pytest.mark.parametrize("size", [63, 2049])
def test_the_recipe_check_refuses_image_sizes_outside_64_to_2048(size):
    with pytest.raises(UnknownGenerator, match="between 64 and 2048 pixels"):
        check_generator_recipe(generator="cppn", version="1", style="nebula", size=size)


def test_a_claim_shorter_than_five_minutes_is_refused_with_the_reason(staff):
    with pytest.raises(ValidationError, match="at least 5 minutes"):
        create_task(by=staff, title="t", brief="b", claim_ttl=timedelta(minutes=4))

    task = create_task(by=staff, title="t", brief="b", claim_ttl=timedelta(minutes=5))

    assert task.claim_ttl == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slots", 0),
        ("slots", 1001),
        ("seed_count", 0),
        ("seed_count", 65),
        ("image_size", 63),
        ("image_size", 2049),
        ("vote_quorum", 26),
        ("accept_threshold", 5.5),
        ("review_window", timedelta(minutes=59)),
        ("review_window", timedelta(days=60, seconds=1)),
        ("claim_ttl", timedelta(minutes=4)),
        ("claim_ttl", timedelta(days=14, seconds=1)),
    ],
)
def test_the_model_refuses_the_same_out_of_range_values(staff, field, value):
    task = CreationTask(title="t", brief="b", created_by=staff, **{field: value})

    with pytest.raises(ValidationError) as refused:
        task.full_clean()

    assert field in refused.value.message_dict


@pytest.mark.parametrize("tag", ["a/b", "x" * 41])
def test_the_publish_page_refuses_a_tag_that_cannot_be_one(client, staff, tag):
    client.force_login(staff)
    form = {
        "title": "Tagged",
        "brief": "b",
        "license": "CC-BY-4.0",
        "slots": 5,
        "claim_ttl_minutes": 120,
        "generator": "cppn@1",
        "style": "ink",
        "seed_count": 4,
        "image_size": 256,
        "source": "fresh",
        "tags": f"ok, {tag}",
    }
    response = client.post("/staff/publish/", form)
    assert response.status_code == 200
    assert "is not a tag: use letters, digits, hyphens" in response.content.decode()
    assert not CreationTask.objects.filter(title="Tagged").exists()


def test_create_task_names_the_tag_it_refuses(staff):
    with pytest.raises(ValidationError, match="is not a tag") as refused:
        create_task(by=staff, title="T", brief="b", tags=["fine", "no spaces"])
    assert "tags" in refused.value.message_dict
    assert not CreationTask.objects.exists()
