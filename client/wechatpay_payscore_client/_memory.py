"""The client's memory of orders whose outcome is in doubt, so that a later `ORDER_DONE` reads "already synced".

Written ahead: an order is marked before each attempt leaves, and cleared only by an answer that settles it. So
whatever ends a call — a lost answer, a cancellation, `KeyboardInterrupt` during a send, a read or a retry wait —
the doubt is kept. It is a hint that dies with the process; a query of the order (reconciliation) is the evidence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["OrderMemory"]


class OrderMemory:
    """Bounded (oldest forgotten first) and thread-safe: one client may serve many threads and tasks."""

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._in_doubt: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._in_doubt)

    def in_doubt(self, order: str) -> bool:
        if not self._in_doubt:  # the common case, without taking the lock
            return False
        with self._lock:
            return order in self._in_doubt

    def mark(self, order: str) -> None:
        with self._lock:
            self._in_doubt[order] = None
            self._in_doubt.move_to_end(order)
            while len(self._in_doubt) > self._capacity:
                self._in_doubt.popitem(last=False)

    def clear(self, order: str) -> None:
        if not self._in_doubt:
            return
        with self._lock:
            self._in_doubt.pop(order, None)
