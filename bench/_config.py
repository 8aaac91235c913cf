"""How much to measure: the full run (`make bench`, about a minute) or `BENCH_QUICK=1` (a smoke run of seconds)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

__all__ = ["CONCURRENCY", "Sizes", "sizes_from_env"]

CONCURRENCY = 50


@dataclass(frozen=True)
class Sizes:
    quick: bool
    rounds: int
    warmup: int
    floor_calls: int
    sync_calls: int
    async_calls: int
    peer_calls: int
    family_calls: int  # each of create and complete, and each of their floors
    notification_calls: int  # per round, each of open_event and its floor (in process)
    split_rounds: int
    split_calls: int
    import_rounds: int
    memory_calls: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


FULL = Sizes(
    quick=False,
    rounds=9,
    warmup=100,
    floor_calls=600,
    sync_calls=600,
    async_calls=500,
    peer_calls=300,
    family_calls=400,
    notification_calls=1000,
    split_rounds=15,
    split_calls=300,
    import_rounds=7,
    memory_calls=20_000,
)

QUICK = Sizes(
    quick=True,
    rounds=2,
    warmup=5,
    floor_calls=20,
    sync_calls=20,
    async_calls=CONCURRENCY * 2,
    peer_calls=10,
    family_calls=10,
    notification_calls=20,
    split_rounds=2,
    split_calls=20,
    import_rounds=1,
    memory_calls=200,
)


def sizes_from_env() -> Sizes:
    return QUICK if os.environ.get("BENCH_QUICK", "") not in ("", "0") else FULL
