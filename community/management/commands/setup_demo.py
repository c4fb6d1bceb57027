"""Create demo accounts, a published task with painted seeds and a small gallery.

Runs every service the site uses (publish, paint, claim, submit, process,
vote), so the demo is what a real community would have made, and registers
the learned generator that ships with Atelier. Running it again
changes nothing that exists.
"""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageFilter, ImageOps

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import make_curator, register_user, verify_email_address
from art_tasks.models import CreationTask, Submission
from art_tasks.services import claim_task, create_task, process_submission, submit_work
from community.services import follow_artist
from curation.services import cast_vote
from gallery.services import (
    add_to_collection,
    create_collection,
    decay_trending,
    fold_views,
    like_work,
    record_view,
    refresh_gallery_layout,
)
from generation.models import GenerationJob
from generation.services import publish_task, run_generation_job

ACCOUNTS = [
    # username, password, role, display name
    ("staff", "brush-and-easel-1", "staff", "Studio Staff"),
    ("curator1", "gallery-wall-22", "curator", "Ines Curator"),
    ("curator2", "gallery-wall-22", "curator", "Marek Curator"),
    ("curator3", "gallery-wall-22", "curator", "Yuki Curator"),
    ("artist1", "seed-to-canvas-3", "contributor", "Ada Artist"),
    ("artist2", "seed-to-canvas-3", "contributor", "Bo Painter"),
    ("artist3", "seed-to-canvas-3", "contributor", "Cy Collagist"),
]

TASKS = [
    {
        "title": "Nebula studies",
        "brief": "Take one of these nebulae and make it a place: a landscape, a "
        "portrait, a poster. Keep something of the seed's colour.",
        "tags": ["abstract", "space", "colour-study"],
        "style": "nebula",
    },
    {
        "title": "Ink and paper",
        "brief": "Respond to an ink seed with your own mark-making: cut, redraw, "
        "collage or paint over it.",
        "tags": ["ink", "monochrome"],
        "style": "ink",
    },
]

# (artist, seed index, title, curator scores) for each demo task.
DEMO_WORKS = [
    [
        ("artist1", 0, "Harbour at the edge of the cloud", [5, 4, 5]),
        ("artist2", 1, "Night bloom", [4, 4, 3]),
        ("artist3", 2, "Lantern weather", [4, 5, 4]),
    ],
    [
        ("artist1", 3, "Tidal script", [3, 4, 4]),
        ("artist2", 4, "Paper harbour", [5, 5, 4]),
        ("artist3", 5, "Quiet machine", [2, 3, 2]),
    ],
]


# Likes (fan, work title) and page views per work, so "popular" and
# "trending" differ from "top"; and a collection of the harbour pieces.
DEMO_LIKES = [
    ("artist2", "Harbour at the edge of the cloud"),
    ("artist3", "Harbour at the edge of the cloud"),
    ("curator1", "Night bloom"),
    ("curator2", "Night bloom"),
    ("curator3", "Night bloom"),
    ("artist1", "Night bloom"),
    ("artist1", "Lantern weather"),
    ("curator1", "Tidal script"),
]
DEMO_VIEWS = {
    "Harbour at the edge of the cloud": 9,
    "Night bloom": 5,
    "Lantern weather": 12,
    "Tidal script": 2,
    "Paper harbour": 20,
}
DEMO_COLLECTION = {
    "title": "Harbours and weather",
    "statement": "Coastlines, lanterns and clouds: where the seeds' colour "
    "became a place to stand.",
    "works": ["Harbour at the edge of the cloud", "Paper harbour", "Lantern weather"],
}


def _derive(seed_file, variant: int) -> io.BytesIO:  # noqa: ANN001 - a FieldFile
    """Return a contributor-style derivative of a seed as a PNG in memory."""
    with seed_file.open("rb") as fh:
        image = Image.open(fh).convert("RGB")
        image.load()
    if variant % 3 == 0:
        image = ImageOps.posterize(image, 3).filter(ImageFilter.SMOOTH_MORE)
    elif variant % 3 == 1:
        image = ImageOps.autocontrast(image.filter(ImageFilter.EDGE_ENHANCE_MORE))
    else:
        image = ImageOps.mirror(ImageOps.solarize(image, threshold=160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    out.name = "work.png"
    return out


class Command(BaseCommand):
    help = "Create demo accounts, a task with generated seeds and a few gallery works."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--seeds", type=int, default=8, help="Seeds per demo task.")
        parser.add_argument("--size", type=int, default=512, help="Seed image size.")
        parser.add_argument(
            "--no-gallery", action="store_true", help="Skip the demo submissions."
        )

    def handle(self, *args, **opts) -> None:  # noqa: ANN002, ANN003
        users = self._accounts()
        # The learned generator that ships with Atelier, so staff can pick it
        # for a task from the first run.
        call_command("register_shipped_generator", stdout=self.stdout)
        # A follow, so the demo's notifications include followed artists' work.
        follow_artist(follower=users["artist2"], artist=users["artist1"])
        tasks = [self._task(users["staff"], spec, opts) for spec in TASKS]
        if not opts["no_gallery"]:
            for task, works in zip(tasks, DEMO_WORKS, strict=True):
                self._gallery(task, users, works)
            self._community(users)
        self.stdout.write(self.style.SUCCESS("\nDemo accounts (username / password):"))
        for username, password, role, _name in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {password:<22} {role}")

    def _accounts(self) -> dict[str, User]:
        users = {}
        for username, password, role, name in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = register_user(
                    username=username,
                    email=f"{username}@atelier.test",
                    password=password,
                    display_name=name,
                    email_verified=True,
                )
            else:
                # Demo addresses are made up: vouch for them, so the demo
                # signs in where verification is mandatory.
                verify_email_address(user=user)
            if role == "staff" and not user.is_staff:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            if role == "curator":
                make_curator(user=user)
            users[username] = user
        return users

    def _task(self, staff: User, spec: dict, opts: dict) -> CreationTask:
        task = CreationTask.objects.filter(title=spec["title"]).first()
        if task is None:
            with transaction.atomic():
                task = create_task(
                    by=staff,
                    title=spec["title"],
                    brief=spec["brief"],
                    tags=spec["tags"],
                    style=spec["style"],
                    seed_count=opts["seeds"],
                    image_size=opts["size"],
                    slots=12,
                    claim_ttl=timedelta(hours=2),
                )
                publish_task(task=task, by=staff)
            # Paint here rather than wait for a worker, so the demo is ready
            # when the site starts; the queued message then finds the job done.
            job = GenerationJob.objects.get(task=task)
            self.stdout.write(f"Painting {task.seed_count} seeds for “{task.title}”…")
            job = run_generation_job(job=job)
            self.stdout.write(f"  done in {job.seconds:.1f} s on {job.device}")
        return task

    def _gallery(self, task: CreationTask, users: dict[str, User], works: list) -> None:
        if Submission.objects.filter(task=task).exists():
            return
        curators = [users["curator1"], users["curator2"], users["curator3"]]
        for username, index, title, scores in works:
            artist = users[username]
            seed = task.seeds.get(index=index)
            claim = claim_task(task=task, user=artist)
            submission = submit_work(
                claim=claim,
                user=artist,
                seed=seed,
                image=_derive(seed.image, index),
                title=title,
                statement="Made from a seed of the demo task.",
                license=task.license,
            )
            process_submission(submission=submission)
            for curator, score in zip(curators, scores, strict=True):
                cast_vote(submission=submission, curator=curator, score=score)

    def _community(self, users: dict[str, User]) -> None:
        """Add likes, views and a collection, then lay out the gallery orders."""
        from django.contrib.auth.models import AnonymousUser

        from gallery.models import Collection

        accepted = {
            w.title: w
            for w in Submission.objects.filter(state=Submission.State.ACCEPTED)
        }
        for username, title in DEMO_LIKES:
            if title in accepted:
                like_work(submission=accepted[title], user=users[username])
        for title, views in DEMO_VIEWS.items():
            work = accepted.get(title)
            if work is not None and work.view_count == 0:
                for visitor in range(views):
                    record_view(
                        submission=work,
                        viewer=AnonymousUser(),
                        visitor=f"demo-{visitor}",
                    )
        spec = DEMO_COLLECTION
        if not Collection.objects.filter(title=spec["title"]).exists():
            collection = create_collection(
                by=users["staff"],
                title=spec["title"],
                statement=spec["statement"],
                published=True,
                featured=True,
            )
            for title in spec["works"]:
                if title in accepted:
                    add_to_collection(
                        collection=collection,
                        by=users["staff"],
                        submission=accepted[title],
                    )
        fold_views()  # with Redis, views wait for the fold
        decay_trending()
        refresh_gallery_layout()
