"""Building the exporters' indexes without the cyclic garbage collector."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while indexes of the release are built: they are hundreds of
    thousands of small lists and dicts without cycles, which it would scan again and again as
    they grow (two to five times the time of building them) and never free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
