"""What generators exist, readable without importing torch.

Web processes validate recipes against this module; the style presets live
in `generation.palettes`, which the painter (`generation.cppn`) uses too.
"""

from generation.palettes import STYLES

CPPN = "cppn"
CPPN_VERSION = "1"
CPPN_STYLES = tuple(sorted(STYLES))

# Trained checkpoints (`generation.dcgan`): the sizes the network is built for.
DCGAN = "dcgan"
DCGAN_SIZES = (16, 32, 64, 128)
# The data-efficient GAN (`generation.fastgan`), conditional on style.
FASTGAN = "fastgan"
FASTGAN_SIZES = (32, 64, 128, 256)
ARCHITECTURES = (FASTGAN, DCGAN)


def split_choice(value: str) -> tuple[str, str]:
    """Return (name, version) from a ``NAME@VERSION`` choice such as ``cppn@1``.

    A bare name means the CPPN painter's version for ``cppn`` and raises
    `ValueError` for any other name, whose version must be spelled out.
    """
    name, sep, version = value.strip().partition("@")
    if not sep:
        if name != CPPN:
            raise ValueError(f"Name the version too, as in {name}@1.")
        version = CPPN_VERSION
    if not name or not version:
        raise ValueError(f"“{value}” is not of the form NAME@VERSION.")
    return name, version
