"""Ctrl-C and SIGTERM during a batch: the first stops taking orders, the second stops at once.

Both runners keep the journal consistent either way (`BatchRunner.stop` / `abort`, `GroupRunner.stop` / `abort`);
this only turns the signals into those calls, and says on standard error what each press does.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from typing import IO, Protocol

__all__ = ["Stoppable", "interrupts"]


class Stoppable(Protocol):
    def stop(self) -> None: ...
    def abort(self) -> None: ...


@contextlib.contextmanager
def interrupts(runner: Stoppable, err: IO[str], *, first: str, second: str) -> Iterator[None]:
    """While inside: the first SIGINT or SIGTERM calls `runner.stop()` and prints `first`; the next, `abort()`
    and `second`. Installed on the running loop only where it can be (the main thread)."""
    loop = asyncio.get_running_loop()
    presses = 0

    def pressed() -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            err.write(f"\nsync-batch: {first}\n")
            runner.stop()
        else:
            err.write(f"\nsync-batch: {second}\n")
            runner.abort()
        err.flush()

    installed = []
    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(number, pressed)
            installed.append(number)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such signal here
            pass
    try:
        yield
    finally:
        for number in installed:
            loop.remove_signal_handler(number)
