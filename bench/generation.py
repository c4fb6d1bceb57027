"""Images per second of each generator, against plain matrix multiplies.

    .venv/bin/python bench/generation.py [--device cpu|cuda] [--sizes 512 1024]
        [--batches 1 8 32] [--quick | --no-quick] [--budget 30] [--markdown]
    .venv/bin/python bench/generation.py --to-bar 160

Generators: the CPPN painter in two styles (nebula: a wide, deep network and
a soft shader; stained-glass: a narrower network and a flat shader), each
eager and with its network compiled (`cppn.use_compiled`), and a freshly
initialised 64-px DCGAN (nz 100, ngf 64) whose output is upscaled to the
image size. No database is needed.

For each generator, image size and batch size the script times `render`
(recipes in, PIL images out; best of up to three runs), counts the FLOPs of
the network's matrix multiplies, then times exactly those multiplies as
plain `torch.bmm` / `torch.mm` calls on the same device, in the same run.
It prints images per second, the GFLOP/s that generation achieves, the
GFLOP/s of the bare multiplies, and their ratio: how much of the time goes
to the arithmetic the network needs, rather than activations, shaders,
quantiles, upscaling and copies. A large square `torch.mm` gives the
device's dense matmul rate for reference.

A second table times the learned generators as bare networks, whatever
their architecture: the DCGAN and the data-efficient GAN
(`generation.fastgan`). For each it gives images per second of sampling (the generator's
forward) and of a training step (forward and backward of generator and
discriminator, Adam steps of both), with FLOPs counted by torch's
`FlopCounterMode` and the fraction of the dense matmul rate they reach. On
CUDA both run under bf16 autocast, against the dense bf16 rate.

``--to-bar EPOCHS`` instead trains the shipped learned generator's run
(`generation.shipped`: the CPPN corpus at 64 px) for that many epochs,
measures it against the quality bar every 10 epochs, and prints the
training time at which it first met the bar.

``--quick`` (the default on a CPU) skips the combinations whose estimated
time, from the batch-1 run, exceeds ``--budget`` seconds, and lists them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import Tensor, nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from generation import cppn, dcgan  # noqa: E402

CPPN_STYLES = ("nebula", "stained-glass")
COMPILED = " compiled"  # suffix of the CPPN rows whose network is compiled
DCGAN_SIZE = 64
FASTGAN_SIZE = 64
Shapes = list[tuple[int, int, int, int]]  # (batch, rows, inner, cols) per multiply


def device_name(dev: torch.device) -> str:
    """Return a readable name of the device, with torch's thread count on a CPU."""
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {torch.get_num_threads()} torch threads"


def load() -> str:
    """Return the 1, 5 and 15 minute load averages: other work skews figures."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def best_time(
    fn: Callable[[], object], dev: torch.device, runs: int, at_least: float = 0.5
) -> float:
    """Return the fastest of at least `runs` timed calls of `fn`.

    Short calls repeat until `at_least` seconds have passed (at most 50
    calls), so a busy moment on a shared machine does not decide the figure.
    """
    best, spent, calls = math.inf, 0.0, 0
    while calls < runs or (spent < at_least and calls < 50):
        sync(dev)
        began = time.perf_counter()
        fn()
        sync(dev)
        took = time.perf_counter() - began
        best, spent, calls = min(best, took), spent + took, calls + 1
    return best


# -- what each generator multiplies ------------------------------------------


def cppn_shapes(recipes: list[dict], dev: torch.device) -> Shapes:
    """Return the batched multiplies `cppn.render` performs for `recipes`.

    Mirrors its chunks (images evaluated together), row bands (each with one
    extra row and column) and the preview pass that sets each field's range.
    """
    size = recipes[0]["size"]
    arch = recipes[0]["architecture"]
    dims = [3] + [arch["width"]] * len(arch["activations"]) + [arch["outputs"]]
    band = max(1, min(size, cppn.BAND_PIXELS // (size + 1)))
    budget = cppn.CHUNK_PIXELS if dev.type == "cuda" else cppn.CPU_CHUNK_PIXELS
    per_chunk = max(1, budget // ((band + 1) * (size + 1)))
    shapes: Shapes = []
    for start in range(0, len(recipes), per_chunk):
        batch = min(per_chunk, len(recipes) - start)
        rows = [(cppn.PREVIEW + 1) ** 2]
        rows += [(min(band, size - r0) + 1) * (size + 1) for r0 in range(0, size, band)]
        for n in rows:
            shapes += [(batch, n, a, b) for a, b in zip(dims, dims[1:], strict=False)]
    return shapes


def dcgan_shapes(params: dict, count: int) -> Shapes:
    """Return the GEMMs behind the DCGAN's transposed convolutions."""
    shapes: Shapes = []
    for start in range(0, count, dcgan.MAX_BATCH):
        batch = min(dcgan.MAX_BATCH, count - start)
        shapes += [(1, batch * r, k, c) for _, r, k, c in dcgan.layer_flops(params)]
    return shapes


def flops(shapes: Shapes) -> int:
    return sum(2 * b * r * k * c for b, r, k, c in shapes)


def matmul_time(shapes: Shapes, dev: torch.device, dtype: torch.dtype) -> float:
    """Time `shapes` as plain bmm/mm calls with preallocated operands."""
    operands = {}
    for b, r, k, c in set(shapes):
        x = torch.randn(b, r, k, device=dev, dtype=dtype)
        w = torch.randn(b, k, c, device=dev, dtype=dtype)
        out = torch.empty(b, r, c, device=dev, dtype=dtype)
        operands[(b, r, k, c)] = (x, w, out)

    def run() -> None:
        for shape in shapes:
            x, w, out = operands[shape]
            if shape[0] == 1:
                torch.mm(x[0], w[0], out=out[0])
            else:
                torch.bmm(x, w, out=out)

    run()  # warm up kernels and allocations
    return best_time(run, dev, 3)


def dense_gflops(dev: torch.device, dtype: torch.dtype, n: int) -> float:
    """Return the device's rate on one square n x n x n matrix multiply."""
    a = torch.randn(n, n, device=dev, dtype=dtype)
    b = torch.randn(n, n, device=dev, dtype=dtype)
    torch.mm(a, b)
    return 2 * n**3 / best_time(lambda: torch.mm(a, b), dev, 3) / 1e9


# -- learned generators, whatever their architecture -------------------------


@dataclass(frozen=True)
class Learned:
    """A learned generator to time, and the discriminator it trains against.

    `generator()` builds a module called as ``(z (B, nz), labels (B,) long)``
    that returns images (B, 3, size, size) in -1..1; `discriminator()` one
    called as ``(images, labels)`` that returns ``(logits (B,), recon)``,
    where recon is None, a tensor or a tuple of tensors.
    """

    name: str
    size: int
    nz: int
    generator: Callable[[], nn.Module]
    discriminator: Callable[[], nn.Module]


class Adapted(nn.Module):
    """Wrap `inner` so that calling it runs `call(inner, *args)`."""

    def __init__(self, inner: nn.Module, call: Callable[..., object]) -> None:
        super().__init__()
        self.inner, self.call = inner, call

    def forward(self, *args: Tensor) -> object:
        return self.call(self.inner, *args)


def dcgan_model(params: dict) -> Learned:
    """Return the DCGAN of `params`, adapted to the (z, labels) calls."""
    return Learned(
        "dcgan",
        params["size"],
        params["nz"],
        lambda: Adapted(
            dcgan.build_generator(params, seed=0),
            lambda g, z, labels: g(z[:, :, None, None]),
        ),
        lambda: Adapted(
            dcgan.build_discriminator(params, seed=1),
            lambda d, images, labels: (d(images), None),
        ),
    )


def learned_generators() -> list[Learned]:
    """Return the DCGAN and, when its module exists, the FastGAN."""
    models = [dcgan_model(dcgan.model_params(size=DCGAN_SIZE))]
    try:
        from generation import fastgan
    except ImportError:
        return models
    fast = fastgan.model_params(size=FASTGAN_SIZE)
    models.append(
        Learned(
            "fastgan",
            fast.get("size", FASTGAN_SIZE),
            fast["nz"],
            lambda: fastgan.build_generator(fast, seed=0),
            lambda: fastgan.build_discriminator(fast, seed=1),
        )
    )
    return models


def autocast(dev: torch.device) -> contextlib.AbstractContextManager:
    """Return bf16 autocast on CUDA; fp32 (no autocast) elsewhere."""
    if dev.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def count_flops(fn: Callable[[], object]) -> int:
    """Return the FLOPs torch counts in one call of `fn` (matmuls, convs)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def sampler(model: Learned, batch: int, dev: torch.device) -> Callable[[], Tensor]:
    """Return a call that samples `batch` images from a fresh generator."""
    g = model.generator().to(dev).eval()
    z = torch.randn(batch, model.nz, device=dev)
    labels = torch.zeros(batch, dtype=torch.long, device=dev)

    def sample() -> Tensor:
        with torch.no_grad(), autocast(dev):
            return g(z, labels)

    return sample


def recon_loss(recon: object) -> Tensor | float:
    """Return a stand-in loss over whatever reconstructions `recon` holds.

    Only its backward pass matters here: it makes the discriminator's
    decoders part of the step, as their real reconstruction loss would.
    """
    parts = recon if isinstance(recon, tuple | list) else [recon]
    tensors = [t for t in parts if isinstance(t, Tensor)]
    return sum((t.float().abs().mean() for t in tensors), 0.0)


def trainer(model: Learned, batch: int, dev: torch.device) -> Callable[[], None]:
    """Return a call that runs one GAN training step on `batch` images.

    A non-saturating loss: the discriminator steps on real and generated
    images, then the generator steps through the discriminator, each with
    Adam, as `generation.training` does.
    """
    g, d = model.generator().to(dev).train(), model.discriminator().to(dev).train()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 3, model.size, model.size, device=dev) * 2 - 1
    labels = torch.zeros(batch, dtype=torch.long, device=dev)

    def step() -> None:
        with torch.enable_grad():
            z = torch.randn(batch, model.nz, device=dev)
            with autocast(dev):
                fake = g(z, labels)
                real_logits, recon = d(real, labels)
                fake_logits, _ = d(fake.detach(), labels)
                loss_d = (
                    F.softplus(-real_logits.float()).mean()
                    + F.softplus(fake_logits.float()).mean()
                    + recon_loss(recon)
                )
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            with autocast(dev):
                loss_g = F.softplus(-d(fake, labels)[0].float()).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()

    return step


def learned_figures(model: Learned, batch: int, dev: torch.device) -> dict:
    """Return images/s and GFLOP/s of sampling and of a training step."""
    figures: dict = {"model": model.name, "size": model.size, "batch": batch}
    for kind, make in (("sample", sampler), ("train", trainer)):
        fn = make(model, batch, dev)
        fn()  # warm up kernels, allocations and Adam's state
        work = count_flops(fn)
        seconds = best_time(fn, dev, 3)
        figures[f"{kind}_ips"] = batch / seconds
        figures[f"{kind}_gflop_per_image"] = work / batch / 1e9
        figures[f"{kind}_gflops"] = work / seconds / 1e9
    return figures


# -- the run ------------------------------------------------------------------


def learned_table(
    dev: torch.device, batches: list[int], ceiling: float, quick: bool, budget: float
) -> list[dict]:
    """Print and return the figures of every learned generator and batch."""
    precision = "bf16 autocast" if dev.type == "cuda" else "fp32"
    print()
    print(f"learned generators ({precision}; of dense: against {ceiling:.1f} GFLOP/s)")
    print(
        f"{'model':<10}{'size':>6}{'batch':>7}{'sample img/s':>14}{'GFLOP/s':>9}"
        f"{'of dense':>10}{'train img/s':>13}{'GFLOP/img':>11}{'GFLOP/s':>9}"
        f"{'of dense':>10}"
    )
    rows = []
    for model in learned_generators():
        per_image = 0.0  # seconds a row takes per image, from the smallest batch
        for batch in sorted(batches):
            if quick and per_image * batch > budget:
                print(f"skipped {model.name} x {batch}: over the {budget:.0f}s budget")
                continue
            r = learned_figures(model, batch, dev)
            # A row makes at least five calls of each: warm-up, count, 3 timed.
            per_image = per_image or 5 * (1 / r["sample_ips"] + 1 / r["train_ips"])
            rows.append(r)
            print(
                f"{r['model']:<10}{r['size']:>6}{batch:>7}{r['sample_ips']:>14.1f}"
                f"{r['sample_gflops']:>9.1f}{r['sample_gflops'] / ceiling:>10.2f}"
                f"{r['train_ips']:>13.1f}{r['train_gflop_per_image']:>11.3f}"
                f"{r['train_gflops']:>9.1f}{r['train_gflops'] / ceiling:>10.2f}",
                flush=True,
            )
    return rows


def time_to_bar(epochs: int) -> None:
    """Train the shipped model's run for `epochs` and print when it met the bar.

    The run is `generation.shipped`'s (the CPPN corpus at 64 px, batch 16),
    measured every 10 epochs; the seconds are training time only.
    """
    from generation import gan_train, shipped

    cfg = gan_train.Config(**{**asdict(shipped.CONFIG), "epochs": epochs})
    out = tempfile.TemporaryDirectory(prefix="atelier-bar-")
    with out, torch.enable_grad():
        record = shipped.train(Path(out.name), config=cfg)
    print()
    print(f"time to the quality bar ({record['run']['device']}, {epochs} epochs):")
    for check in record["checks"]:
        verdict = "meets the bar" if not check["below_bar"] else "below"
        print(
            f"  epoch {check['epoch']:>4} ({check['seconds']:>7.1f} s): "
            f"KID {check['kid']:.4f}  c2st {check['c2st']:.3f}  "
            f"flat {check['flat_fraction']:.2f}  {verdict}"
        )
    first = record["first_at_bar"]
    print(
        f"first at the bar: epoch {first['epoch']} after {first['seconds']:.0f} s"
        if first
        else "did not reach the bar"
    )
    shipped_first = json.loads(shipped.RECORD.read_text())["first_at_bar"]
    if shipped_first:
        print(
            f"the shipped version: epoch {shipped_first['epoch']} after "
            f"{shipped_first['seconds']:.0f} s"
        )


def main() -> None:
    """Time every generator, size and batch named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: auto)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--quick",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="Skip slow combinations (default: on for a CPU).",
    )
    parser.add_argument("--budget", type=float, default=30.0, help="Seconds (quick).")
    parser.add_argument("--markdown", action="store_true", help="Print a table.")
    parser.add_argument(
        "--to-bar",
        type=int,
        metavar="EPOCHS",
        help="Only train the shipped model's run this long and print when it "
        "met the quality bar (about 10 s an epoch on 2 CPUs).",
    )
    args = parser.parse_args()
    if args.to_bar:
        time_to_bar(args.to_bar)
        return
    dev = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    quick = args.quick if args.quick is not None else dev.type == "cpu"
    torch.set_grad_enabled(False)

    scratch = tempfile.TemporaryDirectory(prefix="atelier-bench-")
    folder = Path(scratch.name)
    params = dcgan.model_params(size=DCGAN_SIZE)
    weights = folder / "generator.pt"
    dcgan.save_generator(dcgan.build_generator(params, seed=0).eval(), weights)
    half = dev.type == "cuda"  # dcgan.render runs fp16 (autocast) on CUDA

    def recipes_for(generator: str, size: int, count: int) -> list[dict]:
        if generator == "dcgan":
            return [
                dcgan.make_recipe(
                    name="bench",
                    version="0",
                    weights=str(weights),
                    params=params,
                    seed=s,
                    size=size,
                )
                for s in range(count)
            ]
        style = generator.removeprefix("cppn/").removesuffix(COMPILED)
        return [cppn.make_recipe(style=style, seed=s, size=size) for s in range(count)]

    def render(generator: str, recipes: list[dict]) -> list:
        if generator == "dcgan":
            return dcgan.render(recipes, device=dev)
        cppn.use_compiled(generator.endswith(COMPILED))
        return cppn.render(recipes, device=dev)

    def shapes_for(generator: str, recipes: list[dict]) -> Shapes:
        if generator == "dcgan":
            return dcgan_shapes(params, len(recipes))
        return cppn_shapes(recipes, dev)

    print(f"device: {dev} ({device_name(dev)}); torch {torch.__version__}")
    print(f"load average at start: {load()}")
    dense32 = ceiling = dense_gflops(dev, torch.float32, 2048)
    print(f"dense fp32 mm 2048^3: {dense32:.1f} GFLOP/s")
    if half:
        dense16 = dense_gflops(dev, torch.float16, 2048)
        print(f"dense fp16 mm 2048^3: {dense16:.1f} GFLOP/s")
        big = 8192  # 2048^3 is too small to fill a large GPU
        ceiling = dense_gflops(dev, torch.bfloat16, big)  # learned nets: autocast
        print(f"dense bf16 mm {big}^3: {ceiling:.1f} GFLOP/s")
    header = (
        f"{'generator':<28}{'size':>6}{'batch':>7}{'img/s':>9}{'GFLOP/img':>11}"
        f"{'gen GFLOP/s':>13}{'mm GFLOP/s':>12}{'gen/mm':>8}"
    )
    print(header)
    rows, skipped = [], []
    generators = [f"cppn/{s}{mode}" for s in CPPN_STYLES for mode in ("", COMPILED)]
    generators.append("dcgan")
    for generator in generators:
        for size in args.sizes:
            render(generator, recipes_for(generator, size, 1))  # warm up, compile
            per_image = best_time(
                lambda g=generator, s=size: render(g, recipes_for(g, s, 1)), dev, 1
            )
            for batch in args.batches:
                estimate = per_image * batch
                if quick and estimate > args.budget:
                    skipped.append((generator, size, batch, estimate))
                    continue
                recipes = recipes_for(generator, size, batch)
                if generator.endswith(COMPILED):
                    render(generator, recipes)  # a batch shape may add a graph
                runs = 1 if estimate > 5 else 3
                seconds = best_time(
                    lambda g=generator, r=recipes: render(g, r), dev, runs
                )
                shapes = shapes_for(generator, recipes)
                dtype = (
                    torch.float16 if half and generator == "dcgan" else torch.float32
                )
                mm_seconds = matmul_time(shapes, dev, dtype)
                work = flops(shapes)
                row = {
                    "generator": generator,
                    "size": size,
                    "batch": batch,
                    "ips": batch / seconds,
                    "gflop_per_image": work / batch / 1e9,
                    "gen": work / seconds / 1e9,
                    "mm": work / mm_seconds / 1e9,
                }
                row["ratio"] = row["gen"] / row["mm"]
                rows.append(row)
                print(
                    f"{generator:<28}{size:>6}{batch:>7}{row['ips']:>9.2f}"
                    f"{row['gflop_per_image']:>11.3f}{row['gen']:>13.2f}"
                    f"{row['mm']:>12.2f}{row['ratio']:>8.2f}",
                    flush=True,
                )
    if quick and not skipped:
        print(
            f"skipped: nothing (every combination fits the {args.budget:.0f}s budget)"
        )
    for generator, size, batch, estimate in skipped:
        print(
            f"skipped {generator} {size}px x {batch}: about {estimate:.0f}s "
            f"(over the {args.budget:.0f}s budget; --no-quick runs it)"
        )
    cppn.use_compiled(None)
    learned = learned_table(dev, args.batches, ceiling, quick, args.budget)
    print(f"load average at end: {load()}")
    scratch.cleanup()
    if args.markdown:
        print()
        print(
            "| generator | size | batch | images/s | GFLOP/image "
            "| generation GFLOP/s | matmul GFLOP/s | ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r['generator']} | {r['size']} | {r['batch']} | {r['ips']:.2f} "
                f"| {r['gflop_per_image']:.3f} | {r['gen']:.2f} | {r['mm']:.2f} "
                f"| {r['ratio']:.2f} |"
            )
        print()
        print(
            "| model | size | batch | sample images/s | sample GFLOP/s | of dense "
            "| train images/s | train GFLOP/image | train GFLOP/s | of dense |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in learned:
            print(
                f"| {r['model']} | {r['size']} | {r['batch']} "
                f"| {r['sample_ips']:.1f} | {r['sample_gflops']:.1f} "
                f"| {r['sample_gflops'] / ceiling:.2f} | {r['train_ips']:.1f} "
                f"| {r['train_gflop_per_image']:.3f} | {r['train_gflops']:.1f} "
                f"| {r['train_gflops'] / ceiling:.2f} |"
            )


if __name__ == "__main__":
    main()
