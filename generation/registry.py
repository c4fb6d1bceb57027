"""What generators exist, readable without importing torch.

Web processes validate recipes against this module; the style presets live
in `generation.palettes`, which the painter (`generation.cppn`) uses too.
"""

from .palettes import STYLES

CPPN = "cppn"
CPPN_VERSION = "1"
CPPN_STYLES = tuple(sorted(STYLES))
