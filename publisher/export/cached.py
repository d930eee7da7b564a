"""What the per-statement exporters share: hit/miss counts of the build cache."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CacheStats:
    """How many outputs were read back from the build cache (hits) and how many were made."""

    hits: int = 0
    misses: int = 0
    #: the outputs made (statement slugs, page paths), in the order they were written
    missed: list[str] = field(default_factory=list)
