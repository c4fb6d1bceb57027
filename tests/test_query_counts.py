"""List selectors cost the same number of queries for one row as for many.

Each case builds a list of 1, N = 3 and 2N = 6 rows, reads every field its
page shows, and pins the number of queries: a page that grew an N+1 would
fail, since the same pin has to hold for every length.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts import selectors as account_selectors
from accounts.services import issue_token
from art_tasks import selectors as task_selectors
from art_tasks.models import Tag
from art_tasks.services import claim_task
from community import selectors as community_selectors
from community.models import Notification
from community.services import follow_artist
from community.services.notifications import notify
from curation import selectors as curation_selectors
from gallery import selectors as gallery_selectors
from gallery.selectors import GalleryQuery
from gallery.services import add_to_collection, create_collection
from generation import selectors as generation_selectors
from generation.models import GeneratorModel
from moderation import selectors as moderation_selectors
from moderation.services import hide_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import VoteFactory, decided_work
from tests.gallery.factories import (
    CollectionFactory,
    CollectionItemFactory,
    LikeFactory,
)
from tests.generation.factories import (
    GenerationJobFactory,
    GeneratorModelFactory,
    TrainingRunFactory,
)
from tests.moderation.factories import ReportFactory

pytestmark = pytest.mark.django_db

Reader = Callable[[], list]


def _accepted(n: int, *, artist=None, task=None, seeds=None) -> list:
    """Return `n` accepted works by as many artists on `task`, or all by `artist`.

    One person submits once to a task, so each work of `artist` has a task of
    its own; others share `task` (a new one by default), on `seeds` if given.
    """
    curators = [CuratorFactory(username=f"judge{i}") for i in range(3)]
    task = task or OpenTaskFactory(slots=50)
    return [
        decided_work(
            task=OpenTaskFactory(title=f"Task {i}") if artist else task,
            seed=seeds[i] if seeds else None,
            artist=artist or UserFactory(username=f"maker{i}"),
            title=f"Work {i}",
            curators=curators,
            scores=(5, 4, 4),
        )
        for i in range(n)
    ]


# art_tasks ----------------------------------------------------------------------


def _tasks(n: int) -> Reader:
    for i in range(n):
        task = OpenTaskFactory(title=f"Task {i}")
        task.tags.add(Tag.objects.create(name=f"tag{i}"))

    def read() -> list:
        rows = list(task_selectors.task_list())
        for task in rows:
            _ = (task.held, task.created_by.username, list(task.tags.all()))
            _ = [seed.thumbnail.name for seed in task.seeds.all()]
        return rows

    return read


def _tasks_for_a_contributor(n: int) -> Reader:
    person = UserFactory(username="finder")
    for i in range(n):
        task = OpenTaskFactory(title=f"Task {i}", slots=1 + i % 2)
        claim_task(task=task, user=person if i % 2 else UserFactory())

    def read() -> list:
        rows = list(task_selectors.task_list(viewer=person, sort="free"))
        for task in rows:
            _ = (task.held, task.slots_free, task.next_slot_at, task.yours)
            _ = [seed.thumbnail.name for seed in task.seeds.all()]
        return rows

    return read


def _accepted_works(n: int) -> Reader:
    task = OpenTaskFactory(slots=50)
    _accepted(n, task=task)

    def read() -> list:
        rows = list(task_selectors.accepted_works(task=task))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


def _user_claims(n: int) -> Reader:
    person = UserFactory(username="claimer")
    for i in range(n):
        submitted_work(task=OpenTaskFactory(title=f"Task {i}"), artist=person)

    def read() -> list:
        rows = list(task_selectors.user_claims(user=person))
        for claim in rows:
            _ = (claim.task.title, claim.state, claim.submission.title)
        return rows

    return read


def _user_submissions(n: int) -> Reader:
    person = UserFactory(username="painter")
    for i in range(n):
        submitted_work(task=OpenTaskFactory(title=f"Task {i}"), artist=person)

    def read() -> list:
        rows = list(task_selectors.user_submissions(user=person))
        for work in rows:
            _ = (work.task.title, work.seed.index, work.artist.username, work.state)
        return rows

    return read


# accounts -----------------------------------------------------------------------


def _api_tokens(n: int) -> Reader:
    person = UserFactory(username="scripter")
    for i in range(n):
        issue_token(user=person, name=f"script {i}")

    def read() -> list:
        rows = list(account_selectors.api_tokens(user=person))
        for token in rows:
            _ = (token.name, token.created_at, token.last_used_at)
        return rows

    return read


# curation -----------------------------------------------------------------------


def _review_queue(n: int) -> Reader:
    curator = CuratorFactory(username="reader")
    task = OpenTaskFactory(slots=50)
    for i in range(n):
        submitted_work(task=task, artist=UserFactory(username=f"queued{i}"))

    def read() -> list:
        rows = list(curation_selectors.review_queue(curator=curator))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


def _open_votes(n: int) -> Reader:
    curator = CuratorFactory(username="reader")
    VoteFactory.create_batch(n, curator=curator)

    def read() -> list:
        rows = list(curation_selectors.open_votes(curator=curator))
        for vote in rows:
            _ = (vote.score, vote.submission.title, vote.submission.state)
        return rows

    return read


# gallery ------------------------------------------------------------------------


def _gallery(n: int) -> Reader:
    fan = UserFactory(username="fan")
    for work in _accepted(n)[::2]:
        LikeFactory(submission=work, user=fan)

    def read() -> list:
        rows = list(gallery_selectors.gallery_list(viewer=fan))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index, work.liked)
        return rows

    return read


def _gallery_page(n: int) -> Reader:
    _accepted(n)

    def read() -> list:
        page = gallery_selectors.gallery_page(query=GalleryQuery(order="new"))
        for work in page.items:
            _ = (work.artist.username, work.task.title, work.seed.index, work.liked)
        return page.items

    return read


def _card(work) -> tuple:  # noqa: ANN001 - what `work_card` reads
    return (
        work.artist.username,
        work.artist.display_name,
        work.task.title,
        work.title,
        work.score,
        work.like_count,
        work.web.name,
        work.thumbnail.name,
        work.width,
        work.height,
        work.liked,
        work.rank_top,
        work.decided_at,
    )


def _gallery_cards(n: int) -> Reader:
    _accepted(n)

    def read() -> list:
        page = gallery_selectors.gallery_page(
            query=GalleryQuery(order="top"), cards_only=True
        )
        return [_card(work) for work in page.items]

    return read


def _gallery_choices(n: int) -> Reader:
    for i, work in enumerate(_accepted(n)):
        work.task.tags.add(Tag.objects.create(name=f"shade{i}"))

    def read() -> list:
        choices = gallery_selectors.gallery_filter_choices()
        return choices["tags"]

    return read


def _artist_page(n: int) -> Reader:
    artist = UserFactory(username="prolific")
    _accepted(n, artist=artist)

    def read() -> list:
        page = gallery_selectors.artist_page(artist=artist, viewer=artist)
        return [_card(work) for work in page.items]

    return read


def _artist_works(n: int) -> Reader:
    artist = UserFactory(username="prolific")
    _accepted(n, artist=artist)

    def read() -> list:
        rows = list(gallery_selectors.artist_works(artist=artist))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


def _collections(n: int) -> Reader:
    staff = UserFactory(username="keeper", is_staff=True)
    task = OpenTaskFactory(slots=50)
    for i in range(n):
        work = submitted_work(task=task, artist=UserFactory(username=f"shown{i}"))
        collection = CollectionFactory(
            slug=f"c{i}", title=f"C {i}", curated_by=staff, published=True, cover=work
        )
        CollectionItemFactory(collection=collection, submission=work, position=1)

    def read() -> list:
        rows = list(gallery_selectors.collection_list())
        for collection in rows:
            _ = (collection.work_count, collection.curated_by.username)
            _ = collection.cover.title if collection.cover else None
        return rows

    return read


def _my_collections(n: int) -> Reader:
    keeper = UserFactory(username="keeper")
    works = _accepted(n)
    for i, work in enumerate(works):
        kept = create_collection(by=keeper, title=f"Kept {i}", published=i % 2 == 0)
        add_to_collection(collection=kept, by=keeper, submission=work)

    def read() -> list:
        rows = list(gallery_selectors.my_collections(user=keeper))
        for collection in rows:
            _ = (collection.work_count, collection.curated_by.username)
            cover = collection.public_cover
            _ = (cover.title, cover.thumbnail) if cover else None
        return rows

    return read


def _collection_picker(n: int) -> Reader:
    keeper = UserFactory(username="keeper")
    work = _accepted(1)[0]
    for i in range(n):
        kept = create_collection(by=keeper, title=f"Kept {i}")
        if i % 2:
            add_to_collection(collection=kept, by=keeper, submission=work)

    def read() -> list:
        rows = gallery_selectors.collection_picker(submission=work, user=keeper)
        _ = [(c.pk, c.title, c.published, c.has_work) for c in rows]
        return rows

    return read


def _work_collections(n: int) -> Reader:
    work = _accepted(1)[0]
    viewer = UserFactory(username="viewer")
    for i in range(n):
        owner = viewer if i % 2 else UserFactory(username=f"owner{i}")
        kept = create_collection(by=owner, title=f"Kept {i}", published=owner != viewer)
        add_to_collection(collection=kept, by=owner, submission=work)
    create_collection(by=UserFactory(username="private"), title="Never shown")

    def read() -> list:
        rows = gallery_selectors.work_collections(submission=work, viewer=viewer)
        _ = [(c.title, c.published, c.curated_by.shown_name) for c in rows]
        return rows

    return read


def _collection_works(n: int) -> Reader:
    keeper = UserFactory(username="keeper")
    kept = create_collection(by=keeper, title="Kept")
    for work in _accepted(n):
        add_to_collection(collection=kept, by=keeper, submission=work)

    def read() -> list:
        rows = list(gallery_selectors.collection_works(collection=kept))
        for item in rows:
            work = item.submission
            _ = (work.title, work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


# community ----------------------------------------------------------------------


def _following_feed(n: int) -> Reader:
    fan = UserFactory(username="fan")
    for i in range(n):
        artist = UserFactory(username=f"followed{i}")
        _accepted(1, artist=artist)
        follow_artist(follower=fan, artist=artist)
    _accepted(1)  # by someone not followed

    def read() -> list:
        page = community_selectors.following_page(user=fan)
        return [_card(work) for work in page.items]

    return read


# moderation ---------------------------------------------------------------------


def _report_queue(n: int) -> Reader:
    for work in _accepted(n):
        ReportFactory.create_batch(2, submission=work)

    def read() -> list:
        rows = list(moderation_selectors.report_queue())
        for work in rows:
            _ = (work.open_reports, work.first_reported_at)
            _ = (work.artist.username, work.task.title)
            _ = [report.reporter.username for report in work.open_report_list]
        return rows

    return read


def _hidden_works(n: int) -> Reader:
    moderator = UserFactory(username="warden", is_staff=True)
    for work in _accepted(n):
        hide_work(submission=work, actor=moderator, reason="Copied.")

    def read() -> list:
        rows = list(moderation_selectors.hidden_works())
        for work in rows:
            _ = (work.hidden_at, work.hidden_reason, work.hidden_by)
            _ = (work.artist.username, work.task.title)
        return rows

    return read


def _moderation_log(n: int) -> Reader:
    moderator = UserFactory(username="warden", is_staff=True)
    for work in _accepted(n):
        report = ReportFactory(submission=work)
        hide_work(submission=work, actor=moderator, reason="Copied.", report=report)

    def read() -> list:
        rows = list(moderation_selectors.moderation_log())
        for action in rows:
            _ = (action.actor.username, action.submission.title)
            _ = (action.submission.artist.username, action.report.reporter.username)
        return rows

    return read


# community ----------------------------------------------------------------------


def _inbox(n: int) -> Reader:
    person = UserFactory(username="reader")
    for i in range(n):
        notify(
            recipient=person,
            kind=Notification.Kind.MODERATION,
            text=f"News {i}",
            key=f"news-{i}",
        )

    def read() -> list:
        rows = list(community_selectors.inbox(user=person)[:50])
        for notification in rows:
            _ = (notification.text, notification.url, notification.read_at)
        return rows

    return read


def _leaderboard(n: int) -> Reader:
    _accepted(n)

    def read() -> list:
        rows = community_selectors.leaderboard(board="contributors", period="week")
        for row in rows:
            _ = (row.rank, row.user.username, row.user.display_name, row.points)
        return rows

    return read


# generation ---------------------------------------------------------------------


def _recent_jobs(n: int) -> Reader:
    GenerationJobFactory.create_batch(n)

    def read() -> list:
        rows = list(generation_selectors.recent_jobs())
        for job in rows:
            _ = (job.task.title, job.state, job.percent)
        return rows

    return read


def _generators(selector: Callable, kind: str) -> Callable[[int], Reader]:
    def build(n: int) -> Reader:
        made = {g.pk for g in GeneratorModelFactory.create_batch(n, kind=kind)}

        def read() -> list:
            rows = [g for g in selector() if g.pk in made]  # not the built-in ones
            for generator in rows:
                _ = (str(generator), generator.kind, generator.params)
            return rows

        return read

    return build


def _training_runs(n: int) -> Reader:
    for i in range(n):
        TrainingRunFactory(result=GeneratorModelFactory(name=f"trained{i}"))

    def read() -> list:
        rows = list(generation_selectors.recent_training_runs())
        for run in rows:
            _ = (run.state, run.requested_by.username, str(run.result))
        return rows

    return read


def _seed_fitness(n: int) -> Reader:
    task = OpenTaskFactory(slots=50, seed_count=n)
    _accepted(n, task=task, seeds=list(task.seeds.all()))

    def read() -> list:
        rows = list(generation_selectors.seed_fitness(seeds=task.seeds.all()))
        for seed in rows:
            _ = (seed.fitness, seed.votes, seed.likes, seed.works, seed.site_mean)
        return rows

    return read


def _seed_works(n: int) -> Reader:
    task = OpenTaskFactory(slots=50, seed_count=1)
    seed = task.seeds.get()
    _accepted(n, task=task)

    def read() -> list:
        rows = list(generation_selectors.seed_works(seed=seed))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


CASES: dict[str, tuple[Callable[[int], Reader], int]] = {
    "task list": (_tasks, 3),  # tasks with held slots, tags, seeds
    # the same three: free slots, next free slot and "yours" are in the first
    "task list for a contributor": (_tasks_for_a_contributor, 3),
    "accepted works of a task": (_accepted_works, 1),
    "user claims": (_user_claims, 1),
    "user submissions": (_user_submissions, 1),
    "api tokens": (_api_tokens, 1),
    "review queue": (_review_queue, 1),
    "open votes": (_open_votes, 1),
    "gallery list": (_gallery, 1),
    "gallery page": (_gallery_page, 1),
    "artist works": (_artist_works, 1),
    "gallery page cards": (_gallery_cards, 1),
    "gallery filter choices": (_gallery_choices, 1),  # tags and busy tasks
    "artist page": (_artist_page, 1),
    "collections": (_collections, 1),
    "my collections": (_my_collections, 1),
    "collection picker": (_collection_picker, 1),
    "collections holding a work": (_work_collections, 1),
    "collection works": (_collection_works, 1),
    "following feed": (_following_feed, 1),
    "report queue": (_report_queue, 2),  # works, their open reports
    "hidden works": (_hidden_works, 1),
    "moderation log": (_moderation_log, 1),
    "inbox": (_inbox, 1),
    "leaderboard": (_leaderboard, 1),
    "recent jobs": (_recent_jobs, 1),
    "active generators": (
        _generators(generation_selectors.active_generators, GeneratorModel.Kind.CODE),
        1,
    ),
    "trained generators": (
        _generators(
            generation_selectors.trained_generators, GeneratorModel.Kind.CHECKPOINT
        ),
        1,
    ),
    "generator versions": (
        _generators(generation_selectors.generator_versions, GeneratorModel.Kind.CODE),
        1,
    ),
    "recent training runs": (_training_runs, 1),
    "seed fitness": (_seed_fitness, 1),
    "seed works": (_seed_works, 1),
}


@pytest.mark.parametrize("rows", [1, 3, 6])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_selector_costs_the_same_queries_for_any_length(
    name, rows, django_assert_num_queries
):
    build, queries = CASES[name]
    read = build(rows)
    with django_assert_num_queries(queries):
        assert len(read()) == rows
