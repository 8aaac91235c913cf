"""Resident memory growth of the ready client over many calls (Linux `/proc/self/statm`; else peak RSS)."""

from __future__ import annotations

import gc
import os
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MemoryGrowth", "measure_growth", "rss_bytes"]

_STATM = Path("/proc/self/statm")


def rss_bytes() -> int:
    """Current resident set size; where /proc is missing, the peak (an upper bound on growth)."""
    if _STATM.exists():
        return int(_STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


@dataclass(frozen=True)
class MemoryGrowth:
    calls: int
    before: int
    after: int

    @property
    def growth(self) -> int:
        return self.after - self.before

    def as_dict(self) -> dict[str, int]:
        return {"calls": self.calls, "rss_before": self.before, "rss_after": self.after, "growth": self.growth}


def measure_growth(run: Callable[[int], object], calls: int, warmup: int) -> MemoryGrowth:
    """RSS after `warmup` calls and again after `calls` more, each after a full collection."""
    run(warmup)
    gc.collect()
    before = rss_bytes()
    run(calls)
    gc.collect()
    return MemoryGrowth(calls, before, rss_bytes())
