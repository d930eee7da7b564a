"""What the per-statement exporters share: hit/miss counts of the build cache."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CacheStats:
    """How many outputs were read back from the build cache (hits) and how many were made."""

    hits: int = 0
    misses: int = 0
