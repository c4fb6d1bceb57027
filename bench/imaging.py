"""Time and peak memory of the imaging worker's variants against libvips.

Generates two inputs in a temporary folder: a 12 MP photo-like JPEG
(4000×3000: smooth colour fields, edges and fine grain, quality 90) and a
40 MP PNG (8000×5000, the upload limit: CPPN-like art with gradients and
texture, under the 20 MB upload limit). For each, two sides make the same
variants the worker stores: the 1280 px WebP (quality 85), the 480 px WebP
thumbnail (quality 80), the difference hash and the palette.

* **worker** runs `art_tasks.imaging.make_variants` on an open file, as
  `process_submission` does (with ``--engine pillow`` the worker is forced
  onto its Pillow fallback, as on a host where pyvips cannot load);
* **libvips** is the peer: pyvips's `thumbnail` from the file path (shrink
  on load, sequential access), the thumbnail made from the web size, WebP
  saved with effort 4 and no metadata.

Each run is a fresh child process, so its peak RSS (``VmHWM``, read by the
child at its end) is that side's alone; time is the pipeline only (imports done),
best of 5 (the two sides' runs interleaved); memory is the highest
peak of the 5. The baseline column is the
peak RSS of a child that imported the same modules and did nothing, so the
growth is visible apart from the interpreter. Targets (issue 10): time
≤ 1.1× and peak memory ≤ 1.5× libvips's.

    .venv/bin/python bench/imaging.py [--engine auto|pillow] [--runs 5]

`rows()` returns the same figures as dicts for `bench/scale.py`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIME_TARGET = 1.1
MEMORY_TARGET = 1.5

INPUTS = {
    "12 MP JPEG": ("photo.jpg", (4000, 3000)),
    "40 MP PNG": ("art.png", (8000, 5000)),
}


# Inputs -----------------------------------------------------------------------


def _field(width: int, y0: int, y1: int, height: int, seed: int):
    """Rows y0..y1 of a CPPN-like colour field (float32, 0..1, shape h×w×3)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.normal(0, 1, (3, 6)).astype(np.float32)
    x = np.linspace(-1.5, 1.5, width, dtype=np.float32)[None, :]
    y = np.linspace(-1, 1, height, dtype=np.float32)[y0:y1, None]
    r = np.sqrt(x * x + y * y)
    basis = [
        np.sin(3.1 * x + 1.7 * y),
        np.cos(5.3 * r),
        np.sin(9.0 * x * y),
        np.tanh(2.0 * (x - y)),
        np.sin(23.0 * r + 4.0 * x),
        np.cos(41.0 * x) * np.sin(37.0 * y),
    ]
    out = np.empty((y1 - y0, width, 3), dtype=np.float32)
    for c in range(3):
        acc = sum(weights[c, k] * basis[k] for k in range(len(basis)))
        out[..., c] = 0.5 + 0.5 * np.tanh(acc)
    return out


def make_inputs(folder: Path) -> dict[str, Path]:
    """Write the two test images into `folder`; return {label: path}."""
    import numpy as np
    from PIL import Image

    paths = {}
    for label, (name, (width, height)) in INPUTS.items():
        path = folder / name
        rgb = np.empty((height, width, 3), dtype=np.uint8)
        rng = np.random.default_rng(7)
        band = 500
        for y0 in range(0, height, band):
            y1 = min(height, y0 + band)
            field = _field(width, y0, y1, height, seed=3)
            if name.endswith(".jpg"):
                # Photo-like: sensor grain everywhere.
                field += rng.normal(0, 0.035, field.shape).astype(np.float32)
            else:
                # Art-like: a faint texture, so the PNG stays under 20 MB.
                field += (rng.random(field.shape[:2], dtype=np.float32) < 0.02)[
                    ..., None
                ] * np.float32(0.08)
            rgb[y0:y1] = (np.clip(field, 0, 1) * 255 + 0.5).astype(np.uint8)
        image = Image.fromarray(rgb, "RGB")
        if name.endswith(".jpg"):
            image.save(path, format="JPEG", quality=90)
        else:
            image.save(path, format="PNG", compress_level=6)
        del image, rgb
        paths[label] = path
    return paths


# Children ---------------------------------------------------------------------

CHILD = r"""
import json, sys, time
side, engine, path, work = sys.argv[1:5]
sys.path.insert(0, {root!r})
if side == "worker":
    if engine == "pillow":
        sys.modules["pyvips"] = None  # as on a host where pyvips cannot load
    from art_tasks import imaging
    def run():
        with open(path, "rb") as fh:
            v = imaging.make_variants(fh)
        return getattr(v, "engine", "pillow"), len(v.web), len(v.thumbnail)
else:
    import pyvips
    from PIL import Image
    from art_tasks.imaging import difference_hash, dominant_palette
    def run():
        web = pyvips.Image.thumbnail(path, 1280, size="down")
        web = web.copy_memory()
        thumb = web.thumbnail_image(480, size="down")
        web_bytes = web.webpsave_buffer(Q=85, effort=4, keep="none")
        thumb_bytes = thumb.webpsave_buffer(Q=80, effort=4, keep="none")
        small = Image.frombuffer(
            "RGB" if thumb.bands == 3 else "RGBA",
            (thumb.width, thumb.height), thumb.write_to_memory(), "raw",
        )
        difference_hash(small), dominant_palette(small)
        return "libvips", len(web_bytes), len(thumb_bytes)
if work == "1":
    t0 = time.perf_counter()
    engine_used, web, thumb = run()
    took = time.perf_counter() - t0
else:
    engine_used, web, thumb, took = "", 0, 0, 0.0
# VmHWM: this process's peak RSS since exec (ru_maxrss would carry the
# parent's peak over the fork).
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({{"seconds": took, "engine": engine_used, "web": web,
                  "thumb": thumb, "peak_kb": int(hwm.split()[1])}}))
"""


def _child(side: str, engine: str, path: Path, *, work: bool) -> dict:
    code = CHILD.format(root=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, side, engine, str(path), "1" if work else "0"],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{side} child failed on {path.name}")
    result = json.loads(out)
    result["peak_mb"] = result["peak_kb"] / 1024
    return result


def measure(path: Path, engine: str, runs: int) -> dict[str, dict]:
    """Both sides on `path`, runs interleaved so load on the machine hits both."""
    results = {"worker": [], "libvips": []}
    for _ in range(runs):
        for side in results:
            results[side].append(_child(side, engine, path, work=True))
    out = {}
    for side, runs_of_side in results.items():
        out[side] = {
            "seconds": min(r["seconds"] for r in runs_of_side),
            "peak_mb": max(r["peak_mb"] for r in runs_of_side),
            "baseline_mb": _child(side, engine, path, work=False)["peak_mb"],
            "engine": runs_of_side[0]["engine"],
        }
    return out


def rows(*, engine: str = "auto", runs: int = 5, folder: Path | None = None):
    """Measure both inputs; one dict per (input, figure) with its target.

    Each dict: ``what``, ``worker``, ``peer`` (libvips), ``unit``,
    ``ratio`` (worker / peer), ``target`` (the most the ratio may be),
    ``ok`` and ``note`` (the worker's engine and the growth over baseline).
    """
    with tempfile.TemporaryDirectory(prefix="atelier-imaging-") as tmp:
        paths = make_inputs(Path(folder or tmp))
        out = []
        for label, path in paths.items():
            size_mb = path.stat().st_size / 1e6
            sides = measure(path, engine, runs)
            worker, peer = sides["worker"], sides["libvips"]
            time_ratio = worker["seconds"] / peer["seconds"]
            mem_ratio = worker["peak_mb"] / peer["peak_mb"]
            growth = (
                f"growth over idle {worker['peak_mb'] - worker['baseline_mb']:.0f}"
                f" vs {peer['peak_mb'] - peer['baseline_mb']:.0f} MB"
            )
            note = f"worker engine {worker['engine']}; {size_mb:.1f} MB file"
            out.append(
                {
                    "what": f"image variants, {label}: time",
                    "worker": worker["seconds"],
                    "peer": peer["seconds"],
                    "unit": "s",
                    "ratio": time_ratio,
                    "target": TIME_TARGET,
                    "ok": time_ratio <= TIME_TARGET,
                    "note": note,
                }
            )
            out.append(
                {
                    "what": f"image variants, {label}: peak RSS",
                    "worker": worker["peak_mb"],
                    "peer": peer["peak_mb"],
                    "unit": "MB",
                    "ratio": mem_ratio,
                    "target": MEMORY_TARGET,
                    "ok": mem_ratio <= MEMORY_TARGET,
                    "note": growth,
                }
            )
        return out


def print_rows(table: list[dict]) -> None:
    print(
        f"{'figure':<38} {'worker':>9} {'libvips':>9} {'ratio':>6} "
        f"{'target':>7}  ok  note"
    )
    for row in table:
        print(
            f"{row['what']:<38} {row['worker']:>8.2f}{row['unit'][0]:<1} "
            f"{row['peer']:>8.2f}{row['unit'][0]:<1} {row['ratio']:>5.2f}× "
            f"≤{row['target']:>4.1f}×  {'yes' if row['ok'] else 'NO ':<3} "
            f"{row['note']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["auto", "pillow"], default="auto")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print_rows(rows(engine=args.engine, runs=args.runs))


if __name__ == "__main__":
    main()
