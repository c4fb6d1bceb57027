"""Train the DCGAN on the accepted gallery and register it as a new version.

`train_generator` runs one `TrainingRun`: it reserves the next version of the
run's name, fixes the training images on the first call (accepted work plus
CPPN seeds, centre-cropped and resized to the training size), trains epoch by
epoch with a checkpoint after each, and finally registers a `GeneratorModel`
of kind checkpoint and links it as the run's result.

A crash loses at most one epoch: called again, it loads
``<models dir>/<name>/<version>/checkpoint.pt`` (networks, optimisers,
losses and RNG states) and continues with the next epoch. On the CPU, a
resumed run ends with the same weights as an uninterrupted one.

Only the generation worker and the ``train_generator`` command import this
module: it imports torch.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from core.errors import AtelierError
from generation import corpus, dcgan, fastgan, gan_train, quality, selectors
from generation.errors import InvalidTrainingRequest, NotEnoughTrainingImages
from generation.models import GeneratorModel, TrainingRun
from generation.services import TRAINING_MIN_IMAGES
from generation.signals import model_trained

logger = logging.getLogger(__name__)

DEFAULT_PARAMS = {
    **dcgan.DEFAULTS,
    "batch_size": 64,
    "lr": 2e-4,
    "beta1": 0.5,
    "real_label": 0.9,  # one-sided label smoothing keeps D from saturating
    "flip": True,
    "seed": 0,
}
HEARTBEAT_SECONDS = 2.0  # how often batch progress reaches the database
# The contact sheet staff look at before a version may paint a task's seeds:
# seeds 0..7 (as ``paint --seeds 0-7`` paints them), each upscaled to a tile.
SAMPLE_SEEDS = tuple(range(8))
SAMPLE_COLUMNS = 4
SAMPLE_TILE = 128
SAMPLE_GAP = 4


@dataclass(frozen=True)
class Progress:
    """Where a run stands after one batch; `epoch` counts from 1."""

    run_id: int
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss_d: float
    loss_g: float


ProgressCallback = Callable[[Progress], None]


def train_generator(
    *,
    run: TrainingRun,
    progress: ProgressCallback | None = None,
    device: torch.device | str | None = None,
    crew: Crew | None = None,
) -> TrainingRun:
    """Train `run` to its last epoch, register the result and return the run.

    A finished run is returned unchanged; a run with a checkpoint continues
    from the epoch after it. Raise `NotEnoughTrainingImages` (and mark the
    run failed) when fewer than `TRAINING_MIN_IMAGES` images can be read.
    Any other error also marks the run failed, with its message, and is
    raised again. An interrupt (KeyboardInterrupt, SystemExit) leaves the
    run running, as a killed worker would: see `stop_training`.

    Under ``torchrun``, rank 0 passes its `crew`; whoever made the crew
    releases it (`Crew.release`) once this returns or raises.
    """
    crew = crew or Crew(None)
    run = TrainingRun.objects.get(pk=run.pk)
    if run.state == TrainingRun.State.DONE:
        return run
    if crew.here is not None:
        dev = crew.here.device
    else:
        dev = torch.device(device) if device is not None else dcgan.pick_device()
    try:
        run = _prepare(run)
        if run.params.get("architecture") == fastgan.FASTGAN:
            return _train_learned(run, dev, progress, crew)
        if crew.here is not None and crew.here.world > 1:
            raise InvalidTrainingRequest(
                "Only the data-efficient GAN trains across processes; "
                "run the DCGAN in one."
            )
        data = _load_images(run)
        _start(run, dev, data.shape[0])
        generator, record = _fit(run, data, dev, progress)
        return _register(run, generator, record)
    except Exception as exc:
        if isinstance(exc, AtelierError):
            logger.warning("training run %s refused: %s", run.pk, exc.message)
            message = exc.message
        else:
            logger.exception("training run %s failed", run.pk)
            message = f"{type(exc).__name__}: {exc}"
        _update(
            run,
            state=TrainingRun.State.FAILED,
            error=message[:2000],
            finished_at=timezone.now(),
        )
        raise


def _start(
    run: TrainingRun, dev: torch.device, count: int, world: int = 1, **fields: Any
) -> None:
    """Mark `run` running on `dev` (on `world` processes), or refuse it with
    fewer than the minimum images."""
    if count < TRAINING_MIN_IMAGES:
        raise NotEnoughTrainingImages(
            f"Training needs at least {TRAINING_MIN_IMAGES} readable images "
            f"from accepted work and seeds; found {count}."
        )
    _update(
        run,
        state=TrainingRun.State.RUNNING,
        started_at=run.started_at or timezone.now(),
        finished_at=None,
        device=str(dev) if world == 1 else f"{dev.type} × {world} processes",
        error="",
        **fields,
    )


def stop_training(*, run: TrainingRun, reason: str) -> TrainingRun:
    """Mark an interrupted run failed with `reason`; its checkpoint stays.

    `train_generator` called again on the run continues after the last
    checkpointed epoch.
    """
    run = TrainingRun.objects.get(pk=run.pk)
    if run.state != TrainingRun.State.DONE:
        _update(run, state=TrainingRun.State.FAILED, error=reason[:2000])
    return run


def _update(run: TrainingRun, **fields: Any) -> None:
    """Write `fields` to the run's row and to `run`, touching its heartbeat."""
    fields["updated_at"] = timezone.now()
    TrainingRun.objects.filter(pk=run.pk).update(**fields)
    for key, value in fields.items():
        setattr(run, key, value)


@transaction.atomic
def _prepare(run: TrainingRun) -> TrainingRun:
    """Fix the run's parameters, version and training images once.

    The version is reserved when training starts, because the checkpoint
    lives in the version's folder. Runs of the same name are locked while
    one is chosen, so two runs never reserve the same version.
    """
    list(TrainingRun.objects.select_for_update().filter(name=run.name))
    run = TrainingRun.objects.get(pk=run.pk)
    params = {**DEFAULT_PARAMS, **run.params}
    if params.get("architecture") == fastgan.FASTGAN:
        fastgan.check_size(run.size)
    else:
        dcgan.check_size(run.size)
    if "version" not in params:
        params["version"] = _next_version(run)
    record = dict(run.record)
    if "images" not in record:
        submissions = list(
            selectors.training_submissions().values_list("pk", flat=True)
        )
        seeds = list(selectors.training_seeds().values_list("pk", flat=True))
        record["images"] = {"submissions": submissions, "seeds": seeds}
    _update(run, params=params, record=record)
    return run


def _next_version(run: TrainingRun) -> str:
    """Return the next integer version of `run.name` not taken in the DB or on disk."""
    taken = set(
        GeneratorModel.objects.filter(name=run.name).values_list("version", flat=True)
    )
    taken |= {
        str(v)
        for v in TrainingRun.objects.filter(name=run.name)
        .exclude(pk=run.pk)
        .values_list("params__version", flat=True)
        if v is not None
    }
    number = max((int(v) for v in taken if str(v).isdigit()), default=0) + 1
    while str(number) in taken or dcgan.version_dir(run.name, str(number)).exists():
        number += 1
    return str(number)


# -- data ----------------------------------------------------------------------


def _load_images(run: TrainingRun) -> torch.Tensor:
    """Return the run's images as a uint8 tensor (N, 3, size, size).

    Files that are gone or unreadable are skipped and counted in the record.
    """
    from art_tasks.models import SeedImage, Submission

    ids = run.record["images"]
    files: list[FieldFile] = [
        s.web or s.original
        for s in Submission.objects.filter(pk__in=ids["submissions"]).order_by("pk")
    ]
    files += [
        s.image for s in SeedImage.objects.filter(pk__in=ids["seeds"]).order_by("pk")
    ]
    arrays, skipped = [], 0
    last_beat = time.monotonic()
    for field in files:
        if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
            last_beat = time.monotonic()
            _update(run)  # decoding a big gallery takes a while: stay "live"
        try:
            arrays.append(_square(field, run.size))
        except (OSError, ValueError) as exc:
            logger.warning("training run %s skips %s: %s", run.pk, field.name, exc)
            skipped += 1
    record = {**run.record, "skipped": skipped, "image_count": len(arrays)}
    _update(run, record=record)
    if not arrays:
        return torch.empty(0, 3, run.size, run.size, dtype=torch.uint8)
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def _square(field: FieldFile, size: int) -> np.ndarray:
    """Decode one stored image, centre-crop it square and resize it to `size`."""
    with field.open("rb") as fh, Image.open(fh) as image:
        image.draft("RGB", (size, size))  # JPEG decodes at a fraction of full size
        image = ImageOps.exif_transpose(image).convert("RGB")
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        return np.asarray(square, dtype=np.uint8)


# -- training ------------------------------------------------------------------


def _fit(
    run: TrainingRun,
    data: torch.Tensor,
    dev: torch.device,
    progress: ProgressCallback | None,
) -> tuple[dcgan.Generator, dict]:
    """Train from the last checkpoint (or from scratch) to the run's last epoch."""
    p = run.params
    net = dcgan.model_params(size=run.size, nz=p["nz"], ngf=p["ngf"], ndf=p["ndf"])
    generator = dcgan.build_generator(net, seed=p["seed"]).to(dev)
    critic = dcgan.build_discriminator(net, seed=p["seed"] + 1).to(dev)
    betas = (p["beta1"], 0.999)
    opt_g = torch.optim.Adam(generator.parameters(), lr=p["lr"], betas=betas)
    opt_d = torch.optim.Adam(critic.parameters(), lr=p["lr"], betas=betas)
    # One CPU generator drives shuffling, flips and noise, so the run is
    # reproducible and its state fits in the checkpoint.
    rng = torch.Generator().manual_seed(p["seed"] + 2)
    folder = dcgan.version_dir(run.name, p["version"])
    checkpoint = folder / dcgan.CHECKPOINT_FILE
    losses: list[dict] = []
    seconds = 0.0
    first = 0
    if checkpoint.exists():
        state = dcgan.load_checkpoint(checkpoint)
        if state.get("run") != run.pk:
            raise RuntimeError(f"{checkpoint} belongs to another training run.")
        generator.load_state_dict(state["generator"])
        critic.load_state_dict(state["discriminator"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        rng.set_state(state["rng"]["data"])
        torch.set_rng_state(state["rng"]["torch"])
        if dev.type == "cuda" and state["rng"].get("cuda") is not None:
            torch.cuda.set_rng_state(state["rng"]["cuda"], dev)
        first, losses, seconds = state["epoch"], list(state["losses"]), state["seconds"]
        logger.info("training run %s resumes after epoch %s", run.pk, first)

    n = data.shape[0]
    batch_size = max(2, min(int(p["batch_size"]), n))  # BatchNorm needs two
    batches = n // batch_size
    loss_fn = nn.BCEWithLogitsLoss()
    generator.train()
    critic.train()
    last_beat = 0.0
    for epoch in range(first, run.epochs):
        began = time.perf_counter()
        order = torch.randperm(n, generator=rng)
        sum_d = sum_g = 0.0
        for b in range(batches):
            real = data[order[b * batch_size : (b + 1) * batch_size]].float()
            real = real.div_(127.5).sub_(1.0)
            if p["flip"]:
                flip = torch.rand(batch_size, generator=rng) < 0.5
                real = torch.where(flip[:, None, None, None], real.flip(-1), real)
            z = torch.randn(batch_size, net["nz"], 1, 1, generator=rng)
            real, z = real.to(dev), z.to(dev)
            real_labels = torch.full((batch_size,), float(p["real_label"]), device=dev)
            zeros = torch.zeros(batch_size, device=dev)

            fake = generator(z)
            opt_d.zero_grad(set_to_none=True)
            loss_d = loss_fn(critic(real), real_labels) + loss_fn(
                critic(fake.detach()), zeros
            )
            loss_d.backward()
            opt_d.step()

            opt_g.zero_grad(set_to_none=True)
            loss_g = loss_fn(critic(fake), torch.ones_like(zeros))
            loss_g.backward()
            opt_g.step()

            step_d, step_g = loss_d.item(), loss_g.item()
            sum_d, sum_g = sum_d + step_d, sum_g + step_g
            now = time.monotonic()
            if now - last_beat >= HEARTBEAT_SECONDS:
                last_beat = now
                current = {"epoch": epoch + 1, "batch": b + 1, "batches": batches}
                _update(run, record={**run.record, "current": current})
            if progress is not None:
                progress(
                    Progress(
                        run.pk, epoch + 1, run.epochs, b + 1, batches, step_d, step_g
                    )
                )
        seconds += time.perf_counter() - began
        losses.append(
            {
                "epoch": epoch + 1,
                "d": round(sum_d / batches, 5),
                "g": round(sum_g / batches, 5),
            }
        )
        dcgan.save_checkpoint(
            checkpoint,
            run=run.pk,
            params=net,
            epoch=epoch + 1,
            losses=losses,
            seconds=seconds,
            generator=generator.state_dict(),
            discriminator=critic.state_dict(),
            opt_g=opt_g.state_dict(),
            opt_d=opt_d.state_dict(),
            rng={
                "data": rng.get_state(),
                "torch": torch.get_rng_state(),
                "cuda": torch.cuda.get_rng_state(dev) if dev.type == "cuda" else None,
            },
        )
        current = {"epoch": epoch + 1, "batch": batches, "batches": batches}
        record = {**run.record, "losses": losses, "seconds": round(seconds, 2)}
        _update(run, epochs_done=epoch + 1, record={**record, "current": current})
    record = {
        **run.record,
        "losses": losses,
        "seconds": round(seconds, 2),
        "batch_size": batch_size,
        "batches_per_epoch": batches,
    }
    dcgan.calibrate_batchnorm(generator, seed=p["seed"] + 3, device=dev)
    return generator, record


@transaction.atomic
def _register(
    run: TrainingRun, generator: dcgan.Generator, record: dict
) -> TrainingRun:
    """Save the generator's weights and register them as NAME@VERSION.

    The version is registered unreviewed, with a contact sheet of its
    samples: tasks may use it once staff have looked at the sheet and
    confirmed it (`generation.services.review_generator`).
    """
    run = TrainingRun.objects.select_for_update().get(pk=run.pk)
    if run.state == TrainingRun.State.DONE:
        return run
    version = run.params["version"]
    path = dcgan.version_dir(run.name, version) / dcgan.GENERATOR_FILE
    digest = dcgan.save_generator(generator, path)
    weights = f"{run.name}/{version}/{dcgan.GENERATOR_FILE}"
    dcgan.publish_weights(weights, path)  # to the bucket, when there is one
    samples = save_sample_sheet(generator, name=run.name, version=version)
    images = run.record["images"]
    net = dcgan.model_params(
        size=run.size, nz=run.params["nz"], ngf=run.params["ngf"], ndf=run.params["ndf"]
    )
    model = GeneratorModel(
        name=run.name,
        version=version,
        kind=GeneratorModel.Kind.CHECKPOINT,
        description=(
            f"DCGAN at {run.size} px trained on {record['image_count']} images "
            f"for {run.epochs} epochs."
        ),
        params={**net, "weights_sha256": digest},
        weights=weights,
        training={
            "run": run.pk,
            "images": {
                "accepted": len(images["submissions"]),
                "seeds": len(images["seeds"]),
                "used": record["image_count"],
                "skipped": record.get("skipped", 0),
            },
            "epochs": run.epochs,
            "losses": record["losses"],
            "seconds": record["seconds"],
            "device": run.device,
            "batch_size": record["batch_size"],
            "lr": run.params["lr"],
        },
        samples=samples,
    )
    model.full_clean()
    model.save()
    return _finish(run, model, record)


def _finish(run: TrainingRun, model: GeneratorModel, record: dict) -> TrainingRun:
    """Mark `run` done with `model` as its result and `record` as its record."""
    run.state = TrainingRun.State.DONE
    run.result = model
    run.record = record
    run.epochs_done = run.epochs
    run.finished_at = timezone.now()
    fields = ["state", "result", "record", "epochs_done", "finished_at", "updated_at"]
    run.save(update_fields=fields)
    model_trained.send(sender=GeneratorModel, model=model, run=run)
    return run


# -- the data-efficient GAN ----------------------------------------------------

# Accepted work is drawn in proportion to its mean curator score over this,
# so a 5-star work is seen 5/3 as often as a CPPN painting, a 1-star one 1/3.
SCORE_SCALE = 3.0


class Crew:
    """The other processes of a ``torchrun`` run, seen from rank 0.

    Rank 0 alone reads the database: it prepares the run and its bundle and
    sends them to the other ranks (`follow_training`), which then train
    beside it. If rank 0 stops before that, `release` tells them to stop.
    """

    def __init__(self, here: gan_train.Place | None) -> None:
        # None: training in this process alone, on the device asked for.
        self.here = here
        self.sent = here is None or here.world == 1

    def send(self, plan: dict) -> None:
        if not self.sent:
            self.sent = True
            torch.distributed.broadcast_object_list([plan], src=0)

    def release(self) -> None:
        if not self.sent:
            self.sent = True
            torch.distributed.broadcast_object_list([None], src=0)


def follow_training(here: gan_train.Place) -> bool:
    """On a rank other than 0 under ``torchrun``: train the run rank 0 sends.

    Return False when rank 0 stopped before training (it says why).
    """
    box: list[Any] = [None]
    torch.distributed.broadcast_object_list(box, src=0)
    plan = box[0]
    if plan is None:
        return False
    cfg = gan_train.Config(**plan["config"])
    gan_train.train(plan["bundle"], cfg, Path(plan["folder"]), here=here)
    return True


def _train_learned(
    run: TrainingRun,
    dev: torch.device,
    progress: ProgressCallback | None,
    crew: Crew,
) -> TrainingRun:
    """Train a `fastgan` version on accepted work, seeds and a CPPN corpus."""
    bundle, held_out, data = _bundle(run)
    count = int(bundle["images"].shape[0]) + int(held_out["images"].shape[0])
    world = crew.here.world if crew.here is not None else 1
    _start(
        run,
        dev,
        count,
        world,
        record={**run.record, "data": data, "image_count": count},
    )
    p = run.params
    cfg = gan_train.Config(
        size=run.size,
        epochs=run.epochs,
        batch_size=max(2, min(int(p["batch_size"]), count)),
        seed=int(p["seed"]),
    )
    folder = dcgan.version_dir(run.name, p["version"])
    beat = {"at": 0.0}

    def report(step: gan_train.Progress) -> None:
        now = time.monotonic()
        end = step.batch == step.batches
        if end or now - beat["at"] >= HEARTBEAT_SECONDS:
            beat["at"] = now
            current = {
                "epoch": step.epoch,
                "batch": step.batch,
                "batches": step.batches,
            }
            done = step.epoch if end else step.epoch - 1
            _update(run, epochs_done=done, record={**run.record, "current": current})
        if progress is not None:
            progress(
                Progress(
                    run.pk,
                    step.epoch,
                    step.epochs,
                    step.batch,
                    step.batches,
                    step.loss_d,
                    step.loss_g,
                )
            )

    here = crew.here or gan_train.Place(rank=0, world=1, device=dev)
    crew.send({"bundle": bundle, "config": asdict(cfg), "folder": str(folder)})
    record = gan_train.train(bundle, cfg, folder, progress=report, here=here)
    generator = gan_train.load_generator(folder / gan_train.GENERATOR_FILE, device=dev)
    figures = measure(generator, cfg.network(), held_out, bundle["images"])
    return _register_learned(run, cfg, record, generator, figures)


QUALITY_SAMPLES = 64  # seeds 0..63, walking through the styles


def measure(
    generator: fastgan.Generator,
    params: dict,
    held_out: dict[str, torch.Tensor],
    training: torch.Tensor,
) -> dict:
    """Return a version's quality figures and why it is below the bar, if it is.

    Its samples at the training size are compared with held-out images it
    never trained on (KID, the two-sample test, and each style's spread
    against the held-out pictures of that style), with each other
    (diversity, flat and muddy images) and with its training images
    (near-copies). `held_out` holds the images and their style labels.
    """
    figures = quality.measure_generator(
        generator, params, held_out, training, samples=QUALITY_SAMPLES
    )
    return {**figures, "bar": quality.BAR}


HOLD_OUT_EVERY = 8  # every 8th image is kept back to measure the version
HOLD_OUT_MIN = 4  # the two-sample test needs four


def _bundle(
    run: TrainingRun,
) -> tuple[dict[str, torch.Tensor], torch.Tensor, dict]:
    """Return the run's training bundle, its held-out images, and what they were.

    Accepted work (weighted by its curator score), the CPPN seeds of tasks
    and a fresh CPPN corpus in every style; every `HOLD_OUT_EVERY`-th image
    is held out of training (at least `HOLD_OUT_MIN`), to measure the
    result against, with its style label. Unreadable files are skipped and
    counted.
    """
    from art_tasks.models import SeedImage, Submission

    classes = fastgan.default_classes()

    def label(style: str) -> int:
        return classes.index(style if style in classes else fastgan.GALLERY_CLASS)

    ids = run.record["images"]
    wanted: list[tuple[FieldFile, int, float]] = []
    for sub in (
        Submission.objects.filter(pk__in=ids["submissions"])
        .select_related("task")
        .order_by("pk")
    ):
        weight = (sub.score or SCORE_SCALE) / SCORE_SCALE
        wanted.append((sub.web or sub.original, label(sub.task.style), weight))
    for seed in (
        SeedImage.objects.filter(pk__in=ids["seeds"])
        .select_related("task")
        .order_by("pk")
    ):
        wanted.append((seed.image, label(seed.task.style), 1.0))
    arrays, labels, weights, skipped = [], [], [], 0
    for field, style, weight in wanted:
        try:
            arrays.append(_square(field, run.size))
        except (OSError, ValueError) as exc:
            logger.warning("training run %s skips %s: %s", run.pk, field.name, exc)
            skipped += 1
            continue
        labels.append(style)
        weights.append(weight)
    per_style = int(run.params.get("corpus_per_style", corpus.PER_STYLE))
    painted = corpus.bundle(size=run.size, per_style=per_style)
    arrays += list(painted["images"].permute(0, 2, 3, 1).numpy())
    labels += painted["labels"].tolist()
    weights += painted["weights"].tolist()
    accepted = [w for (_, _, w) in wanted[: len(ids["submissions"])]]
    data = {
        "accepted": len(ids["submissions"]),
        "seeds": len(ids["seeds"]),
        "corpus": len(painted["labels"]),
        "corpus_seeds": [corpus.SEED, corpus.SEED + per_style - 1],
        "skipped": skipped,
        "weighting": f"accepted work: mean curator score / {SCORE_SCALE:g}; "
        "seeds and corpus: 1",
        "accepted_weight_mean": round(sum(accepted) / len(accepted), 3)
        if accepted
        else None,
        "classes": classes,
    }
    if not arrays:
        empty = torch.empty(0, 3, run.size, run.size, dtype=torch.uint8)
        nothing = torch.empty(0)
        none = {"images": empty, "labels": nothing.long()}
        return {**none, "weights": nothing}, none, data
    images = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()
    every = min(HOLD_OUT_EVERY, max(2, len(arrays) // HOLD_OUT_MIN))
    held = torch.arange(len(arrays)) % every == every - 1
    bundle = {
        "images": images[~held],
        "labels": torch.tensor(labels, dtype=torch.long)[~held],
        "weights": torch.tensor(weights, dtype=torch.float32)[~held],
    }
    data["held_out"] = int(held.sum())
    held_out = {
        "images": images[held],
        "labels": torch.tensor(labels, dtype=torch.long)[held],
    }
    return bundle, held_out, data


@transaction.atomic
def _register_learned(
    run: TrainingRun,
    cfg: gan_train.Config,
    record: dict,
    generator: fastgan.Generator,
    figures: dict,
) -> TrainingRun:
    """Register the trained `fastgan` weights as NAME@VERSION, unreviewed."""
    run = TrainingRun.objects.select_for_update().get(pk=run.pk)
    if run.state == TrainingRun.State.DONE:
        return run
    version = run.params["version"]
    path = dcgan.version_dir(run.name, version) / gan_train.GENERATOR_FILE
    digest = dcgan.file_sha256(path)
    weights = f"{run.name}/{version}/{gan_train.GENERATOR_FILE}"
    dcgan.publish_weights(weights, path)
    params = {**cfg.network(), "weights_sha256": digest}
    samples = save_sample_sheet(
        generator, name=run.name, version=version, params=params
    )
    data = run.record["data"]
    model = GeneratorModel(
        name=run.name,
        version=version,
        kind=GeneratorModel.Kind.CHECKPOINT,
        description=(
            f"Data-efficient GAN at {run.size} px, conditional on style, trained "
            f"on {run.record['image_count']} images for {run.epochs} epochs."
        ),
        params=params,
        weights=weights,
        training={
            "run": run.pk,
            "architecture": fastgan.FASTGAN,
            "images": {
                "accepted": data["accepted"],
                "seeds": data["seeds"],
                "corpus": data["corpus"],
                "used": run.record["image_count"],
                "skipped": data["skipped"],
            },
            "data": data,
            "epochs": run.epochs,
            "losses": record["curve"],
            "seconds": record["seconds"],
            "device": run.device or record["device"],
            "world_size": record["world_size"],
            "batch_size": record["batch_size"],
            "steps": record["steps"],
            "images_per_second": record["images_per_second"],
            "lr": cfg.lr_g,
            "quality": figures,
        },
        samples=samples,
    )
    model.full_clean()
    model.save()
    return _finish(run, model, {**run.record, **record, "losses": record["curve"]})


def sample_sheet(
    generator: dcgan.Generator | fastgan.Generator, params: dict | None = None
) -> Image.Image:
    """Return a contact sheet of `generator`'s seeds `SAMPLE_SEEDS`.

    Each seed is painted as a task paints it (eval mode, the seed's CPU
    latent) and upscaled with Lanczos to a `SAMPLE_TILE` px tile, so the
    sheet shows what contributors would get.
    """
    device = next(generator.parameters()).device
    generator.eval()
    if isinstance(generator, fastgan.Generator):
        # The sheet's seeds walk through the styles the version learned.
        labels = [fastgan.label_of(params or {}, None, s) for s in SAMPLE_SEEDS]
        drawn = fastgan.sample(generator, SAMPLE_SEEDS, labels, device)
        pixels = drawn.permute(0, 2, 3, 1).cpu().numpy()
    else:
        with torch.inference_mode():
            pixels = dcgan.generate(generator, SAMPLE_SEEDS, device)
    rows = -(-len(SAMPLE_SEEDS) // SAMPLE_COLUMNS)
    step = SAMPLE_TILE + SAMPLE_GAP
    sheet = Image.new(
        "RGB",
        (SAMPLE_COLUMNS * step - SAMPLE_GAP, rows * step - SAMPLE_GAP),
        (255, 255, 255),
    )
    for i, array in enumerate(pixels):
        tile = Image.fromarray(array).resize(
            (SAMPLE_TILE, SAMPLE_TILE), Image.Resampling.LANCZOS
        )
        sheet.paste(tile, ((i % SAMPLE_COLUMNS) * step, (i // SAMPLE_COLUMNS) * step))
    return sheet


def save_sample_sheet(
    generator: dcgan.Generator | fastgan.Generator,
    *,
    name: str,
    version: str,
    params: dict | None = None,
) -> str:
    """Paint `generator`'s contact sheet into media storage; return its name.

    The stored name carries the sheet's hash, so a repeated registration
    finds the same file rather than writing another.
    """
    buffer = io.BytesIO()
    sample_sheet(generator, params).save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    stored = f"generators/{name}-{version}-{digest[:16]}.png"
    if default_storage.exists(stored):
        return stored
    return default_storage.save(stored, ContentFile(data))


def paint_samples(*, model: GeneratorModel) -> GeneratorModel:
    """Paint the sample sheet of a registered trained version from its weights.

    For versions registered before sample sheets existed. A version that
    has a sheet keeps it.
    """
    if model.samples:
        return model
    dev = dcgan.pick_device()
    path = dcgan.weights_path(model.weights, model.params.get("weights_sha256", ""))
    if model.params.get("architecture") == fastgan.FASTGAN:
        generator = gan_train.load_generator(path, device=dev)
    else:
        generator = dcgan.load_generator(path, device=dev)
    name = save_sample_sheet(
        generator, name=model.name, version=model.version, params=model.params
    )
    GeneratorModel.objects.filter(pk=model.pk, samples="").update(
        samples=name, updated_at=timezone.now()
    )
    model.refresh_from_db()
    return model


SHIPPED_NAME = "atelier-gan"
SHIPPED_VERSION = "1"


def register_shipped(
    *, name: str = SHIPPED_NAME, version: str = SHIPPED_VERSION
) -> tuple[GeneratorModel, bool]:
    """Register the learned generator that ships with Atelier; return it and
    whether it was new.

    The committed weights (`generation.shipped`) are copied into the models
    dir (and the bucket, when one is set) like any trained version's, with
    their record as the version's training record. The version was measured
    when it was trained: if it met the bar it is registered as reviewed, so
    tasks can use it at once; otherwise staff must confirm it on the
    generators page like any other version below the bar.
    """
    from generation import shipped

    existing = GeneratorModel.objects.filter(name=name, version=version).first()
    if existing is not None:
        return existing, False
    record = json.loads(shipped.RECORD.read_text())
    digest = dcgan.file_sha256(shipped.WEIGHTS)
    if digest != record["sha256"]:
        raise ValueError(
            f"{shipped.WEIGHTS} does not match its record (sha256 {digest[:12]}…)."
        )
    cfg = gan_train.Config(**record["config"])
    params = {**cfg.network(), "weights_sha256": digest}
    path = dcgan.version_dir(name, version) / gan_train.GENERATOR_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shipped.WEIGHTS, path)
    weights = f"{name}/{version}/{gan_train.GENERATOR_FILE}"
    dcgan.publish_weights(weights, path)
    generator = gan_train.load_generator(path)
    samples = save_sample_sheet(generator, name=name, version=version, params=params)
    figures = {**record["quality"], "bar": record["bar"]}
    run = record["run"]
    data = record["data"]
    model = GeneratorModel(
        name=name,
        version=version,
        kind=GeneratorModel.Kind.CHECKPOINT,
        description=(
            f"Data-efficient GAN at {cfg.size} px, conditional on style, shipped "
            f"with Atelier: trained on {data['training']['images']} CPPN paintings "
            f"for {cfg.epochs} epochs."
        ),
        params=params,
        weights=weights,
        training={
            "architecture": fastgan.FASTGAN,
            "shipped": True,
            "images": {
                "accepted": 0,
                "seeds": 0,
                "corpus": data["training"]["images"],
                "used": data["training"]["images"],
                "skipped": 0,
            },
            "data": data,
            "epochs": cfg.epochs,
            "losses": run["curve"],
            "seconds": run["seconds"],
            "device": run["device"],
            "world_size": run["world_size"],
            "batch_size": run["batch_size"],
            "steps": run["steps"],
            "images_per_second": run["images_per_second"],
            "lr": cfg.lr_g,
            "quality": figures,
            "checks": record["checks"],
            "first_at_bar": record["first_at_bar"],
        },
        samples=samples,
        reviewed_at=None if figures["below_bar"] else timezone.now(),
    )
    model.full_clean()
    model.save()
    return model, True
