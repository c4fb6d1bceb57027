"""Atelier at N accepted works: every target of the scaling work beside its figure.

Builds a throwaway PostgreSQL database (``bench_scale`` on DATABASE_URL's
server, dropped and created fresh, migrated with ``manage.py migrate``),
fills it with PostgreSQL COPY (N accepted works, N/100 artists, 1,000 tasks,
their seeds and claims, a review queue of pending work, collections, API
tokens; every work shares one set of tiny image files), runs ANALYZE, and
then measures, each figure as a ratio against a minimal Django JSON view
(``/bench/minimal/``) measured in the same run:

* in-process (Django's test client, bench keys deleted from the cache
  before every request): queries and p50/p99 ms of every page and API list;
* a cursor page 1,000 pages deep against page 1, every order and filter;
* the review queue's next item as a curator;
* HTTP throughput under load through gunicorn (wrk, or Python threads);
* a claim storm over HTTP: 500 users at once on a 10-slot task;
* every job in ``CELERY_BEAT_SCHEDULE``, called in-process;
* image post-processing, from ``bench/imaging.py`` when it exists.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier \\
        .venv/bin/python bench/scale.py --works 10000 --out 10k.json
    .venv/bin/python bench/scale.py --works 1000000 --out 1m.json
    .venv/bin/python bench/scale.py --compare 10k.json 1m.json

The database named by DATABASE_URL is never written to; the bench database
is dropped at the end unless ``--keep`` (``--reuse`` measures a kept one
again without building).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETTINGS = "bench.scale_settings"
MINIMAL = "/bench/minimal/"
TOKEN_PREFIX = "atl_benchscale_"  # noqa: S105 - the bench users' tokens
CURATOR = "bench-curator"
STAFF = "bench-staff"

# Targets (issue 10), used by the PASS/FAIL column.
MAX_QUERIES = 3
MAX_P99_MS = 50.0
MAX_GROWTH = 1.3  # gallery page p50, large run over small run
MAX_DEEP = 1.2  # page 1,000 deep over page 1
MIN_THROUGHPUT = 0.5  # gallery API req/s over the minimal view's
MAX_JOB_S = 5.0
MAX_REVIEW_MS = 20.0
MAX_STORM_P99_S = 1.0


# ---------------------------------------------------------------------------
# Environment: a throwaway database, the bench's settings
# ---------------------------------------------------------------------------


def bench_env(args: argparse.Namespace, media: Path) -> dict[str, str]:
    """Return the environment every bench process runs with."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=args.bench_url,
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_PRIVATE_MEDIA_ROOT=str(media),  # submission files too
        DJANGO_LOG_LEVEL="WARNING",
        # The load comes from one address; per-user limits (claims) stay.
        ATELIER_ANON_THROTTLE="100000000/minute",
        ATELIER_USER_THROTTLE="100000000/minute",
        PYTHONPATH=str(ROOT),
    )
    return env


def split_db_url(url: str) -> tuple[str, str]:
    """Return (server part of `url`, database name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/", query="")), name


def recreate_database(args: argparse.Namespace) -> None:
    import psycopg2

    server, _ = split_db_url(args.bench_url)
    conn = psycopg2.connect(server + "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{args.db}"')
    conn.close()


def drop_database(args: argparse.Namespace) -> None:
    import psycopg2

    from django.db import connections

    connections.close_all()
    server, _ = split_db_url(args.bench_url)
    conn = psycopg2.connect(server + "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    conn.close()


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


# ---------------------------------------------------------------------------
# COPY: rows from generators, columns from the models
# ---------------------------------------------------------------------------


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _text(value: object) -> str:
    """Return `value` in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return _escape(json.dumps(value))
    return _escape(str(value))


class _Stream(io.TextIOBase):
    """A read()-able file over an iterator of COPY lines."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buf = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        size = 1 << 20 if size is None or size < 0 else size
        chunks, have = [self._buf], len(self._buf)
        for line in self._lines:
            chunks.append(line)
            have += len(line)
            if have >= size:
                break
        data = "".join(chunks)
        self._buf = data[size:]
        return data[:size]

    readline = read


def copy_rows(
    model: type,
    columns: list[str],
    rows: Iterable[tuple],
    constants: dict[str, object] | None = None,
) -> int:
    """COPY `rows` (tuples in `columns` order) into `model`'s table.

    Every other concrete field takes `constants[attname]`, else its model
    default (``auto_now`` fields: now); a NOT NULL field with neither is an
    error, so a field added to a model later shows up here at once.
    """
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    constants = dict(constants or {})
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = (set(columns) | set(constants)) - set(fields)
    if unknown:
        raise SystemExit(f"{model.__name__}: no such columns {sorted(unknown)}")
    tail: list[str] = []
    for attname, field in fields.items():
        if attname in columns:
            continue
        if attname in constants:
            value = constants[attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
            if value is None and not field.null:
                raise SystemExit(f"{model.__name__}.{attname}: no value, no default")
        if field.get_internal_type() == "JSONField":
            value = json.dumps(value)
        constants[attname] = value
        tail.append(attname)
    suffix = "".join("\t" + _text(constants[name]) for name in tail)
    json_at = [
        i
        for i, name in enumerate(columns)
        if fields[name].get_internal_type() == "JSONField"
    ]
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = json.dumps(row[i])
            count += 1
            yield "\t".join(map(_text, row)) + suffix + "\n"

    cols = ", ".join(
        connection.ops.quote_name(fields[name].column) for name in columns + tail
    )
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({cols}) FROM STDIN", _Stream(lines()), size=1 << 20
        )
    return count


def reset_sequences(models: Iterable[type]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'),"  # noqa: S608
                f" COALESCE((SELECT max(id) FROM {connection.ops.quote_name(table)}),"
                " 0) + 1, false)",
                [table],
            )


# ---------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------


class Plan:
    """Ids and names of the data set, the same for a build and a --reuse."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.works = args.works
        self.pending = args.pending
        self.artists = args.artists or max(1, args.works // 100)
        self.tasks = args.tasks
        self.storm_users = args.storm_users
        self.storm_slots = args.storm_slots
        total = self.works + self.pending
        per_artist = math.ceil(total / self.artists)
        if per_artist > self.tasks:
            raise SystemExit(
                f"{per_artist} works per artist need at least that many tasks"
                f" (--tasks {self.tasks}); raise --tasks or --artists"
            )
        self.staff_id, self.curator_id = 1, 2
        self.first_artist = 3
        self.first_storm_user = self.first_artist + self.artists
        self.storm_task = self.tasks + 1
        self.seeds_per_task = 8
        self.tags = 50
        self.collections = 20
        self.collection_size = 24

    def artist_name(self, i: int) -> str:
        return f"bench-artist-{i}"

    def storm_secret(self, i: int) -> str:
        return f"{TOKEN_PREFIX}{i:06d}"


def shared_files(media: Path) -> None:
    from PIL import Image

    (media / "shared").mkdir(parents=True, exist_ok=True)
    for name, fmt in [
        ("work.png", "PNG"),
        ("web.webp", "WEBP"),
        ("thumb.webp", "WEBP"),
    ]:
        Image.new("RGB", (64, 48), (30, 90, 160)).save(media / "shared" / name, fmt)


def build(plan: Plan) -> dict[str, float]:
    """Fill the empty, migrated database; return seconds per table."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from accounts.models import ApiToken, User
    from art_tasks.colours import FAMILY_NAMES
    from art_tasks.models import (
        Claim,
        CreationTask,
        License,
        SeedImage,
        Submission,
        Tag,
    )
    from gallery.models import Collection, CollectionItem

    rng = random.Random(7)
    now = timezone.now()
    timings: dict[str, float] = {}
    families = sorted(FAMILY_NAMES)
    licences = list(License.values)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")

    def step(name: str, fn: Callable[[], int]) -> None:
        t0 = time.perf_counter()
        rows = fn()
        timings[name] = time.perf_counter() - t0
        print(f"  {name:<22} {rows:>10,} rows {timings[name]:7.1f} s", flush=True)

    def users() -> Iterator[tuple]:
        yield (plan.staff_id, STAFF, True, 0, "!")
        yield (plan.curator_id, CURATOR, False, 0, "!")
        for i in range(plan.artists):
            yield (
                plan.first_artist + i,
                plan.artist_name(i),
                False,
                rng.randint(0, 5000),
                "!",
            )
        for i in range(plan.storm_users):
            yield (plan.first_storm_user + i, f"bench-claimer-{i}", False, 0, "!")

    step(
        "users",
        lambda: copy_rows(
            User,
            ["id", "username", "is_staff", "reputation", "password"],
            users(),
            {"date_joined": now, "email": ""},
        ),
    )
    curators, _ = Group.objects.get_or_create(name="curators")
    curators.user_set.add(plan.curator_id)

    step(
        "api tokens",
        lambda: copy_rows(
            ApiToken,
            ["id", "user_id", "prefix", "key_hash"],
            (
                (
                    i + 1,
                    plan.first_storm_user + i,
                    plan.storm_secret(i)[:12],
                    hashlib.sha256(plan.storm_secret(i).encode()).hexdigest(),
                )
                for i in range(plan.storm_users)
            ),
            {"name": "bench", "created_at": now},
        ),
    )
    step(
        "tags",
        lambda: copy_rows(
            Tag, ["id", "name"], ((i + 1, f"bench-tag-{i}") for i in range(plan.tags))
        ),
    )

    def tasks() -> Iterator[tuple]:
        for t in range(1, plan.tasks + 1):
            yield (
                t,
                f"Bench task {t}",
                1_000_000,
                rng.choice(["nebula", "ink", "marble"]),
            )
        yield (plan.storm_task, "Bench claim storm", plan.storm_slots, "nebula")

    step(
        "tasks",
        lambda: copy_rows(
            CreationTask,
            ["id", "title", "slots", "style"],
            tasks(),
            {
                "brief": "Bench.",
                "state": CreationTask.State.OPEN,
                "created_by_id": plan.staff_id,
                "published_at": now - dt.timedelta(days=90),
                "opened_at": now - dt.timedelta(days=90),
            },
        ),
    )
    through = CreationTask.tags.through
    step(
        "task tags",
        lambda: copy_rows(
            through,
            ["id", "creationtask_id", "tag_id"],
            (
                (2 * (t - 1) + j + 1, t, (t * 7 + j * 13) % plan.tags + 1)
                for t in range(1, plan.tasks + 1)
                for j in range(2)
            ),
        ),
    )
    step(
        "seeds",
        lambda: copy_rows(
            SeedImage,
            ["id", "task_id", "index"],
            (
                ((t - 1) * plan.seeds_per_task + i + 1, t, i)
                for t in range(1, plan.tasks + 2)
                for i in range(plan.seeds_per_task)
            ),
            {
                "image": "shared/work.png",
                "thumbnail": "shared/thumb.webp",
                "width": 64,
                "height": 48,
                "recipe": {"generator": "cppn", "version": "1", "seed": 0},
                "sha256": "0" * 64,
            },
        ),
    )

    total = plan.works + plan.pending
    claimed = now - dt.timedelta(days=61)

    def place(k: int) -> tuple[int, int]:
        """Return (task id, artist id) of work k: each artist once per task."""
        artist = k % plan.artists
        task = (k // plan.artists) % plan.tasks + 1
        return task, plan.first_artist + artist

    step(
        "claims (submitted)",
        lambda: copy_rows(
            Claim,
            ["id", "task_id", "contributor_id"],
            ((k + 1, *place(k)) for k in range(total)),
            {
                "state": Claim.State.SUBMITTED,
                "claimed_at": claimed,
                "expires_at": claimed + dt.timedelta(hours=2),
                "created_at": claimed,
            },
        ),
    )

    def submitted_counts() -> int:
        """Set each task's `submitted_count` to its submitted claims."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE art_tasks_creationtask t SET submitted_count = c.n FROM"
                " (SELECT task_id, COUNT(*) n FROM art_tasks_claim"
                "  WHERE state = 'submitted' GROUP BY task_id) c WHERE c.task_id = t.id"
            )
            return cursor.rowcount

    step("task submitted counts", submitted_counts)
    # Live claims for the claim jobs: half lapsed (expire), half ending soon (warn).
    live = min(1000, plan.artists)

    def live_claims() -> Iterator[tuple]:
        for i in range(live):
            task = (i * 7) % plan.tasks + 1
            end = (
                now + dt.timedelta(minutes=5)
                if i % 2
                else now - dt.timedelta(minutes=5)
            )
            yield (
                total + i + 1,
                task,
                plan.first_artist + i,
                end - dt.timedelta(hours=2),
                end,
            )

    step(
        "claims (live)",
        lambda: copy_rows(
            Claim,
            ["id", "task_id", "contributor_id", "claimed_at", "expires_at"],
            live_claims(),
            {"state": Claim.State.ACTIVE},
        ),
    )

    from curation.ranking import (
        TREND_MIN_STEP,
        TREND_STALENESS,
        bayesian_average,
        trend_points,
        trend_score,
        wilson_lower_bound,
    )

    discover = list(range(1, plan.works + 1))
    # As the layout leaves it: only its first rounds are placed.
    from django.conf import settings

    discover_kept = 2 * settings.ATELIER_DISCOVER_WINDOW
    rng.shuffle(discover)

    def submissions() -> Iterator[tuple]:
        for k in range(total):
            task, artist = place(k)
            seed = (task - 1) * plan.seeds_per_task + k % plan.seeds_per_task + 1
            created = claimed + dt.timedelta(seconds=k % 86400)
            if k < plan.works:
                scores = rng.randint(9, 15)
                likes, views = rng.randint(0, 40), rng.randint(0, 400)
                decided = now - dt.timedelta(hours=rng.uniform(0, 24 * 60))
                age = (now - decided).total_seconds() / 3600
                # As the decay's steady state leaves it: each work's next
                # rewrite somewhere within its step (docs/curation.md).
                step_ = max(
                    TREND_MIN_STEP, dt.timedelta(hours=age + 2) * TREND_STALENESS
                )
                due = now + step_ * rng.random() if age < 30 * 24 else None
                yield (
                    k + 1, k + 1, task, artist, seed, f"Bench work {k}",
                    licences[k % len(licences)], f"{k:064x}", ["#1e5aa0"],
                    Submission.State.ACCEPTED, 3, scores, scores / 3, likes, views,
                    decided, None, families[k % len(families)],
                    bayesian_average(
                        score_sum=scores, vote_count=3, mean=4.0, weight=3.0
                    ),
                    wilson_lower_bound(likes=likes, views=views),
                    trend_score(
                        points=trend_points(like_count=likes, score_sum=scores),
                        age_hours=age, gravity=1.8, horizon_hours=30 * 24,
                    ),
                    discover[k] if discover[k] <= discover_kept else None,
                    created, due, 3, scores,
                )  # fmt: skip
            else:
                yield (
                    k + 1, k + 1, task, artist, seed, f"Pending work {k}",
                    licences[0], f"{k:064x}", ["#1e5aa0"],
                    Submission.State.IN_REVIEW, 0, 0, None, 0, 0, None,
                    now + dt.timedelta(days=3), families[k % len(families)],
                    0.0, 0.0, 0.0, None, created, None, 0, 0,
                )  # fmt: skip

    step(
        "submissions",
        lambda: copy_rows(
            Submission,
            [
                "id",
                "claim_id",
                "task_id",
                "artist_id",
                "seed_id",
                "title",
                "license",
                "sha256",
                "palette",
                "state",
                "vote_count",
                "score_sum",
                "score",
                "like_count",
                "view_count",
                "decided_at",
                "review_due_at",
                "colour_family",
                "rank_top",
                "rank_popular",
                "trend_score",
                "discover_rank",
                "created_at",
                "trend_due_at",
                "prior_votes",
                "prior_score",
            ],  # fmt: skip
            submissions(),
            {
                "original": "shared/work.png",
                "web": "shared/web.webp",
                "thumbnail": "shared/thumb.webp",
                "format": "PNG",
                "width": 64,
                "height": 48,
                "file_size": 100,
                "decision_reason": "Bench.",
            },
        ),
    )
    step(
        "collections",
        lambda: copy_rows(
            Collection,
            ["id", "slug", "title", "cover_id"],
            (
                (c + 1, f"bench-{c}", f"Bench collection {c}", c * 97 % plan.works + 1)
                for c in range(plan.collections)
            ),
            {"curated_by_id": plan.staff_id, "published": True, "featured": True},
        ),
    )
    step(
        "collection items",
        lambda: copy_rows(
            CollectionItem,
            ["id", "collection_id", "submission_id", "position"],
            (
                (
                    c * plan.collection_size + i + 1,
                    c + 1,
                    (c * 7919 + i * 104729) % plan.works + 1,
                    i,
                )
                for c in range(plan.collections)
                for i in range(plan.collection_size)
            ),
        ),
    )
    reset_sequences(
        [User, ApiToken, Tag, CreationTask, through, SeedImage, Claim, Submission]
        + [Collection, CollectionItem]
    )
    # The site totals the ranking prior keeps, as its migration fills them
    # (every accepted work's votes already counted; ranks made with that mean).
    from django.db.models import Sum

    from curation.models import RankingPrior

    totals = Submission.objects.filter(state=Submission.State.ACCEPTED).aggregate(
        votes=Sum("vote_count"), score=Sum("score_sum")
    )
    votes, score = totals["votes"] or 0, totals["score"] or 0
    RankingPrior.objects.update_or_create(
        pk=1,
        defaults={
            "mean": score / votes if votes else 4.0,
            "weight": 3.0,
            "vote_total": votes,
            "score_total": score,
            "measured_at": now,
        },
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM as well: sets the visibility map (index-only scans) and
        # leaves autovacuum nothing to do while the figures are taken.
        cursor.execute("VACUUM (ANALYZE)")
    timings["analyze"] = time.perf_counter() - t0
    print(f"  {'VACUUM, ANALYZE':<22} {'':>15} {timings['analyze']:7.1f} s")
    return timings


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def clear_cache() -> None:
    """Empty the cache of the bench's keys (only those: Redis may be shared)."""
    from django.conf import settings
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(redis.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            redis.delete(*keys)
    else:
        cache.clear()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(client, url: str, repeat: int, **headers: str) -> dict:  # noqa: ANN001
    """Time `url` `repeat` times with a cold cache; count the queries once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    queries = len(ctx.captured_queries)
    runs = []
    for _ in range(repeat):
        clear_cache()
        t0 = time.perf_counter()
        client.get(url, **headers)
        runs.append((time.perf_counter() - t0) * 1000)
    return {
        "url": url,
        "status": response.status_code,
        "queries": queries,
        "p50": pct(runs, 0.5),
        "p99": pct(runs, 0.99),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def with_params(url: str, **params: object) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params]
    query += [(k, str(v)) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(scheme="", netloc="", query=urlencode(query)))


def gallery_orders() -> list[str]:
    from gallery.selectors import ORDERS

    return list(ORDERS)


def filters(plan: Plan) -> dict[str, dict[str, str]]:
    from art_tasks.colours import FAMILY_NAMES
    from art_tasks.models import License

    return {
        "tag": {"tag": "bench-tag-0"},
        "task": {"task": "1"},
        "artist": {"artist": plan.artist_name(0)},
        "licence": {"license": License.values[1]},
        "colour": {"colour": sorted(FAMILY_NAMES)[0]},
    }


def clients(plan: Plan) -> dict:
    from django.test import Client

    from accounts.models import User

    anon, curator, artist = Client(), Client(), Client()
    curator.force_login(User.objects.get(pk=plan.curator_id))
    artist.force_login(User.objects.get(pk=plan.first_artist))
    return {"anon": anon, "curator": curator, "artist": artist}


def in_process(plan: Plan, args: argparse.Namespace, people: dict) -> dict:
    anon, curator, artist = people["anon"], people["curator"], people["artist"]
    minimal = measure(anon, MINIMAL, args.repeat)
    base = minimal["p50"]
    checks: list[tuple[str, object, str]] = []
    for order in gallery_orders():
        checks.append((f"gallery / order={order}", anon, f"/?order={order}"))
    for name, params in filters(plan).items():
        checks.append((f"gallery / {name}", anon, "/?" + urlencode(params)))
    for order in gallery_orders():
        checks.append(
            (f"API gallery order={order}", anon, f"/api/v1/gallery/?order={order}")
        )
    for name, params in filters(plan).items():
        checks.append(
            (f"API gallery {name}", anon, "/api/v1/gallery/?" + urlencode(params))
        )
    first_work = 1
    name0 = plan.artist_name(0)
    checks += [
        ("gallery next page (HTMX)", anon, "/?order=new"),
        ("artwork page", anon, f"/art/{first_work}/"),
        ("artist page", anon, f"/artists/{name0}/"),
        ("API artist", anon, f"/api/v1/artists/{name0}/"),
        ("task page", anon, "/tasks/1/"),
        ("API task", anon, "/api/v1/tasks/1/"),
        ("tasks list page", anon, "/tasks/"),
        ("API tasks list", anon, "/api/v1/tasks/"),
        ("collections page", anon, "/collections/"),
        ("collection page", anon, "/collections/bench-0/"),
        ("API collections", anon, "/api/v1/collections/"),
        ("leaderboard page", anon, "/leaderboard/"),
        ("API leaderboard", anon, "/api/v1/leaderboard/"),
        ("API my claims (artist)", artist, "/api/v1/claims/"),
        ("API my submissions (artist)", artist, "/api/v1/submissions/"),
        ("studio (artist)", artist, "/studio/"),
        ("review queue /curate/", curator, "/curate/"),
        ("API review next", curator, "/api/v1/review/next/"),
    ]
    rows = {"minimal view": minimal}
    for label, client, url in checks:
        headers = {"HTTP_HX_REQUEST": "true"} if "HTMX" in label else {}
        rows[label] = measure(client, url, args.repeat, **headers)
    print(
        f"\nIn-process, cold cache, {args.repeat} runs each (minimal view p50"
        f" {base:.2f} ms). Targets: <= {MAX_QUERIES} queries,"
        f" p99 <= {MAX_P99_MS:.0f} ms"
    )
    print(
        f"  {'what':<34}{'status':>7}{'queries':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'x minimal':>10}  verdict"
    )
    for label, row in rows.items():
        row["x_minimal"] = row["p50"] / base if base else None
        ok = (
            row["queries"] <= MAX_QUERIES
            and row["p99"] <= MAX_P99_MS
            and row["status"] < 400
        )
        row["pass"] = ok
        print(
            f"  {label:<34}{row['status']:>7}{row['queries']:>8}{row['p50']:>9.1f}"
            f"{row['p99']:>9.1f}{row['x_minimal']:>10.1f}  {verdict(ok)}"
        )
    return rows


def deep_pages(plan: Plan, args: argparse.Namespace, anon) -> dict:  # noqa: ANN001
    """Page `args.depth` deep (or as deep as a filter goes) against page 1."""
    from django.conf import settings

    size = settings.ATELIER_GALLERY_PAGE_SIZE
    stride = 100  # the API's largest page, to walk the chain in fewer steps
    want = args.depth * size  # rows before the deep page
    combos = [(order, "-", {}) for order in gallery_orders()]
    for name, params in filters(plan).items():
        combos += [(order, name, params) for order in gallery_orders()]
    rows = {}
    print(
        f"\nCursor page {args.depth} pages deep vs page 1 (API and page, p50 ms,"
        f" cold cache). Target: <= {MAX_DEEP}x"
    )
    print(
        f"  {'order':<10}{'filter':<8}{'depth':>6}{'API p1':>8}{'API deep':>9}"
        f"{'ratio':>7}{'page p1':>8}{'deep':>8}{'ratio':>7}  verdict"
    )
    for order, fname, params in combos:
        first = "/api/v1/gallery/?" + urlencode({"order": order, **params})
        url, walked = with_params(first, page_size=stride), 0
        while walked + stride <= want:
            nxt = anon.get(url).json().get("next")
            if not nxt:
                break
            walked += stride
            url = with_params(nxt, page_size=stride)
        deep_api = with_params(url, page_size=None)
        cursor = dict(parse_qsl(urlsplit(deep_api).query)).get("cursor")
        depth = walked // size
        api1 = measure(anon, first, args.deep_repeat)
        apid = measure(anon, deep_api, args.deep_repeat)
        page_first = "/?" + urlencode({"order": order, **params})
        page1 = measure(anon, page_first, args.deep_repeat)
        paged = measure(anon, with_params(page_first, cursor=cursor), args.deep_repeat)
        r_api = apid["p50"] / api1["p50"]
        r_page = paged["p50"] / page1["p50"]
        if depth == 0:  # the filter has one page: nothing to compare
            ok, note = None, "n/a (one page)"
        else:
            ok = r_api <= MAX_DEEP and r_page <= MAX_DEEP
            note = verdict(ok) + (
                "" if depth == args.depth else " (as deep as it goes)"
            )
        rows[f"{order}/{fname}"] = {
            "depth": depth,
            "api_p1": api1["p50"],
            "api_deep": apid["p50"],
            "page_p1": page1["p50"],
            "page_deep": paged["p50"],
            "api_ratio": r_api,
            "page_ratio": r_page,
            "pass": ok,
        }
        print(
            f"  {order:<10}{fname:<8}{depth:>6}{api1['p50']:>8.1f}{apid['p50']:>9.1f}"
            f"{r_api:>7.2f}{page1['p50']:>8.1f}{paged['p50']:>8.1f}{r_page:>7.2f}"
            f"  {note}"
        )
    return rows


def review_queue(
    plan: Plan, args: argparse.Namespace, people: dict, base: float
) -> dict:
    from art_tasks.models import Submission

    pending = Submission.objects.filter(state=Submission.State.IN_REVIEW).count()
    curator = people["curator"]
    rows = {
        "API review next": measure(curator, "/api/v1/review/next/", args.repeat),
        "/curate/": measure(curator, "/curate/", args.repeat),
    }
    print(
        f"\nReview queue, next item, {pending:,} pending."
        f" Target: p50 <= {MAX_REVIEW_MS:.0f} ms"
    )
    for label, row in rows.items():
        row["pending"] = pending
        row["x_minimal"] = row["p50"] / base
        row["pass"] = row["p50"] <= MAX_REVIEW_MS and row["status"] < 400
        print(
            f"  {label:<24}{row['status']:>5}{row['queries']:>4} queries"
            f"{row['p50']:>8.1f} ms p50{row['p99']:>8.1f} ms p99"
            f"{row['x_minimal']:>7.1f}x minimal  {verdict(row['pass'])}"
        )
    return rows


def beat_jobs(args: argparse.Namespace) -> dict:
    """Call every job of CELERY_BEAT_SCHEDULE in-process, once, and time it."""
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    rows = {}
    print(
        f"\nPeriodic jobs (CELERY_BEAT_SCHEDULE), {args.job_repeat} runs each."
        f" Target: <= {MAX_JOB_S:.0f} s"
    )
    for entry, spec in settings.CELERY_BEAT_SCHEDULE.items():
        name = spec["task"]
        task = app.tasks.get(name)
        if task is None:
            rows[entry] = {"task": name, "error": "not registered", "pass": False}
            print(f"  {entry:<28} {name:<52} not registered  FAIL")
            continue
        runs = []
        for _ in range(args.job_repeat):
            t0 = time.perf_counter()
            result = task.apply(
                args=spec.get("args", ()), kwargs=spec.get("kwargs", {})
            )
            runs.append(time.perf_counter() - t0)
        failed = result.failed()
        worst = max(runs)
        ok = not failed and worst <= MAX_JOB_S
        rows[entry] = {"task": name, "seconds": runs, "failed": failed, "pass": ok}
        shown = " ".join(f"{s:.2f}" for s in runs)
        print(
            f"  {entry:<28} {name:<52} {shown:>12} s"
            f"  {'ERROR ' if failed else ''}{verdict(ok)}"
        )
    print(
        "  (the ranking prior is refreshed inside refresh-gallery-layout; a job of"
        " its own in the schedule shows up here by itself)"
    )
    return rows


# --- HTTP ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with platform/gunicorn.conf.py, serving the bench's URLs."""

    def __init__(self, env: dict[str, str], workers: int | None, log: Path) -> None:
        self.port = free_port()
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        if workers:
            env["GUNICORN_WORKERS"] = str(workers)
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "platform" / "gunicorn.conf.py"),
                "config.wsgi:application",
            ],  # fmt: skip
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log}")
            try:
                if self.get(MINIMAL)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in 60 s; see {log}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def load(server: Server, path: str, seconds: float, connections: int) -> dict:
    """Requests per second of `path` under `connections` keep-alive clients."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{seconds:.0f}s",
                "--latency",
                server.url(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rps = float(out.split("Requests/sec:")[1].split()[0])
        errors = 0
        if "Non-2xx or 3xx responses:" in out:
            errors = int(out.split("Non-2xx or 3xx responses:")[1].split()[0])
        p99 = next(
            (
                line.split()[1]
                for line in out.splitlines()
                if line.strip().startswith("99%")
            ),
            "?",
        )
        return {"rps": rps, "errors": errors, "p99": p99, "tool": "wrk"}
    import http.client

    stop = time.time() + seconds
    counts, errors = Counter(), Counter()

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while time.time() < stop:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            counts[i] += 1
            if response.status >= 400:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(counts.values())
    return {
        "rps": total / (time.time() - t0),
        "errors": sum(errors.values()),
        "p99": "?",
        "tool": "python threads",
    }


def throughput(server: Server, args: argparse.Namespace) -> dict:
    paths = {
        "minimal view": MINIMAL,
        "API gallery page 1": "/api/v1/gallery/",
        "gallery page /": "/",
        "API gallery order=new": "/api/v1/gallery/?order=new",
    }
    rows = {
        label: load(server, path, args.http_seconds, args.connections)
        for label, path in paths.items()
    }
    base = rows["minimal view"]["rps"]
    print(
        f"\nHTTP throughput, {args.connections} keep-alive connections for"
        f" {args.http_seconds:.0f} s each ({rows['minimal view']['tool']}, gunicorn"
        f" as platform/gunicorn.conf.py)."
        f" Target: API page 1 >= {MIN_THROUGHPUT} x minimal"
    )
    for label, row in rows.items():
        row["x_minimal"] = row["rps"] / base if base else 0.0
        target = label == "API gallery page 1"
        row["pass"] = (
            (row["x_minimal"] >= MIN_THROUGHPUT and row["errors"] == 0)
            if target
            else None
        )
        mark = verdict(row["pass"]) if target else ""
        print(
            f"  {label:<24}{row['rps']:>9.1f} req/s  p99 {row['p99']:>8}"
            f"  {row['errors']} errors  {row['x_minimal']:>6.2f} x minimal  {mark}"
        )
    return rows


def _warm(server: Server, path: str, *, connections: int = 20, each: int = 5) -> None:
    """Let every gunicorn worker serve a few requests first, as a live site has.

    A storm on a server that just started would time its workers' first
    requests (imports, the URL conf, database connections), not claims.
    """
    import http.client

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        for _ in range(each):
            conn.request("GET", path)
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def claim_storm(server: Server, plan: Plan) -> dict:
    """`plan.storm_users` distinct users claim the storm task at once."""
    import http.client

    from art_tasks.models import Claim

    Claim.objects.filter(task_id=plan.storm_task).delete()  # a --reuse run
    _warm(server, f"/api/v1/tasks/{plan.storm_task}/")
    n = plan.storm_users
    barrier = threading.Barrier(n + 1)
    results: list[tuple[int, float]] = [(0, 0.0)] * n
    path = f"/api/v1/tasks/{plan.storm_task}/claim/"

    def claimer(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.connect()
        headers = {
            "Authorization": f"Token {plan.storm_secret(i)}",
            "Content-Length": "0",
        }
        barrier.wait()
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, headers=headers)
            response = conn.getresponse()
            response.read()
            results[i] = (response.status, time.perf_counter() - t0)
        except OSError:
            results[i] = (-1, time.perf_counter() - t0)
        conn.close()

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    statuses = Counter(status for status, _ in results)
    waits = [w for _, w in results]
    held = Claim.objects.filter(
        task_id=plan.storm_task, state=Claim.State.ACTIVE
    ).count()
    server_errors = sum(c for s, c in statuses.items() if s >= 500 or s < 0)
    row = {
        "users": n,
        "slots": plan.storm_slots,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "claims_held": held,
        "created_201": statuses.get(201, 0),
        "server_errors": server_errors,
        "p50_s": pct(waits, 0.5),
        "p99_s": pct(waits, 0.99),
        "wall_s": wall,
    }
    row["pass"] = (
        held == plan.storm_slots
        and row["created_201"] == plan.storm_slots
        and server_errors == 0
        and row["p99_s"] <= MAX_STORM_P99_S
    )
    print(
        f"\nClaim storm: {n} users at once on a {plan.storm_slots}-slot task over HTTP."
        f" Target: exactly {plan.storm_slots}, 0 server errors,"
        f" p99 wait <= {MAX_STORM_P99_S:.0f} s"
    )
    print(
        f"  claims held {held}, 201s {row['created_201']},"
        f" server errors {server_errors},"
        f" statuses {row['statuses']}"
    )
    print(
        f"  wait p50 {row['p50_s']:.2f} s, p99 {row['p99_s']:.2f} s, all done in"
        f" {wall:.2f} s  {verdict(row['pass'])}"
    )
    return row


def imaging_rows() -> dict | None:
    path = ROOT / "bench" / "imaging.py"
    print("\nImage post-processing (bench/imaging.py):")
    if not path.exists():
        print("  skipped: bench/imaging.py is not there")
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_imaging", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("compare", "run", "rows", "measure", "main"):
        fn = getattr(module, name, None)
        if callable(fn):
            break
    else:
        print("  skipped: bench/imaging.py has no compare()/run()/rows() function")
        return None
    result = fn()
    rows = (
        list(result)
        if isinstance(result, Iterable) and not isinstance(result, str | dict)
        else result
    )
    if isinstance(rows, list):
        for row in rows:
            print(f"  {row}")
    elif rows is not None:
        print(f"  {rows}")
    return {"function": name, "rows": json.loads(json.dumps(rows, default=str))}


# ---------------------------------------------------------------------------
# --compare
# ---------------------------------------------------------------------------


def compare(small_path: str, large_path: str) -> None:
    small = json.loads(Path(small_path).read_text())
    large = json.loads(Path(large_path).read_text())
    print(
        f"{large['works']:,} works ({large_path}) over {small['works']:,} works"
        f" ({small_path}), in-process p50."
        f" Target for the gallery page: <= {MAX_GROWTH}x"
    )
    print(
        f"  {'what':<34}{'small ms':>9}{'large ms':>9}{'ratio':>7}"
        f"{'x min small':>12}{'x min large':>12}  verdict"
    )
    for label, row in large["in_process"].items():
        if label not in small["in_process"]:
            continue
        a, b = small["in_process"][label], row
        ratio = b["p50"] / a["p50"]
        # Ratios of ratios: each run's figure over its own minimal view.
        norm = b["x_minimal"] / a["x_minimal"] if a.get("x_minimal") else ratio
        target = label.startswith("gallery / ")
        mark = verdict(norm <= MAX_GROWTH) if target else ""
        print(
            f"  {label:<34}{a['p50']:>9.1f}{b['p50']:>9.1f}{ratio:>7.2f}"
            f"{a['x_minimal']:>12.1f}{b['x_minimal']:>12.1f}  {mark}"
        )
    print("  (verdict: the growth of each run's figure over its own minimal view)")


# ---------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000, help="accepted works")
    parser.add_argument("--artists", type=int, default=0, help="default: works / 100")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument(
        "--pending",
        type=int,
        default=None,
        help="works in review (default: min(100k, works/10))",
    )
    parser.add_argument("--storm-users", type=int, default=500)
    parser.add_argument("--storm-slots", type=int, default=10)
    parser.add_argument("--db", default="bench_scale", help="the throwaway database")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=30, help="runs per in-process figure"
    )
    parser.add_argument("--deep-repeat", type=int, default=10)
    parser.add_argument("--depth", type=int, default=1000, help="pages deep")
    parser.add_argument("--job-repeat", type=int, default=2, help="runs per beat job")
    parser.add_argument("--http-seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument(
        "--skip",
        default="",
        help="parts to leave out, comma-separated:"
        " pages,deep,review,http,storm,jobs,imaging",
    )
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--compare", nargs=2, metavar=("SMALL.json", "LARGE.json"))
    args = parser.parse_args()
    if args.pending is None:
        args.pending = min(100_000, args.works // 10)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def main() -> None:
    args = parse_args()
    if args.compare:
        compare(*args.compare)
        return
    source = os.environ.get("DATABASE_URL")
    if not source or not source.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://...).")
    server, source_name = split_db_url(source)
    if args.db == source_name:
        raise SystemExit(f"--db {args.db} is DATABASE_URL's database; choose another.")
    args.bench_url = server + args.db
    plan = Plan(args)
    media = Path(tempfile.mkdtemp(prefix="atelier-scale-"))
    env = bench_env(args, media)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    shared_files(media)
    results: dict = {
        "works": args.works,
        "pending": args.pending,
        "artists": plan.artists,
        "tasks": plan.tasks,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    t0 = time.perf_counter()
    if not args.reuse:
        recreate_database(args)
        migrate(env)
        results["migrate_s"] = time.perf_counter() - t0
        print(
            f"Database {args.db}: created and migrated in {results['migrate_s']:.1f} s"
        )

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = False
    # Static files are not collected for a bench run; pages link them anyway.
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        if not args.reuse:
            print(
                f"Building {args.works:,} accepted works, {args.pending:,} in review,"
                f" {plan.artists:,} artists, {plan.tasks:,} tasks with COPY:"
            )
            t1 = time.perf_counter()
            results["build"] = build(plan)
            results["build_s"] = time.perf_counter() - t1
            print(f"Built in {results['build_s']:.1f} s")
        if args.build_only:
            return
        pg = connection.pg_version
        print(
            f"\n{args.works:,} works on PostgreSQL {pg // 10000}.{pg % 100},"
            f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
        )
        people = clients(plan)
        if "pages" not in args.skip:
            results["in_process"] = in_process(plan, args, people)
        base = measure(people["anon"], MINIMAL, args.repeat)["p50"]
        if "deep" not in args.skip:
            results["deep"] = deep_pages(plan, args, people["anon"])
        if "review" not in args.skip:
            results["review"] = review_queue(plan, args, people, base)
        if {"http", "storm"} - args.skip:
            gunicorn = Server(env, args.workers, media / "gunicorn.log")
            try:
                if "http" not in args.skip:
                    results["http"] = throughput(gunicorn, args)
                if "storm" not in args.skip:
                    results["storm"] = claim_storm(gunicorn, plan)
            finally:
                gunicorn.stop()
        if "jobs" not in args.skip:
            results["jobs"] = beat_jobs(args)
        if "imaging" not in args.skip:
            results["imaging"] = imaging_rows()
        summary(results)
    finally:
        if args.out:
            Path(args.out).write_text(json.dumps(results, indent=2, default=str))
            print(f"\nFigures written to {args.out}")
        if not args.keep and not args.reuse:
            drop_database(args)
        shutil.rmtree(media, ignore_errors=True)


def summary(results: dict) -> None:
    verdicts = []
    for section in ("in_process", "deep", "review", "http", "jobs"):
        for label, row in (results.get(section) or {}).items():
            if isinstance(row, dict) and row.get("pass") is not None:
                verdicts.append((f"{section}: {label}", row["pass"]))
    if results.get("storm"):
        verdicts.append(("storm", results["storm"]["pass"]))
    failed = [label for label, ok in verdicts if not ok]
    print(f"\nSummary: {len(verdicts) - len(failed)} of {len(verdicts)} targets met.")
    for label in failed:
        print(f"  FAIL {label}")


if __name__ == "__main__":
    main()
