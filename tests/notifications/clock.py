"""A clock the test moves by hand (Unix seconds), for the stores' leases and retention."""

from __future__ import annotations

import threading


class Clock:
    def __init__(self, now: float = 1_924_391_410.0) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
