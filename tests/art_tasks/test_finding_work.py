"""Finding work: the tasks list and API, a task's accepted works, the submit form.

The tasks list shows each task's claim time, free slots and deadline, says
"full" and "yours", sorts three ways, and tells a contributor facing a full
task when the next slot may free up.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks import selectors
from art_tasks.models import Claim
from art_tasks.services import claim_task
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import ClaimFactory, OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


def _card(html: str, task) -> str:
    """Return the tasks list's card of `task`."""
    match = re.search(
        rf'<article class="task-card[^"]*" data-task="{task.pk}".*?</article>',
        html,
        re.S,
    )
    assert match, f"no card for {task.title}"
    return match.group(0)


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2 id="task-\d+-title"><a [^>]*>([^<]+)</a>', html)


@pytest.fixture
def person(db):
    return UserFactory(username="finder")


# The list's facts ---------------------------------------------------------------


def test_each_card_shows_claim_time_free_slots_and_deadline(client):
    task = OpenTaskFactory(
        title="Dunes",
        slots=3,
        claim_ttl=timedelta(minutes=90),
        deadline=timezone.now() + timedelta(days=2, hours=1),
    )
    ClaimFactory(task=task)

    card = _card(client.get("/tasks/").content.decode(), task)

    assert "<dt>Claim time</dt><dd>1 hour 30 minutes</dd>" in card
    assert '<dd class="slots">2 of 3</dd>' in card
    assert "in 2\xa0days</time>" in card  # the largest unit; the hour in its title
    assert "Full" not in card


def test_a_full_task_has_no_claim_button_and_says_when_a_slot_frees_up(client, person):
    task = OpenTaskFactory(title="Crowded", slots=2)
    ends = timezone.now() + timedelta(minutes=40)
    ClaimFactory(task=task, expires_at=ends)
    ClaimFactory(task=task, expires_at=ends + timedelta(hours=1))
    client.force_login(person)

    card = _card(client.get("/tasks/").content.decode(), task)

    assert '<span class="flag full">Full</span>' in card
    assert "Claim<" not in card
    assert "claim/" not in card
    assert '<dd class="slots">0 of 2</dd>' in card
    assert "Next slot may free up at" in card
    assert (
        f'<time datetime="{ends.isoformat()}">{ends:%-d %b, %H:%M} UTC</time>' in card
    )
    assert "in 39\xa0minutes" in card or "in 40\xa0minutes" in card


def test_a_full_task_whose_slots_all_hold_submitted_work_says_none_will_free(
    client,
):
    task = OpenTaskFactory(title="Done", slots=1)
    submitted_work(task=task, artist=UserFactory(username="maker"))

    card = _card(client.get("/tasks/").content.decode(), task)

    assert "Full" in card
    assert "none will free up" in card


def test_expired_claims_free_their_slot_at_once(client, person):
    task = OpenTaskFactory(title="Lapsed", slots=1)
    ClaimFactory(
        task=task,
        claimed_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=1),
    )  # never tidied up by the beat job
    client.force_login(person)

    card = _card(client.get("/tasks/").content.decode(), task)

    assert "Full" not in card
    assert f'action="/tasks/{task.pk}/claim/"' in card


def test_the_signed_in_person_sees_which_tasks_are_theirs(client, person):
    held = OpenTaskFactory(title="Held")
    done = OpenTaskFactory(title="Done")
    other = OpenTaskFactory(title="Other")
    claim_task(task=held, user=person)
    submitted_work(task=done, artist=person)
    client.force_login(person)

    html = client.get("/tasks/").content.decode()

    assert "Yours · claimed" in _card(html, held)
    assert "Continue your work" in _card(html, held)
    assert "Yours · submitted" in _card(html, done)
    assert "Claim<" not in _card(html, done)
    assert "Yours" not in _card(html, other)
    assert f'action="/tasks/{other.pk}/claim/"' in _card(html, other)
    # Nobody else sees them as theirs.
    client.force_login(UserFactory(username="stranger"))
    html = client.get("/tasks/").content.decode()
    assert "Yours" not in html


def test_a_released_claim_is_no_longer_yours(client, person):
    task = OpenTaskFactory(title="Let go")
    ClaimFactory(task=task, contributor=person, state=Claim.State.RELEASED)
    client.force_login(person)

    assert "Yours" not in _card(client.get("/tasks/").content.decode(), task)


def test_a_visitor_is_offered_to_sign_in_rather_than_a_claim_button(client):
    task = OpenTaskFactory(title="Open to all")

    card = _card(client.get("/tasks/").content.decode(), task)

    assert "Sign in to claim" in card
    assert f"next=/tasks/{task.pk}/" in card.replace("%2F", "/")
    assert "<form" not in card


def test_claiming_from_the_list_leads_to_the_task_with_the_clock_running(
    client, person
):
    task = OpenTaskFactory(title="Quick")
    client.force_login(person)

    response = client.post(f"/tasks/{task.pk}/claim/")

    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert Claim.objects.get(task=task, contributor=person).state == "active"


# Sorting ------------------------------------------------------------------------


@pytest.fixture
def three_tasks():
    now = timezone.now()
    old = OpenTaskFactory(
        title="Old roomy",
        slots=9,
        opened_at=now - timedelta(days=3),
        deadline=now + timedelta(days=9),
    )
    mid = OpenTaskFactory(
        title="Closing soon",
        slots=4,
        opened_at=now - timedelta(days=2),
        deadline=now + timedelta(hours=5),
    )
    new = OpenTaskFactory(title="Brand new", slots=2, opened_at=now, deadline=None)
    ClaimFactory(task=old)
    return old, mid, new


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("new", ["Brand new", "Closing soon", "Old roomy"]),
        ("closing", ["Closing soon", "Old roomy", "Brand new"]),
        ("free", ["Old roomy", "Closing soon", "Brand new"]),
        ("nonsense", ["Brand new", "Closing soon", "Old roomy"]),
    ],
)
def test_the_list_sorts_by_newest_closing_soon_and_most_slots_free(
    client, three_tasks, sort, expected
):
    html = client.get(f"/tasks/?sort={sort}").content.decode()

    assert _titles(html) == expected


def test_the_sort_links_keep_the_tag_and_mark_the_current_order(client, three_tasks):
    html = client.get("/tasks/?tag=sand&sort=closing").content.decode()

    assert 'href="?tag=sand&amp;sort=free"' in html
    assert 'href="?tag=sand&amp;sort=closing" class="active" aria-current="page"' in (
        html
    )


def test_the_api_sorts_the_same_way_and_refuses_an_unknown_order(three_tasks):
    api = APIClient()

    closing = api.get("/api/v1/tasks/?sort=closing").json()["results"]
    free = api.get("/api/v1/tasks/?sort=free").json()["results"]
    bad = api.get("/api/v1/tasks/?sort=cheapest")

    assert [t["title"] for t in closing] == ["Closing soon", "Old roomy", "Brand new"]
    assert [t["title"] for t in free] == ["Old roomy", "Closing soon", "Brand new"]
    assert bad.status_code == 400
    assert bad.json()["detail"] == 'sort: "cheapest" is not a valid choice.'


def test_the_api_says_free_slots_full_yours_and_the_next_free_slot(person):
    roomy = OpenTaskFactory(title="Roomy", slots=3)
    full = OpenTaskFactory(title="Full", slots=1)
    ends = timezone.now() + timedelta(minutes=25)
    ClaimFactory(task=full, expires_at=ends)
    claim_task(task=roomy, user=person)
    api = APIClient()
    api.force_authenticate(person)

    rows = {t["title"]: t for t in api.get("/api/v1/tasks/").json()["results"]}

    assert rows["Roomy"]["slots_free"] == 2
    assert rows["Roomy"]["full"] is False
    assert rows["Roomy"]["yours"] == "held"
    assert rows["Full"]["slots_free"] == 0
    assert rows["Full"]["full"] is True
    assert rows["Full"]["yours"] is None
    assert rows["Full"]["next_slot_at"].startswith(ends.strftime("%Y-%m-%dT%H:%M"))
    detail = api.get(f"/api/v1/tasks/{roomy.pk}/").json()
    assert detail["yours"] == "held"
    assert detail["slots_free"] == 2
    # A visitor's view has no "yours".
    assert APIClient().get(f"/api/v1/tasks/{roomy.pk}/").json()["yours"] is None


def test_the_schema_documents_the_sort_parameter():
    schema = APIClient().get("/api/schema/?format=json").json()
    params = schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]
    sort = next(p for p in params if p["name"] == "sort")

    assert sorted(sort["schema"]["enum"]) == ["closing", "free", "new"]
    assert "most slots free" in sort["description"]
    fields = schema["components"]["schemas"]["TaskOutput"]["properties"]
    assert {"slots_free", "full", "yours", "next_slot_at"} <= set(fields)


def test_the_tasks_page_costs_the_same_queries_for_one_task_or_many(
    client, person, django_assert_num_queries
):
    def fill(n: int) -> None:
        for i in range(n):
            task = OpenTaskFactory(title=f"T{i}", slots=1)
            ClaimFactory(task=task)  # full, with a next slot time
            claim_task(task=OpenTaskFactory(title=f"Mine {i}"), user=person)

    client.force_login(person)
    fill(1)
    # the user with the header's bell and role (the session is cached), then
    # tasks (with free slots, next free slot, "yours" and tags), seeds
    with django_assert_num_queries(3):
        assert client.get("/tasks/?sort=free").status_code == 200
    fill(5)
    with django_assert_num_queries(3):
        html = client.get("/tasks/?sort=free").content.decode()
    assert html.count("Yours · claimed") == 6
    assert html.count('class="flag full"') == 6


def test_the_selector_refuses_an_unknown_order():
    with pytest.raises(ValueError, match="Unknown task order"):
        selectors.task_list(sort="random")


# A task's accepted works --------------------------------------------------------


def test_the_task_page_lists_the_accepted_works_made_for_it(client, curators):
    task = OpenTaskFactory(title="Harbour", slots=10)
    kept = decided_work(
        task=task, artist=UserFactory(username="a1"), curators=curators, title="Kept"
    )
    decided_work(
        task=task,
        artist=UserFactory(username="a2"),
        curators=curators,
        scores=(1, 1, 2),
        title="Turned down",
    )
    submitted_work(task=task, artist=UserFactory(username="a3"), title="Waiting")
    elsewhere = decided_work(
        artist=UserFactory(username="a4"), curators=curators, title="Elsewhere"
    )

    html = client.get(f"/tasks/{task.pk}/").content.decode()
    section = html[html.index('id="accepted-heading"') :]

    assert kept.state == "accepted"
    assert elsewhere.state == "accepted"
    assert f'href="/art/{kept.pk}/"' in section
    assert "Turned down" not in section
    assert "Waiting" not in section
    assert "Elsewhere" not in section


def test_a_task_without_accepted_work_says_so(client, open_task):
    html = client.get(f"/tasks/{open_task.pk}/").content.decode()

    assert "Accepted works" in html
    assert "No work made for this task has been accepted yet." in html


# The submit form ----------------------------------------------------------------


def test_the_submit_form_picks_the_seed_by_its_thumbnail(client, open_task, artist):
    claim_task(task=open_task, user=artist)
    client.force_login(artist)
    seeds = list(open_task.seeds.order_by("index"))

    html = client.get(f"/tasks/{open_task.pk}/").content.decode()

    assert '<select name="seed"' not in html
    assert "<legend>Seed you worked from</legend>" in html
    for n, seed in enumerate(seeds):
        label = re.search(
            rf'<label class="seed-choice" for="id_seed_{n}">(.*?)</label>', html, re.S
        ).group(1)
        assert f'type="radio" name="seed" value="{seed.pk}"' in label
        assert f'src="{seed.thumbnail.url}"' in label
        assert f"Seed {n + 1}" in label
    # The first seed is chosen unless the person came from another one.
    assert re.search(rf'value="{seeds[0].pk}"[^>]*checked', html)
    html = client.get(f"/tasks/{open_task.pk}/?seed={seeds[1].pk}").content.decode()
    assert re.search(rf'value="{seeds[1].pk}"[^>]*checked', html)
    assert not re.search(rf'value="{seeds[0].pk}"[^>]*checked', html)


def test_a_seed_of_another_task_in_the_link_is_ignored(client, open_task, artist):
    other = OpenTaskFactory(title="Other")
    claim_task(task=open_task, user=artist)
    client.force_login(artist)
    first = open_task.seeds.order_by("index").first()

    html = client.get(
        f"/tasks/{open_task.pk}/?seed={other.seeds.first().pk}"
    ).content.decode()

    assert re.search(rf'value="{first.pk}"[^>]*checked', html)


def test_the_submit_form_spells_licence_and_previews_the_chosen_file(
    client, open_task, artist
):
    claim_task(task=open_task, user=artist)
    client.force_login(artist)

    html = client.get(f"/tasks/{open_task.pk}/").content.decode()
    form = html.split('class="submit-form"')[1].split("</form>")[0]

    assert '<label for="id_license">Licence:</label>' in form
    assert "License" not in form
    assert 'data-preview="upload-preview"' in form
    assert 'accept="image/png,image/jpeg,image/webp"' in form
    assert '<figure class="upload-preview" id="upload-preview" hidden>' in form


def test_submitting_without_a_seed_says_which_field_to_fill(
    client, open_task, artist, make_png
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = claim_task(task=open_task, user=artist)
    client.force_login(artist)

    response = client.post(
        f"/claims/{claim.pk}/submit/",
        {
            "title": "No seed",
            "license": open_task.license,
            "image": SimpleUploadedFile("w.png", make_png((40, 40)), "image/png"),
        },
    )

    assert response.status_code == 400
    assert "Pick the seed your work was made from." in response.content.decode()
    assert not claim.task.submissions.exists()


# "Make something from this seed" -------------------------------------------------

OFFER = "Make something from this seed"


def test_seed_and_artwork_pages_offer_the_open_task_with_the_seed_chosen(
    client, curators
):
    task = OpenTaskFactory(title="Harbour", slots=10)
    seed = task.seeds.order_by("index").last()
    work = decided_work(
        task=task, seed=seed, artist=UserFactory(username="maker"), curators=curators
    )

    for url in (f"/seeds/{seed.pk}/", work.get_absolute_url()):
        html = client.get(url).content.decode()
        assert OFFER in html, url
        assert f'href="/tasks/{task.pk}/?seed={seed.pk}"' in html, url


def test_no_offer_once_the_task_is_full_closed_or_already_done(client, curators):
    full = OpenTaskFactory(title="Full", slots=1)
    work = decided_work(
        task=full, artist=UserFactory(username="maker"), curators=curators
    )
    closed = OpenTaskFactory(
        title="Closed", deadline=timezone.now() + timedelta(minutes=5)
    )
    closed_seed = closed.seeds.first()
    closed.deadline = timezone.now() - timedelta(minutes=1)
    closed.save(update_fields=["deadline"])

    assert OFFER not in client.get(work.get_absolute_url()).content.decode()
    assert OFFER not in client.get(f"/seeds/{work.seed_id}/").content.decode()
    assert OFFER not in client.get(f"/seeds/{closed_seed.pk}/").content.decode()
    # The maker of a work has submitted to its task: nothing more to offer.
    roomy = OpenTaskFactory(title="Roomy", slots=10)
    maker = UserFactory(username="again")
    mine = decided_work(task=roomy, artist=maker, curators=curators)
    client.force_login(maker)
    assert OFFER not in client.get(mine.get_absolute_url()).content.decode()
    client.force_login(UserFactory(username="fresh"))
    assert OFFER in client.get(mine.get_absolute_url()).content.decode()


def test_a_person_holding_a_claim_is_offered_to_continue(client, open_task, artist):
    claim_task(task=open_task, user=artist)
    seed = open_task.seeds.first()
    client.force_login(artist)

    html = client.get(f"/seeds/{seed.pk}/").content.decode()

    assert "Continue your work from this seed" in html
    assert OFFER not in html
    page = client.get(f"/tasks/{open_task.pk}/?seed={seed.pk}").content.decode()
    assert re.search(rf'value="{seed.pk}"[^>]*checked', page)


def test_claiming_from_a_seeds_link_keeps_the_seed_chosen(client, open_task, artist):
    seed = open_task.seeds.order_by("index").last()
    client.force_login(artist)
    page = client.get(f"/tasks/{open_task.pk}/?seed={seed.pk}").content.decode()
    assert f'<input type="hidden" name="seed" value="{seed.pk}">' in page

    response = client.post(f"/tasks/{open_task.pk}/claim/", {"seed": seed.pk})

    assert response["Location"] == f"/tasks/{open_task.pk}/?seed={seed.pk}"
    html = client.get(response["Location"]).content.decode()
    assert re.search(rf'value="{seed.pk}"[^>]*checked', html)
