"""Time the review queue's next item over N pending (in review) works.

Fills the database of DATABASE_URL (use a throwaway one: it adds rows and
never removes them) with N submissions in review, spread over vote counts,
some with an extended review, and gives the bench curator votes on a share
of the neediest work and work of their own, so the queue has rows to pass
over. Then it times, best of several runs, the selector, the API's
`/api/v1/review/next/` and the `/curate/` page, with their query counts and
the index PostgreSQL walks. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \\
        .venv/bin/python bench/review_queue.py --pending 100000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ATELIER_ANON_THROTTLE", "1000000/minute")
os.environ.setdefault("ATELIER_USER_THROTTLE", "1000000/minute")


def build(n: int) -> None:
    """Insert n works in review, their artists, tasks, seeds and claims."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from art_tasks.models import Claim, CreationTask, SeedImage, Submission
    from curation.models import Vote

    rng = random.Random(11)
    now = timezone.now()
    staff = User.objects.create(username="rq-staff", is_staff=True)
    curator = User.objects.create(username="rq-curator")
    fresh = User.objects.create(username="rq-fresh-curator")
    curators = Group.objects.get_or_create(name="curators")[0]
    curator.groups.add(curators)
    fresh.groups.add(curators)
    User.objects.bulk_create([User(username=f"rq-artist-{i}") for i in range(200)])
    artists = list(User.objects.filter(username__startswith="rq-artist-"))
    artists.append(curator)  # some of the queue is the curator's own work
    per_task = len(artists)  # one claim per artist and task
    tasks = CreationTask.objects.bulk_create(
        [
            CreationTask(
                title=f"Review bench task {t}",
                brief="Bench.",
                created_by=curator if t % 20 == 0 else staff,
                state=CreationTask.State.OPEN,
                slots=per_task,
            )
            for t in range(n // per_task + 1)
        ]
    )
    seeds = SeedImage.objects.bulk_create(
        [
            SeedImage(
                task=task,
                index=0,
                image="shared/work.png",
                thumbnail="shared/thumb.webp",
                recipe={"generator": "cppn", "version": "1", "seed": 0},
                sha256="0" * 64,
            )
            for task in tasks
        ]
    )
    claims = Claim.objects.bulk_create(
        [
            Claim(
                task=tasks[k // per_task],
                contributor=artists[k % len(artists)],
                state=Claim.State.SUBMITTED,
                claimed_at=now - timedelta(days=3),
                expires_at=now - timedelta(days=2),
            )
            for k in range(n)
        ],
        batch_size=5000,
    )
    works = Submission.objects.bulk_create(
        [
            Submission(
                claim=claim,
                task_id=claim.task_id,
                artist_id=claim.contributor_id,
                seed=seeds[k // per_task],
                title=f"Pending work {k}",
                license="CC-BY-4.0",
                original="shared/work.png",
                web="shared/web.webp",
                thumbnail="shared/thumb.webp",
                format="PNG",
                width=64,
                height=48,
                file_size=100,
                sha256=f"{k:064x}",
                state=Submission.State.IN_REVIEW,
                vote_count=rng.choice([0, 0, 1, 1, 2, 3]),
                review_due_at=now + timedelta(days=rng.uniform(-1, 7)),
                review_extended_at=now if rng.random() < 0.02 else None,
            )
            for k, claim in enumerate(claims)
        ],
        batch_size=5000,
    )
    # The curator already voted on 2,000 of the neediest: the queue walks past.
    neediest = sorted(
        works, key=lambda w: (w.review_extended_at is None, w.vote_count, w.pk)
    )
    Vote.objects.bulk_create(
        [Vote(submission=w, curator=curator, score=4) for w in neediest[:2000]],
        batch_size=5000,
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Return the best-of-`repeat` milliseconds of `fn` and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return min(runs), queries


def plan(qs) -> str:  # noqa: ANN001 - a QuerySet
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        text = " ".join(row[0] for row in cursor.fetchall())
    marker = "Index Scan using "
    return text.split(marker, 1)[1].split()[0] if marker in text else "no index"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from art_tasks.models import Submission
    from curation.selectors import next_for_review, review_queue

    setup_test_environment()
    if not User.objects.filter(username="rq-curator").exists():
        start = time.perf_counter()
        with transaction.atomic():
            build(args.pending)
        print(
            f"built {args.pending} pending works in {time.perf_counter() - start:.0f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    curator = User.objects.get(username="rq-curator")
    fresh = User.objects.get(username="rq-fresh-curator")
    fresh_client = Client()
    fresh_client.force_login(fresh)
    pending = Submission.objects.filter(state="in_review").count()
    client = Client()
    client.force_login(curator)
    skip = ",".join(
        str(pk)
        for pk in review_queue(curator=curator).values_list("pk", flat=True)[:50]
    )
    print(
        f"\nReview queue, {pending} works in review, best of {args.repeat} (ms);"
        " the curator has voted on the 2,000 neediest, the other on none:"
    )
    print(f"  index walked: {plan(review_queue(curator=curator)[:1])}")
    next_url = "/api/v1/review/next/"
    checks = [
        ("next_for_review()", lambda: next_for_review(curator=curator)),
        ("/api/v1/review/next/", lambda: client.get("/api/v1/review/next/")),
        (
            "/api/v1/review/next/ skip 50",
            lambda: client.get(f"/api/v1/review/next/?skip={skip}"),
        ),
        ("/curate/", lambda: client.get("/curate/")),
        ("next_for_review(), no votes", lambda: next_for_review(curator=fresh)),
        (
            "/api/v1/review/next/, no votes",
            lambda: fresh_client.get(next_url),
        ),
        ("/curate/, no votes", lambda: fresh_client.get("/curate/")),
        ("/curate/count/", lambda: client.get("/curate/count/")),
    ]
    for label, fn in checks:
        ms, queries = timed(fn, args.repeat)
        print(f"  {label:<30} {ms:8.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
