"""Rounds of timed calls: client process (CPU) time and wall time per call, median with min and max.

Contenders run round-robin (round 1 of each, then round 2 of each, ...) so that a noisy neighbour slows them alike
and the ratios between them hold.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Figure", "Sample", "Stat", "interleaved", "sample"]


@dataclass(frozen=True)
class Sample:
    """One round: seconds per call."""

    cpu: float
    wall: float


@dataclass(frozen=True)
class Stat:
    """Microseconds per call over the rounds."""

    median: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Stat:
        micros = [value * 1e6 for value in seconds]
        return cls(statistics.median(micros), min(micros), max(micros))

    def as_dict(self) -> dict[str, float]:
        return {"median": round(self.median, 2), "min": round(self.minimum, 2), "max": round(self.maximum, 2)}


@dataclass(frozen=True)
class Figure:
    """A contender's (or a component's) cost per call."""

    cpu: Stat
    wall: Stat
    rounds: int
    calls_per_round: int
    samples: tuple[Sample, ...]

    @classmethod
    def of(cls, samples: Sequence[Sample], calls_per_round: int) -> Figure:
        return cls(
            Stat.of([s.cpu for s in samples]),
            Stat.of([s.wall for s in samples]),
            len(samples),
            calls_per_round,
            tuple(samples),
        )

    def cpu_ratio(self, other: Figure) -> float:
        """Median over rounds of this round's CPU per call / the other's in the same round (paired: on a noisy
        machine, neighbouring rounds share the noise, so the ratio is steadier than a ratio of medians)."""
        return statistics.median(self.cpu_ratios(other))

    def cpu_ratios(self, other: Figure) -> list[float]:
        """This round's CPU per call / the other's in the same round, for every round."""
        return [mine.cpu / theirs.cpu for mine, theirs in zip(self.samples, other.samples, strict=True)]

    def cpu_minus(self, other: Figure) -> float:
        """Median over rounds of this round's CPU per call minus the other's in the same round, in microseconds."""
        return statistics.median(
            (mine.cpu - theirs.cpu) * 1e6 for mine, theirs in zip(self.samples, other.samples, strict=True)
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "cpu_us": self.cpu.as_dict(),
            "wall_us": self.wall.as_dict(),
            "rounds": self.rounds,
            "calls_per_round": self.calls_per_round,
            "cpu_us_per_round": [round(s.cpu * 1e6, 2) for s in self.samples],
        }


def sample(run: Callable[[int], object], calls: int) -> Sample:
    """Time `run(calls)` once, after a collection so that no earlier garbage is charged to it."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    run(calls)
    return Sample((time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls)


def _nothing(_: str) -> None:
    """No bookkeeping around a round."""


def interleaved(
    runs: Mapping[str, Callable[[int], object]],
    calls: Mapping[str, int],
    rounds: int,
    warmup: int,
    *,
    before: Callable[[str], None] = _nothing,
    after: Callable[[str], None] = _nothing,
) -> dict[str, Figure]:
    """Warm each contender up, then time `rounds` rounds of each, round-robin.

    `before(name)` and `after(name)` run around every warm-up and round, outside the timed region.
    """
    for name, run in runs.items():
        before(name)
        run(min(warmup, calls[name]))
        after(name)
    samples: dict[str, list[Sample]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            before(name)
            samples[name].append(sample(run, calls[name]))
            after(name)
    return {name: Figure.of(found, calls[name]) for name, found in samples.items()}
