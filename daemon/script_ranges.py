"""Which scripts are written without spaces between words (Chinese, Japanese, Thai...).

Copy detection, fact sampling and story grouping all tokenise such text per character; the ranges
are data (data/scripts.toml), read once here so every reader splits the same way.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def unsegmented_script() -> re.Pattern[str]:
    """A character class of the scripts tokenised per character, read from data/scripts.toml."""
    data = tomllib.loads((Path(__file__).parent / "data" / "scripts.toml").read_text("utf-8"))
    ranges = "".join(f"\\U{int(lo, 16):08x}-\\U{int(hi, 16):08x}" for lo, hi in data["unsegmented"])
    return re.compile(f"[{ranges}]")
