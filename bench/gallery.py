"""Time the gallery page and API over N accepted works, and count queries.

Builds a throwaway test database (``test_<name>`` of DATABASE_URL), fills it
with N accepted works in bulk (rows only; every work shares one set of tiny
image files), then times with Django's test client:

* the gallery page and API in every order, first page and deep in the
  cursor chain, against a baseline measured in the same run: the same order
  paged with OFFSET at the same depth (what the gallery did before cursors);
* the HTMX next-page fragment, the artwork page, the review queue;
* the periodic upkeep jobs (trending decay, prior and discover layout).

It prints the best of several runs and the number of SQL queries of each
request. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier \\
        .venv/bin/python bench/gallery.py --works 5000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Production settings over plain http, as the test suite runs them.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# The bench sends thousands of requests a minute from one "client".
os.environ.setdefault("ATELIER_ANON_THROTTLE", "1000000/minute")
os.environ.setdefault("ATELIER_USER_THROTTLE", "1000000/minute")


def build(n: int, media: Path) -> dict:
    """Insert n accepted works (and their artists, tasks, seeds, claims)."""
    from PIL import Image

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from art_tasks.colours import FAMILY_NAMES
    from art_tasks.models import Claim, CreationTask, SeedImage, Submission
    from curation.ranking import (
        TREND_MIN_STEP,
        TREND_STALENESS,
        bayesian_average,
        trend_points,
        trend_score,
        wilson_lower_bound,
    )

    (media / "shared").mkdir(parents=True, exist_ok=True)
    for name, fmt in [
        ("work.png", "PNG"),
        ("web.webp", "WEBP"),
        ("thumb.webp", "WEBP"),
    ]:
        Image.new("RGB", (64, 48), (30, 90, 160)).save(media / "shared" / name, fmt)
    rng = random.Random(7)
    now = timezone.now()
    staff = User.objects.create(username="bench-staff", is_staff=True)
    curator = User.objects.create(username="bench-curator")
    curator.groups.add(Group.objects.get_or_create(name="curators")[0])
    artist_count = min(200, n)
    User.objects.bulk_create(
        [User(username=f"bench-artist-{i}") for i in range(artist_count)]
    )
    artists = list(User.objects.filter(username__startswith="bench-artist-"))
    task_count = n // artist_count + 1
    tasks = CreationTask.objects.bulk_create(
        [
            CreationTask(
                title=f"Bench task {t}",
                brief="Bench.",
                created_by=staff,
                state=CreationTask.State.OPEN,
                slots=1000,
                style=rng.choice(["nebula", "ink", "marble", "riso"]),
            )
            for t in range(task_count)
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
    claims, works = [], []
    families = sorted(FAMILY_NAMES)
    for k in range(n):
        task = tasks[k // artist_count]
        artist = artists[k % artist_count]
        claims.append(
            Claim(
                task=task,
                contributor=artist,
                state=Claim.State.SUBMITTED,
                claimed_at=now - timedelta(days=61),
                expires_at=now - timedelta(days=60),
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=2000)
    for k, claim in enumerate(claims):
        scores = [rng.randint(3, 5) for _ in range(3)]
        likes, views = rng.randint(0, 40), rng.randint(0, 400)
        decided = now - timedelta(hours=rng.uniform(0, 24 * 60))
        age = (now - decided).total_seconds() / 3600
        # As the decay's steady state leaves it: each work's next rewrite
        # somewhere within its step (docs/curation.md, trending).
        step = max(TREND_MIN_STEP, timedelta(hours=age + 2) * TREND_STALENESS)
        due = now + step * rng.random() if age < 30 * 24 else None
        works.append(
            Submission(
                claim=claim,
                task_id=claim.task_id,
                artist_id=claim.contributor_id,
                seed=seeds[k // artist_count],
                title=f"Bench work {k}",
                license="CC-BY-4.0",
                original="shared/work.png",
                web="shared/web.webp",
                thumbnail="shared/thumb.webp",
                format="PNG",
                width=64,
                height=48,
                file_size=100,
                sha256=f"{k:064x}",
                palette=["#1e5aa0"],
                state=Submission.State.ACCEPTED,
                vote_count=3,
                score_sum=sum(scores),
                score=sum(scores) / 3,
                like_count=likes,
                view_count=views,
                decided_at=decided,
                decision_reason="Bench.",
                colour_family=rng.choice(families),
                rank_top=bayesian_average(
                    score_sum=sum(scores), vote_count=3, mean=3.0, weight=3.0
                ),
                rank_popular=wilson_lower_bound(likes=likes, views=views),
                trend_score=trend_score(
                    points=trend_points(like_count=likes, score_sum=sum(scores)),
                    age_hours=age,
                    gravity=1.8,
                    horizon_hours=30 * 24,
                ),
                trend_due_at=due,
            )
        )
    Submission.objects.bulk_create(works, batch_size=2000)
    return {"curator": curator, "artist": artists[0], "tasks": tasks}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Return the best-of-`repeat` milliseconds of `fn` and its query count.

    The best run, not the mean, is reported: on a shared machine the other
    runs mostly measure the neighbours.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)  # read now: later requests reset the log
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return min(runs), queries


def plan_index(qs) -> str:  # noqa: ANN001 - a QuerySet
    """Return the index PostgreSQL scans for `qs`, or "-" if none."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "-"
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    marker = "Index Scan using "
    if marker not in plan:
        return "seq scan"
    return plan.split(marker, 1)[1].split()[0]


def deep_cursor(client, order: str, pages: int) -> str:
    """Follow the API's cursor chain `pages` pages deep; return that URL."""
    url = f"/api/v1/gallery/?order={order}"
    for _ in range(pages):
        nxt = client.get(url).json()["next"]
        if not nxt:
            break
        url = nxt.replace("http://testserver", "")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--depth", type=int, default=100, help="pages deep")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT  # submission files too
    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from art_tasks.models import Submission
    from curation import services as curation_services
    from gallery import services
    from gallery.pagination import keyset_page
    from gallery.selectors import ORDERS, gallery_list

    start = time.perf_counter()
    people = build(args.works, Path(settings.MEDIA_ROOT))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    print(f"Built {args.works} accepted works in {time.perf_counter() - start:.1f} s")
    print(
        f"Database: {connection.vendor}, page size {settings.ATELIER_GALLERY_PAGE_SIZE}"
    )

    print("\nPeriodic upkeep (beat jobs), one run each:")
    for name, job in [
        ("decay_trending", services.decay_trending),
        ("refresh_ranking_prior", curation_services.refresh_ranking_prior),
        ("layout_discover", services.layout_discover),
    ]:
        t0 = time.perf_counter()
        job()
        print(f"  {name:<24} {(time.perf_counter() - t0) * 1000:8.1f} ms")
    t0 = time.perf_counter()
    curation_services.refresh_ranking_prior()
    print(
        f"  {'refresh, mean unchanged':<24} {(time.perf_counter() - t0) * 1000:8.1f} ms"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would

    anon, signed = Client(), Client()
    signed.force_login(people["curator"])
    size = settings.ATELIER_GALLERY_PAGE_SIZE
    depth_offset = size * args.depth

    print(
        f"\nGallery, best of {args.repeat} runs in ms. HTTP: page 1 of the page"
        f" and the API, and the API {args.depth} cursor pages deep. SQL: that deep"
        f" page as a keyset query, against the baseline of the same order paged"
        f" with OFFSET {depth_offset}."
    )
    columns = ["page p1", "API p1", "API deep", "keyset", "OFFSET"]
    print(
        f"  {'order':<9}"
        + "".join(f"{c:>9}" for c in columns)
        + "  queries page/API  index"
    )
    for order in ORDERS:
        page_ms, page_q = timed(lambda o=order: anon.get(f"/?order={o}"), args.repeat)
        api_ms, api_q = timed(
            lambda o=order: anon.get(f"/api/v1/gallery/?order={o}"), args.repeat
        )
        deep_url = deep_cursor(anon, order, args.depth)
        deep_ms, _ = timed(lambda u=deep_url: anon.get(u), args.repeat)
        cursor = parse_qs(urlsplit(deep_url).query).get("cursor", [None])[0]
        qs = gallery_list(order=order)
        keyset_ms, _ = timed(
            lambda q=qs, c=cursor, o=order: keyset_page(
                q, ordering=ORDERS[o], cursor=c, size=size
            ),
            args.repeat,
        )
        offset_ms, _ = timed(
            lambda q=qs: list(q[depth_offset : depth_offset + size]), args.repeat
        )
        figures = "".join(
            f"{v:9.1f}" for v in (page_ms, api_ms, deep_ms, keyset_ms, offset_ms)
        )
        print(f"  {order:<9}{figures}  {page_q:>5}/{api_q:<9} {plan_index(qs[:size])}")

    print("\nOther pages (ms, queries):")
    work = Submission.objects.filter(state="accepted").order_by("-rank_top").first()
    checks = [
        ("gallery page, signed in", lambda: signed.get("/")),
        ("gallery API, signed in", lambda: signed.get("/api/v1/gallery/")),
        ("next page (HTMX)", lambda: anon.get("/?order=new", HTTP_HX_REQUEST="true")),
        (
            "filtered: colour + licence",
            lambda: anon.get("/?colour=blue&license=CC-BY-4.0"),
        ),
        ("artwork page", lambda: anon.get(f"/art/{work.pk}/")),
        ("provenance.json", lambda: anon.get(f"/art/{work.pk}/provenance.json")),
        ("review queue (empty)", lambda: signed.get("/curate/")),
        ("collections list", lambda: anon.get("/collections/")),
    ]
    for label, fn in checks:
        ms, queries = timed(fn, args.repeat)
        print(f"  {label:<28} {ms:8.1f} ms  {queries:3d} queries")
    size_check = anon.get("/")
    print(f"\nGallery page size: {len(size_check.content) / 1024:.0f} KiB of HTML")


if __name__ == "__main__":
    main()
