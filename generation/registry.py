"""What generators exist, readable without importing torch.

Web processes validate recipes against this module; `generation.cppn` holds
the styles themselves, and a test keeps the two lists equal.
"""

CPPN = "cppn"
CPPN_VERSION = "1"
CPPN_STYLES = (
    "ink",
    "marble",
    "nebula",
    "neon",
    "riso",
    "stained-glass",
    "topographic",
    "watercolour",
)
