"""Train the learned generator: on the CPU, one GPU, or many processes and hosts.

`train` runs the whole loop on a prepared data bundle (uint8 images, style
labels and sampling weights) and writes ``checkpoint.pt`` and, at the end,
``generator.pt`` (the moving average of the generator's weights) into its
output folder. It knows nothing of Django: ``manage.py train_generator``
builds the bundle from the gallery and records the run, and the same loop
runs alone as ``python -m generation.gan_train`` on a bundle file.

**Many processes.** Under ``torchrun`` (which sets ``WORLD_SIZE``, ``RANK``
and ``LOCAL_RANK``) the networks are wrapped in DistributedDataParallel,
over NCCL on GPUs and gloo on CPUs, and each process takes its share of
every global batch through `WeightedDistributedSampler`. Everything random
in a step (latents, augmentation, which quarter the discriminator rebuilds)
is drawn for the whole global batch from a generator seeded by the step
number, and each process takes its rows; all normalisation is per image and
DDP averages the gradients, so N processes compute what one process computes
on the whole batch, up to the order of floating-point sums.

**Crashes.** Rank 0 alone writes the checkpoint, every `checkpoint_every`
steps and at the end of each epoch, atomically. A run started again with
the same folder loads it on rank 0, sends it to every rank, and carries on
from the next step: the sampler replays the epoch's draws and skips the
batches already done, so a run killed mid-epoch ends with the weights it
would have had.

**Speed.** The dataset is moved to the device once; on CUDA the step runs
under bfloat16 autocast and the networks are compiled; losses stay on the
device and reach the host only at the end of an epoch or a checkpoint (no
``loss.item()`` each step).

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

from generation import diffaug, fastgan

logger = logging.getLogger(__name__)

CHECKPOINT_FILE = "checkpoint.pt"
GENERATOR_FILE = "generator.pt"
FORMAT = fastgan.FORMAT

Tensor = torch.Tensor


@dataclass
class Config:
    """Everything that decides a run's result; saved in its checkpoint."""

    size: int = 64
    classes: list[str] = field(default_factory=fastgan.default_classes)
    nz: int = fastgan.DEFAULTS["nz"]
    ngf: int = fastgan.DEFAULTS["ngf"]
    ndf: int = fastgan.DEFAULTS["ndf"]
    embed: int = fastgan.DEFAULTS["embed"]
    batch_size: int = 32  # global: over all processes together
    epochs: int = 10
    steps_per_epoch: int = 0  # 0: as many as the bundle has images per batch
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    ema: float = 0.999
    recon: float = 1.0  # weight of the discriminator's reconstruction loss
    # Weight of the mode-seeking term (Mao et al., 2019): the generator is
    # penalised when two latents of one style paint nearly the same picture.
    mode_seeking: float = 1.0
    seed: int = 0
    checkpoint_every: int = 50

    def network(self) -> dict:
        return fastgan.model_params(
            size=self.size,
            classes=self.classes,
            nz=self.nz,
            ngf=self.ngf,
            ndf=self.ndf,
            embed=self.embed,
        )

    def steps(self, images: int) -> int:
        return self.steps_per_epoch or max(1, images // self.batch_size)


@dataclass(frozen=True)
class Progress:
    """Where a run stands after one step (rank 0 only); `epoch` counts from 1.

    The losses are those of the last finished epoch (or checkpoint): reading
    them every step would make the host wait for the device.
    """

    epoch: int
    epochs: int
    batch: int
    batches: int
    step: int
    loss_d: float
    loss_g: float


ProgressCallback = Callable[[Progress], None]
# Called on rank 0 after each epoch with (epoch, training seconds so far, the
# sampling generator); its own time is not counted as training time.
EpochCallback = Callable[[int, float, "fastgan.Generator"], None]


@dataclass(frozen=True)
class Place:
    """This process's place in the run: its rank, the world size and its device."""

    rank: int
    world: int
    device: torch.device

    @property
    def main(self) -> bool:
        return self.rank == 0


def place() -> Place:
    """Join the process group ``torchrun`` describes, if any; return our place.

    NCCL on CUDA, gloo on the CPU. A single process needs no group.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    return Place(rank=rank, world=world, device=device)


class WeightedDistributedSampler(DistributedSampler):
    """Draw images in proportion to their weights; each process takes its share.

    Every process draws the same `total_size` indices for an epoch (with
    replacement, seeded by the run's seed and the epoch) and takes every
    ``num_replicas``-th from its rank on, so the processes' batches of one
    step together are the single-process batch of that step.
    """

    def __init__(
        self, weights: Tensor, *, samples: int, num_replicas: int, rank: int, seed: int
    ) -> None:
        super().__init__(
            range(samples),
            num_replicas=num_replicas,
            rank=rank,
            shuffle=False,
            seed=seed,
            drop_last=True,
        )
        self.weights = weights.double()

    def __iter__(self):  # noqa: ANN204 - an iterator of ints, as the base class
        rng = torch.Generator().manual_seed(_mix(self.seed, self.epoch, 1))
        picks = torch.multinomial(
            self.weights, self.total_size, replacement=True, generator=rng
        )
        return iter(picks[self.rank : self.total_size : self.num_replicas].tolist())


def _mix(*numbers: int) -> int:
    """Return a 63-bit seed that depends on all of `numbers`."""
    value = 0x2545F4914F6CDD1D
    for n in numbers:
        value = (value * 6364136223846793005 + n + 1442695040888963407) % (1 << 63)
    return value


def step_draws(cfg: Config, step: int, place: Place) -> dict[str, Tensor]:
    """Return this process's rows of the global batch's random draws for `step`."""
    rng = torch.Generator().manual_seed(_mix(cfg.seed, step, 2))
    b = cfg.batch_size
    draws = {
        "z": torch.randn(b, cfg.nz, generator=rng),
        "aug_real": diffaug.draw(b, rng),
        "aug_fake": diffaug.draw(b, rng),
        "aug_g": diffaug.draw(b, rng),
        "quarters": torch.randint(4, (b,), generator=rng),
    }
    return {k: v[place.rank :: place.world] for k, v in draws.items()}


# -- the loop ------------------------------------------------------------------


def train(
    bundle: dict[str, Tensor],
    cfg: Config,
    out: Path,
    *,
    progress: ProgressCallback | None = None,
    on_epoch: EpochCallback | None = None,
    here: Place | None = None,
) -> dict:
    """Train on `bundle` into folder `out`; return the run's record (on every rank).

    `bundle` holds ``images`` (N, 3, size, size) uint8, ``labels`` (N,)
    class indices into ``cfg.classes`` and ``weights`` (N,) sampling weights.
    """
    here = here or place()
    if cfg.batch_size % here.world:
        raise ValueError(
            f"The batch of {cfg.batch_size} does not split over {here.world} processes."
        )
    if cfg.mode_seeking and here.world > 1 and cfg.batch_size % (2 * here.world):
        raise ValueError(
            f"With mode seeking the batch of {cfg.batch_size} must be a multiple of "
            f"{2 * here.world} on {here.world} processes, so each pair of latents "
            "stays in one process."
        )
    out = Path(out)
    dev = here.device
    net = cfg.network()
    generator = fastgan.build_generator(net, seed=cfg.seed)
    critic = fastgan.build_discriminator(net, seed=cfg.seed + 1)
    average = copy.deepcopy(generator)
    for p in average.parameters():
        p.requires_grad_(False)
    generator.to(dev), critic.to(dev), average.to(dev)
    betas = (cfg.beta1, cfg.beta2)
    opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr_g, betas=betas)
    opt_d = torch.optim.Adam(critic.parameters(), lr=cfg.lr_d, betas=betas)

    n = int(bundle["images"].shape[0])
    batches = cfg.steps(n)
    state = _resume(out / CHECKPOINT_FILE, cfg, here)
    step, curve, seconds = 0, [], 0.0
    sums = torch.zeros(3, device=dev)  # D loss, G loss, reconstruction loss
    if state is not None:
        generator.load_state_dict(state["generator"])
        critic.load_state_dict(state["discriminator"])
        average.load_state_dict(state["average"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        step, curve, seconds = state["step"], list(state["curve"]), state["seconds"]
        if here.main:
            sums += torch.tensor(state["sums"], device=dev)
        logger.info("resuming after step %s", step)

    g_model, d_model = generator, critic
    if here.world > 1:
        ids = [dev.index] if dev.type == "cuda" else None
        g_model = DistributedDataParallel(generator, device_ids=ids)
        # The reconstruction heads rest during the generator's step.
        d_model = DistributedDataParallel(
            critic, device_ids=ids, find_unused_parameters=True
        )
    eager = (g_model, d_model)
    if dev.type == "cuda":
        g_model, d_model = torch.compile(g_model), torch.compile(d_model)

    images = bundle["images"].to(dev)
    labels = bundle["labels"].to(dev)
    local = cfg.batch_size // here.world
    sampler = WeightedDistributedSampler(
        bundle["weights"],
        samples=batches * cfg.batch_size,
        num_replicas=here.world,
        rank=here.rank,
        seed=cfg.seed,
    )
    last = curve[-1] if curve else {"d": math.nan, "g": math.nan}
    first_epoch, first_batch = divmod(step, batches)

    def checkpoint(epoch: int, batch: int) -> None:
        totals = sums.clone()
        if here.world > 1:
            dist.all_reduce(totals)
        sums.copy_(totals if here.main else torch.zeros_like(totals))
        if here.main:
            _save(
                out / CHECKPOINT_FILE,
                config=asdict(cfg),
                step=epoch * batches + batch,
                curve=curve,
                seconds=seconds + time.perf_counter() - began,
                sums=totals.tolist(),
                generator=generator.state_dict(),
                discriminator=critic.state_dict(),
                average=average.state_dict(),
                opt_g=opt_g.state_dict(),
                opt_d=opt_d.state_dict(),
            )

    began = time.perf_counter()
    for epoch in range(first_epoch, cfg.epochs):
        sampler.set_epoch(epoch)
        order = torch.tensor(list(sampler), dtype=torch.long, device=dev)
        for b in range(first_batch if epoch == first_epoch else 0, batches):
            draws = {k: v.to(dev) for k, v in step_draws(cfg, step, here).items()}
            idx = order[b * local : (b + 1) * local]
            real = images[idx].float().div_(127.5).sub_(1.0)
            args = (opt_g, opt_d, real, labels[idx], draws, dev)
            try:
                losses = _step(cfg, g_model, d_model, *args)
            except Exception:
                if (g_model, d_model) == eager:
                    raise
                # A compiler that fails on this machine fails on the first
                # step, before any weight changed: train uncompiled instead.
                logger.exception("torch.compile failed; training uncompiled")
                g_model, d_model = eager
                losses = _step(cfg, g_model, d_model, *args)
            sums += losses
            _update_average(average, generator, cfg.ema, step)
            step += 1
            done_in_epoch = b + 1
            if done_in_epoch < batches and step % cfg.checkpoint_every == 0:
                checkpoint(epoch, done_in_epoch)
            # The epoch's last batch is reported below, with its losses.
            if progress is not None and here.main and done_in_epoch < batches:
                progress(
                    Progress(
                        epoch + 1,
                        cfg.epochs,
                        done_in_epoch,
                        batches,
                        step,
                        last["d"],
                        last["g"],
                    )
                )
        totals = sums.clone()
        if here.world > 1:
            dist.all_reduce(totals)
        mean = (totals / (batches * here.world)).tolist()
        last = {
            "epoch": epoch + 1,
            "d": round(mean[0], 5),
            "g": round(mean[1], 5),
            "recon": round(mean[2], 5),
        }
        curve.append(last)
        sums.zero_()
        checkpoint(epoch + 1, 0)
        if on_epoch is not None and here.main:
            paused = time.perf_counter()
            on_epoch(epoch + 1, seconds + paused - began, average)
            began += time.perf_counter() - paused
        if progress is not None and here.main:
            progress(
                Progress(
                    epoch + 1, cfg.epochs, batches, batches, step, last["d"], last["g"]
                )
            )
    seconds += time.perf_counter() - began
    if here.main:
        save_generator(average, net, out / GENERATOR_FILE)
    if here.world > 1:
        dist.barrier()
    return {
        "curve": curve,
        "steps": step,
        "seconds": round(seconds, 2),
        "images_per_second": round(
            (step - (state or {}).get("step", 0))
            * cfg.batch_size
            / max(seconds - (state or {}).get("seconds", 0.0), 1e-9),
            1,
        ),
        "world_size": here.world,
        "device": str(dev),
        "batch_size": cfg.batch_size,
        "batches_per_epoch": batches,
    }


def _step(
    cfg: Config,
    g_model: torch.nn.Module,
    d_model: torch.nn.Module,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    real: Tensor,
    y: Tensor,
    draws: dict[str, Tensor],
    dev: torch.device,
) -> Tensor:
    """Run one discriminator and one generator update; return the losses (on device)."""
    b = real.shape[0]
    cuda = dev.type == "cuda"
    z = draws["z"]
    # Pairs for the mode-seeking term: row k and row k + h paint one style.
    h = b // 2 if cfg.mode_seeking else 0
    y_fake = torch.cat([y[:h], y[:h], y[2 * h :]]) if h else y
    with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=cuda):
        fake = g_model(z, y_fake)
        real_aug = diffaug.augment(real, draws["aug_real"])
        fake_aug = diffaug.augment(fake.detach(), draws["aug_fake"])
        logits, rebuilt = d_model(
            torch.cat([real_aug, fake_aug]),
            torch.cat([y, y_fake]),
            draws["quarters"],
        )
        whole, part = fastgan.reconstruction_targets(real_aug, draws["quarters"])
        recon = F.l1_loss(rebuilt[0].float(), whole.float()) + F.l1_loss(
            rebuilt[1].float(), part.float()
        )
        loss_d = (
            F.relu(1 - logits[:b].float()).mean()
            + F.relu(1 + logits[b:].float()).mean()
            + cfg.recon * recon
        )
    opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    opt_d.step()

    with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=cuda):
        scored, _ = d_model(diffaug.augment(fake, draws["aug_g"]), y_fake)
        loss_g = -scored.float().mean()
        if h:
            loss_g = loss_g + cfg.mode_seeking * _mode_seeking(fake.float(), z, h)
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    opt_g.step()
    return torch.stack([loss_d.detach(), loss_g.detach(), recon.detach()]).float()


def _mode_seeking(fake: Tensor, z: Tensor, h: int) -> Tensor:
    """Return the mean over pairs (k, k + h) of 1 / (image gap / latent gap).

    Mao et al. (2019) divide the pictures' mean absolute difference by the
    latents': a pair of latents painted alike scores high. The mean is
    taken per pair, so DDP's average over processes is the average over
    all pairs, as in one process (pairs never straddle two processes when
    the global batch is a multiple of twice the world size).
    """
    images = (fake[:h] - fake[h : 2 * h]).abs().flatten(1).mean(1)
    latents = (z[:h] - z[h : 2 * h]).abs().mean(1)
    return (1 / (images / latents + 1e-5)).mean()


@torch.no_grad()
def _update_average(
    average: torch.nn.Module, model: torch.nn.Module, decay: float, step: int
) -> None:
    """Move the sampling weights toward the trained ones (warming up the decay)."""
    rate = min(decay, (1 + step) / (10 + step))
    mine = list(average.parameters())
    theirs = [p.detach() for p in model.parameters()]
    torch._foreach_lerp_(mine, theirs, 1 - rate)


# -- files ---------------------------------------------------------------------


def _save(path: Path, **state: Any) -> None:
    """Write a checkpoint atomically: a crash never leaves a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save({"format": FORMAT, **state}, tmp)
    os.replace(tmp, path)


def _resume(path: Path, cfg: Config, here: Place) -> dict | None:
    """Return the checkpoint at `path` (read by rank 0, sent to all), or None."""
    box: list[Any] = [None]
    if here.main and path.exists():
        data = torch.load(path, map_location="cpu", weights_only=True)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path} is not a checkpoint of format {FORMAT}.")
        if data["config"] != json.loads(json.dumps(asdict(cfg))):
            raise ValueError(f"{path} belongs to a run with other settings.")
        box[0] = data
    if here.world > 1:
        dist.broadcast_object_list(box, src=0)
    return box[0]


def save_generator(model: fastgan.Generator, params: dict, path: Path) -> None:
    """Save sampling weights and the network's parameters to `path`."""
    state = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    _save(path, params=params, state_dict=state)


def load_generator(path: Path | str, *, device: torch.device | str = "cpu") -> Any:
    """Load a generator file `save_generator` wrote, in eval mode on `device`."""
    data = torch.load(path, map_location="cpu", weights_only=True)
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a generator file of format {FORMAT}.")
    model = fastgan.build_generator(data["params"])
    model.load_state_dict(data["state_dict"])
    return model.to(device).eval()


# -- command line --------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Train on a bundle file: ``python -m generation.gan_train --data D --out O``.

    Under ``torchrun --nproc-per-node N`` (and ``--nnodes`` for hosts) every
    process runs this; rank 0 writes the files.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", required=True, help="bundle file (torch.save)")
    parser.add_argument("--out", required=True, help="folder for checkpoint.pt")
    parser.add_argument("--config", default="{}", help="Config fields as JSON")
    args = parser.parse_args(argv)
    bundle = torch.load(args.data, map_location="cpu", weights_only=True)
    cfg = Config(**json.loads(args.config))
    here = place()
    record = train(bundle, cfg, Path(args.out), here=here)
    if here.main:
        (Path(args.out) / "record.json").write_text(json.dumps(record, indent=1))
    if here.world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
