"""Which events are recorded, for whom, and what their payloads leave out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.test import override_settings
from django.utils import timezone

from art_tasks.models import CreationTask, SeedImage
from art_tasks.services import close_finished_tasks, expire_claims, open_task
from generation.models import GeneratorModel, TrainingRun
from generation.signals import model_trained, seeds_bred
from integrations.errors import EndpointNotAllowed, UnsafeEndpointUrl
from integrations.models import Delivery, Endpoint, Event
from integrations.services import attempt_delivery, create_endpoint
from moderation.services import hide_work, restore_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import (
    ClaimFactory,
    OpenTaskFactory,
    TaskFactory,
    bred_seed,
    submitted_work,
)
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"
ARTIST_EVENTS = [
    "submission.received",
    "submission.decided",
    "work.hidden",
    "work.restored",
]


def events_for(endpoint: Endpoint) -> list[str]:
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .order_by("id")
        .values_list("event__type", flat=True)
    )


def test_an_artist_endpoint_hears_only_about_the_artists_own_works(staff):
    mine, theirs = UserFactory(username="mine"), UserFactory(username="theirs")
    hook = create_endpoint(owner=mine, url=URL, events=ARTIST_EVENTS)
    site = create_endpoint(owner=staff, url=URL, events=["submission.received"])
    submitted_work(artist=theirs, title="Not mine")
    assert events_for(hook) == []
    submitted_work(artist=mine, title="Mine")
    assert events_for(hook) == ["submission.received"]
    [delivery] = Delivery.objects.filter(endpoint=hook)
    assert delivery.event.data["submission"]["title"] == "Mine"
    assert events_for(site) == ["submission.received", "submission.received"]


def test_an_artist_cannot_subscribe_to_site_events():
    with pytest.raises(EndpointNotAllowed, match="your own works only"):
        create_endpoint(
            owner=UserFactory(), url=URL, events=["submission.decided", "claim.made"]
        )


def test_unknown_and_missing_events_are_refused(staff):
    with pytest.raises(EndpointNotAllowed, match="Unknown event: work.liked"):
        create_endpoint(owner=staff, url=URL, events=["work.liked"])
    with pytest.raises(EndpointNotAllowed, match="at least one"):
        create_endpoint(owner=staff, url=URL, events=[])


def test_a_decision_reaches_the_artist_without_who_voted(curators):
    artist = UserFactory(username="painter")
    hook = create_endpoint(owner=artist, url=URL, events=ARTIST_EVENTS)
    work = decided_work(
        artist=artist, curators=curators, scores=(5, 4, 4), comments=["Lovely"]
    )
    assert events_for(hook) == ["submission.received", "submission.decided"]
    event = Event.objects.get(type="submission.decided")
    decision = event.data["submission"]["decision"]
    assert decision["outcome"] == "accepted"
    assert decision["votes"] == 3
    assert decision["mean_score"] == 4.33
    text = str(event.payload())
    for curator in curators:
        assert curator.username not in text
        assert curator.email not in text
    assert artist.email not in text
    assert work.original.name not in text
    assert "originals/" not in text


def test_hiding_and_restoring_a_work_reach_its_artist_without_the_moderator(
    staff, curators
):
    artist = UserFactory(username="painter")
    work = decided_work(artist=artist, curators=curators, scores=(5, 4, 4))
    hook = create_endpoint(
        owner=artist, url=URL, events=["work.hidden", "work.restored"]
    )
    moderator = UserFactory(username="moderator-max", is_staff=True)
    hide_work(submission=work, actor=moderator, reason="Reported as a copy")
    restore_work(submission=work, actor=moderator, reason="It is original")
    assert events_for(hook) == ["work.hidden", "work.restored"]
    hidden = Event.objects.get(type="work.hidden")
    assert hidden.data["moderation"]["reason"] == "Reported as a copy"
    assert hidden.data["submission"]["state"] == "hidden"
    assert "moderator-max" not in str(hidden.payload())


def test_staff_hear_tasks_opening_and_closing(staff):
    hook = create_endpoint(owner=staff, url=URL, events=["task.opened", "task.closed"])
    task = TaskFactory(state=CreationTask.State.READY)
    open_task(task=task)
    CreationTask.objects.filter(pk=task.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    close_finished_tasks()
    assert events_for(hook) == ["task.opened", "task.closed"]
    closed = Event.objects.get(type="task.closed")
    assert closed.data["task"]["id"] == task.pk
    assert closed.data["task"]["state"] == "closed"


def test_each_expired_claim_is_an_event(staff):
    hook = create_endpoint(owner=staff, url=URL, events=["claim.expired"])
    task = OpenTaskFactory()
    for _ in range(2):
        ClaimFactory(
            task=task,
            claimed_at=timezone.now() - timedelta(hours=3),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    assert expire_claims() == 2
    assert events_for(hook) == ["claim.expired", "claim.expired"]
    assert {e.data["claim"]["state"] for e in Event.objects.all()} == {"expired"}


def test_a_bred_seed_names_its_parents(staff):
    hook = create_endpoint(owner=staff, url=URL, events=["seed.bred"])
    parents = list(OpenTaskFactory(seed_count=2).seeds.all())
    child = bred_seed(*parents)
    seeds_bred.send(sender=SeedImage, task=child.task, seeds=[child])
    [event] = Event.objects.filter(deliveries__endpoint=hook)
    assert event.data["seed"]["id"] == child.pk
    assert event.data["seed"]["parents"] == sorted(p.pk for p in parents)


def test_a_trained_model_is_an_event(staff):
    hook = create_endpoint(owner=staff, url=URL, events=["model.trained"])
    model = GeneratorModel.objects.create(
        name="dcgan", version="9", kind=GeneratorModel.Kind.CHECKPOINT
    )
    run = TrainingRun(pk=77, epochs=3)
    model_trained.send(sender=GeneratorModel, model=model, run=run)
    [event] = Event.objects.filter(deliveries__endpoint=hook)
    assert event.data["model"]["version"] == "9"
    assert event.data["model"]["reviewed"] is False
    assert event.data["training_run"] == {"id": 77, "epochs": 3}


@override_settings(ATELIER_WEBHOOKS_ALLOW_PRIVATE=False)
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
    ],
)
def test_endpoints_inside_the_network_are_refused_in_production(staff, url):
    with pytest.raises(UnsafeEndpointUrl, match="private or reserved"):
        create_endpoint(owner=staff, url=url, events=["claim.made"])


@override_settings(ATELIER_WEBHOOKS_ALLOW_PRIVATE=False)
def test_a_public_address_is_accepted_in_production(staff):
    endpoint = create_endpoint(
        owner=staff, url="https://93.184.215.14/hook", events=["claim.made"]
    )
    assert endpoint.url == "https://93.184.215.14/hook"


def test_a_url_with_an_impossible_port_is_refused(staff):
    with pytest.raises(UnsafeEndpointUrl, match="cannot be used"):
        create_endpoint(
            owner=staff, url="https://example.test:99999/", events=["claim.made"]
        )


def test_a_url_that_is_not_http_is_refused(staff):
    with pytest.raises(UnsafeEndpointUrl, match="must start with https"):
        create_endpoint(owner=staff, url="file:///etc/passwd", events=["claim.made"])


def test_an_endpoint_saved_while_allowed_is_refused_at_delivery_once_not(
    staff, settings
):
    from art_tasks.services import claim_task

    hook = create_endpoint(owner=staff, url=URL, events=["claim.made"])
    claim_task(task=OpenTaskFactory(), user=UserFactory())
    settings.ATELIER_WEBHOOKS_ALLOW_PRIVATE = False
    delivery = attempt_delivery(delivery_id=Delivery.objects.get(endpoint=hook).pk)
    [attempt] = delivery.attempts.all()
    assert attempt.succeeded is False
    assert attempt.error.startswith("Refused:")
