"""List selectors cost the same number of queries for one row as for many.

Each case builds a list of 1, N = 3 and 2N = 6 rows, reads every field its
page shows, and pins the number of queries: a page that grew an N+1 would
fail, since the same pin has to hold for every length.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.services import issue_token
from art_tasks import selectors as task_selectors
from art_tasks.models import Tag
from art_tasks.services import claim_task
from community import challenges as challenge_selectors
from community import selectors as community_selectors
from community.models import Notification
from community.services import (
    follow_artist,
    hide_comment,
    post_comment,
    report_comment,
)
from community.services.challenges import close_challenge, open_challenge
from community.services.notifications import notify
from curation import selectors as curation_selectors
from gallery import selectors as gallery_selectors
from gallery.search import search_page
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
            _ = (task.held, task.created_by.username, task.tag_list)
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
        work.tag_names,
    )


def _gallery_cards(n: int) -> Reader:
    _accepted(n)

    def read() -> list:
        page = gallery_selectors.gallery_page(
            query=GalleryQuery(order="top"), cards_only=True
        )
        return [_card(work) for work in page.items]

    return read


def _tag_page(n: int) -> Reader:
    works = _accepted(n)
    tag = Tag.objects.create(name="dusk")
    for work in works:
        work.tags.add(tag)  # by their artists (a task tag would do as well)

    def read() -> list:
        page = gallery_selectors.gallery_page(
            query=GalleryQuery.from_params({"order": "new", "tag": "dusk"}),
            cards_only=True,
        )
        return [_card(work) for work in page.items]

    return read


def _search_page(n: int) -> Reader:
    _accepted(n)  # each titled "Work <i>"

    def read() -> list:
        page = search_page(text="work")
        return [_card(work) for work in page.items]

    return read


def _search_rows(n: int) -> Reader:
    _accepted(n)

    def read() -> list:
        page = search_page(text="work", rows=True)
        return [(row["artist__username"], row["tag_names"]) for row in page.items]

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


def _comment_threads(n: int) -> Reader:
    work = _accepted(1)[0]
    people = [UserFactory(username=f"talker{i}") for i in range(n)]
    for person in people:
        top = post_comment(submission=work, author=person, body="Lovely")
        post_comment(submission=work, author=people[0], body="Yes", reply_to=top)

    def read() -> list:
        rows = list(community_selectors.comment_threads(submission=work))
        for top in rows:
            _ = (top.author.shown_name, top.body)
            for reply in top.shown_replies:
                _ = (reply.author.shown_name, reply.body)
        return rows

    return read


def _comment_reports(n: int) -> Reader:
    work = _accepted(1)[0]
    reporters = [UserFactory(username=f"reporter{i}") for i in range(2)]
    for i in range(n):
        comment = post_comment(
            submission=work, author=UserFactory(username=f"rude{i}"), body="Rude"
        )
        for reporter in reporters:
            report_comment(comment=comment, reporter=reporter, reason="offensive")

    def read() -> list:
        rows = list(community_selectors.comment_report_queue())
        for comment in rows:
            _ = (comment.author.shown_name, comment.submission.title)
            for report in comment.open_report_list:
                _ = report.reporter.shown_name
        return rows

    return read


def _hidden_comments(n: int) -> Reader:
    work = _accepted(1)[0]
    staff = UserFactory(username="warden", is_staff=True)
    for i in range(n):
        comment = post_comment(
            submission=work, author=UserFactory(username=f"loud{i}"), body="Loud"
        )
        hide_comment(comment=comment, actor=staff, reason="Too loud")

    def read_hidden() -> list:
        rows = list(community_selectors.hidden_comments())
        for comment in rows:
            _ = (comment.author.shown_name, comment.submission.title)
        return rows

    return read_hidden


def _comment_log(n: int) -> Reader:
    read_hidden = _hidden_comments(n)
    read_hidden()

    def read() -> list:
        rows = list(community_selectors.comment_log())
        for action in rows:
            _ = (
                action.actor.shown_name,
                action.comment.author.shown_name,
                action.comment.submission.title,
            )
        return rows

    return read


# community: challenges ------------------------------------------------------------


def _challenges(n: int, task) -> list:
    staff = UserFactory(username="challenge-staff", is_staff=True)
    now = timezone.now()
    return [
        open_challenge(
            by=staff,
            title=f"Challenge {i}",
            theme="A theme.",
            tasks=[task],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
            winner_count=1,
        )
        for i in range(n)
    ]


def _open_challenges(n: int) -> Reader:
    _challenges(n, OpenTaskFactory())

    def read() -> list:
        rows = list(challenge_selectors.open_challenges())
        for challenge in rows:
            _ = (challenge.title, challenge.cover_seed, challenge.cover_work)
        return rows

    return read


def _past_challenges(n: int) -> Reader:
    task = OpenTaskFactory(slots=50)
    _accepted(2, task=task)
    for challenge in _challenges(n, task):
        close_challenge(
            challenge=challenge, now=challenge.closes_at + timedelta(minutes=1)
        )

    def read() -> list:
        rows = list(challenge_selectors.past_challenges())
        for challenge in rows:
            for win in challenge.shown_winners:
                _ = (win.badge, win.submission.artist.shown_name, win.submission.task)
        return rows

    return read


def _challenge_entries(n: int) -> Reader:
    task = OpenTaskFactory(slots=50)
    [challenge] = _challenges(1, task)
    _accepted(n, task=task)
    challenge = challenge_selectors.challenge_detail(key=challenge.slug)

    def read() -> list:
        rows = list(challenge_selectors.entries(challenge=challenge))
        for work in rows:
            _ = (work.artist.shown_name, work.task.title, work.liked)
        return rows

    return read


def _lab_rows(n: int, **fields) -> tuple:
    from django.utils import timezone

    from generation.models import LabGrid, LabSeed

    person = UserFactory()
    grid = LabGrid.objects.create(breeder=person, total=n)
    LabSeed.objects.bulk_create(
        [
            LabSeed(
                breeder=person,
                grid=grid,
                index=i,
                recipe={"style": "nebula"},
                image=f"lab/{i}.png",
                kept_at=timezone.now(),
                **fields,
            )
            for i in range(n)
        ]
    )
    return person, grid


def _kept_lab_seeds(n: int) -> Reader:
    from generation import lab_selectors

    person, _ = _lab_rows(n)

    def read() -> list:
        rows = list(lab_selectors.kept_lab_seeds(user=person))
        for seed in rows:
            _ = (seed.breeder.username, seed.used_in, seed.proposed_for)
        return rows

    return read


def _lab_publishing(n: int) -> Reader:
    from django.utils import timezone

    from generation import lab_selectors

    _lab_rows(n, proposed_at=timezone.now())
    staff = UserFactory(is_staff=True)

    def read() -> list:
        rows = list(lab_selectors.lab_seeds_for_publishing(user=staff))
        for seed in rows:
            _ = (seed.breeder.username, seed.proposed_for)
        return rows

    return read


def _lab_grid_children(n: int) -> Reader:
    from generation import lab_selectors

    _, grid = _lab_rows(n)
    return lambda: lab_selectors.grid_children(grid=grid)


CASES: dict[str, tuple[Callable[[int], Reader], int]] = {
    "kept lab seeds": (_kept_lab_seeds, 1),
    "lab seeds for publishing": (_lab_publishing, 1),
    "lab grid children": (_lab_grid_children, 1),
    "task list": (_tasks, 2),  # tasks with held slots and tags, seeds
    # the same two: free slots, next free slot and "yours" are in the first
    "task list for a contributor": (_tasks_for_a_contributor, 2),
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
    "tag page": (_tag_page, 1),
    "search page": (_search_page, 1),
    "search api rows": (_search_rows, 1),
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
    "open challenges": (_open_challenges, 1),
    "past challenges": (_past_challenges, 2),  # challenges, their winners' works
    "challenge entries": (_challenge_entries, 1),
    "comment threads": (_comment_threads, 2),  # top-level comments, replies
    "comment report queue": (_comment_reports, 2),  # comments, open reports
    "hidden comments": (_hidden_comments, 1),
    "comment log": (_comment_log, 1),
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
