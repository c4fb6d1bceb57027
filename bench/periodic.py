"""Time the beat jobs over N accepted works: each run's cost and rows written.

Builds a throwaway test database with `bench/gallery.py`'s `build()` (N
accepted works decided over the last 60 days, 200 artists), brings the
jobs to their steady state (the first decay and prior runs catch up with
rows the bulk load left unscheduled), then times what a day of beat runs
costs: trending decay every 15 minutes, the prior and discover every 10,
the view fold every minute after a burst of page views. The job's work is
bounded by what changed, so the figures should stay flat from 20k to 100k
works. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier \\
    REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/periodic.py --works 20000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gallery import build  # noqa: E402 - sets the settings module


def ms(fn) -> tuple[float, object]:  # noqa: ANN001 - a job
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.utils import timezone

    from art_tasks.models import Submission
    from art_tasks.services import (
        close_finished_tasks,
        delete_old_drafts,
        expire_claims,
    )
    from curation.services import close_due_reviews, refresh_ranking_prior
    from gallery import services

    start = time.perf_counter()
    build(args.works, Path(settings.MEDIA_ROOT))
    accepted = Submission.objects.filter(state=Submission.State.ACCEPTED)
    # What the migration does to existing rows: every trending work is due.
    accepted.update(trend_due_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Built {args.works} accepted works in {time.perf_counter() - start:.1f} s")

    now = timezone.now()
    took, rows = ms(lambda: services.decay_trending(now=now, limit=10**9))
    print("\nCatch-up (once, after the migration or a bulk load):")
    print(f"  decay_trending, all {rows} trending rows   {took:9.1f} ms")
    took, _ = ms(refresh_ranking_prior)
    print(f"  refresh_ranking_prior, fold every row   {took:9.1f} ms")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after the burst
        cursor.execute(
            "EXPLAIN SELECT id FROM art_tasks_submission WHERE state = 'accepted'"
            " AND trend_due_at IS NOT NULL AND trend_due_at <= %s"
            " ORDER BY trend_due_at LIMIT 5000",
            [now + timedelta(minutes=15)],
        )
        plan = cursor.fetchall()[1][0].strip()
    print(f"  plan of the due rows: {plan}")
    print(f"\nSteady state, a simulated day ({args.hours} h) of 15-minute decay runs:")
    times, written = [], []
    for step in range(1, args.hours * 4 + 1):
        at = now + timedelta(minutes=15 * step)
        took, rows = ms(lambda at=at: services.decay_trending(now=at))
        times.append(took)
        written.append(rows)
    print(
        f"  decay_trending   median {statistics.median(times):7.1f} ms,"
        f" max {max(times):7.1f} ms; rows a run: median"
        f" {statistics.median(written):.0f}, max {max(written)}"
    )

    for label, job in [
        ("refresh_ranking_prior, nothing changed", refresh_ranking_prior),
        ("discover's median (count + OFFSET)", services._median_rank_top),
        ("layout_discover, first layout", services.layout_discover),
        ("layout_discover, nothing changed", services.layout_discover),
        ("close_due_reviews", close_due_reviews),
        ("expire_claims", expire_claims),
        ("close_finished_tasks", close_finished_tasks),
        ("delete_old_drafts", delete_old_drafts),
    ]:
        best = min(ms(job)[0] for _ in range(args.repeat))
        print(f"  {label:<40} {best:9.1f} ms")

    pks = list(accepted.order_by("?").values_list("pk", flat=True)[: args.viewed])
    works = list(Submission.objects.filter(pk__in=pks).only("pk", "state", "artist"))
    per_view = []
    run_id = time.time_ns()  # dedupe marks outlive a throwaway database
    for i, work in enumerate(works):
        for j in range(args.views // max(1, len(works))):
            took, _ = ms(
                lambda w=work, v=f"{run_id}-{i}-{j}": services.record_view(
                    submission=w, viewer=AnonymousUser(), visitor=v
                )
            )
            per_view.append(took)
    took, folded = ms(services.fold_views)
    mode = "Redis" if settings.REDIS_URL else "direct UPDATE"
    print(
        f"\nPage views ({mode}): record_view median"
        f" {statistics.median(per_view) * 1000:.0f} us;"
        f" fold of {folded} views on {len(works)} works {took:.1f} ms;"
        f" empty fold {ms(services.fold_views)[0]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--viewed", type=int, default=2_000, help="works viewed")
    parser.add_argument("--views", type=int, default=10_000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT
    settings.DEBUG = False
    settings.ATELIER_VIEWS_KEY = f"bench-views:{time.time_ns()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
