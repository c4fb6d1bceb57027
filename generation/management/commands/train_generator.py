"""Train a generator on accepted work and CPPN seeds, here or across processes.

    python manage.py train_generator --name gallery --size 64 --epochs 25
    python manage.py train_generator --resume 12
    torchrun --nproc-per-node 4 manage.py train_generator --name gallery \
        --architecture fastgan --size 128 --epochs 200

Under ``torchrun`` (one process per GPU, or ``--nnodes`` hosts with
``--rdzv-endpoint``), rank 0 alone talks to the database: it creates or
resumes the run, reads the images, sends the bundle to the other ranks and
writes the heartbeats the generators page shows; every rank trains its
share of each batch. Only the data-efficient GAN trains this way. A run
whose rank died is continued by the same command with ``--resume RUN_ID``.

Each epoch ends with a checkpoint, so an interrupted run continues with
``--resume RUN_ID`` from the epoch after its last checkpoint. When done, the
command prints the registered ``NAME@VERSION``, which the publish form and
``paint --generator`` then accept. torch is imported only when it runs.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import AtelierError
from generation.models import TrainingRun


class ProgressBar:
    """Draw one text progress bar per epoch on an output stream.

    On a terminal the bar redraws in place a few times a second; elsewhere
    (a log file, a pipe) it writes one finished line per epoch.
    """

    width = 28
    redraw_seconds = 0.1

    def __init__(self, out: Any) -> None:
        self.out = out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.last = 0.0
        self.began = time.monotonic()

    def __call__(self, p: Any) -> None:
        done = p.batch == p.batches
        now = time.monotonic()
        if not done and (not self.tty or now - self.last < self.redraw_seconds):
            return
        self.last = now
        filled = self.width * p.batch // p.batches
        bar = "#" * filled + "." * (self.width - filled)
        line = (
            f"epoch {p.epoch:>{len(str(p.epochs))}}/{p.epochs} [{bar}] "
            f"{p.batch}/{p.batches} batches  loss D {p.loss_d:.3f} G {p.loss_g:.3f}"
            f"  {now - self.began:.1f}s"
        )
        if self.tty:
            self.out.write("\r" + line, ending="\n" if done else "")
            self.out.flush()
        else:
            self.out.write(line)
        if done:
            self.began = now  # the next epoch's clock starts here


class Command(BaseCommand):
    help = (
        "Train the DCGAN on accepted work and CPPN seeds and register it as "
        "NAME@VERSION; resumable from its per-epoch checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="Generator name, e.g. gallery.")
        parser.add_argument(
            "--size", type=int, default=64, help="Training size: 16, 32, 64 or 128."
        )
        parser.add_argument("--epochs", type=int, default=25, help="Epochs to train.")
        parser.add_argument(
            "--architecture",
            choices=["dcgan", "fastgan"],
            default="dcgan",
            help="fastgan: the data-efficient GAN, conditional on style "
            "(32, 64, 128 or 256 px), trained with a CPPN corpus too.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=64, help="Images per batch."
        )
        parser.add_argument(
            "--resume",
            type=int,
            metavar="RUN_ID",
            help="Continue this run from its last checkpoint, with its own settings.",
        )
        parser.add_argument(
            "--device", choices=["cpu", "cuda"], help="Default: CUDA when present."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            self._distributed(options)
        else:
            self._train(options, None)

    def _distributed(self, options: dict) -> None:
        """Run as one rank of a ``torchrun`` run; rank 0 leads, the others follow."""
        import torch.distributed as dist

        from generation import gan_train
        from generation.training import Crew, follow_training

        here = gan_train.place()
        try:
            if here.main:
                crew = Crew(here)
                try:
                    self._train(options, crew)
                finally:
                    crew.release()  # followers waiting for a run that never came
            else:
                follow_training(here)
        finally:
            dist.destroy_process_group()

    def _train(self, options: dict, crew: Any) -> None:
        from generation.services import create_training_run

        if options["resume"] is not None:
            run = TrainingRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"There is no training run {options['resume']}.")
            if run.state == TrainingRun.State.DONE:
                self.stdout.write(f"Run {run.pk} is already done: {run.result}.")
                return
        else:
            if not options["name"]:
                raise CommandError("--name is required (or --resume RUN_ID).")
            try:
                run = create_training_run(
                    name=options["name"],
                    size=options["size"],
                    epochs=options["epochs"],
                    batch_size=options["batch_size"],
                    architecture=options["architecture"],
                )
            except AtelierError as exc:
                raise CommandError(exc.message) from exc
        here = crew.here if crew is not None else None
        device = here.device if here is not None else self._device(options["device"])
        verb = "Resuming" if options["resume"] is not None else "Training"
        where = f"{here.world} processes" if here is not None else str(device)
        self.stdout.write(
            f"{verb} run {run.pk}: {run.name} at {run.size} px for {run.epochs} "
            f"epochs on {where}. If stopped, continue with --resume {run.pk}."
        )
        from generation.training import stop_training, train_generator

        try:
            run = train_generator(
                run=run, progress=ProgressBar(self.stdout), device=device, crew=crew
            )
        except AtelierError as exc:
            raise CommandError(exc.message) from exc
        except KeyboardInterrupt:
            run = stop_training(run=run, reason="Interrupted from the command line.")
            raise CommandError(
                f"Interrupted after {run.epochs_done} of {run.epochs} epochs; "
                f"continue with --resume {run.pk}."
            ) from None
        seconds = run.result.training.get("seconds", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered {run.result} ({run.result.training['images']['used']} "
                f"images, {run.epochs} epochs, {seconds:.1f}s)."
            )
        )

    @staticmethod
    def _device(name: str | None) -> Any:
        import torch

        if name == "cuda" and not torch.cuda.is_available():
            raise CommandError(
                "--device cuda was asked for, but no CUDA device is present."
            )
        if name is None:
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(name)
