"""The batch commands' exit statuses (`sync-batch`, `batch-report`): one table a script can rely on."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum

from ._outcome import Outcome

__all__ = ["BatchExit", "exit_for"]


class BatchExit(IntEnum):
    """What `sync-batch`'s exit status tells a script."""

    ALL_SETTLED = 0  # every order synced, or confirmed done
    BAD_CONFIGURATION = 2  # bad flags or configuration, an input or journal that cannot be read: nothing was sent
    SOME_REFUSED_OR_INVALID = 3  # some orders were refused or invalid; none is unresolved
    SOME_UNRESOLVED = 5  # some orders' outcome could not be established: run the same command again
    INTERRUPTED = 130  # Ctrl-C: run the same command again to finish (in-flight orders are queried first)


def exit_for(counts: Mapping[str, int], *, unfinished: int = 0) -> BatchExit:
    """The status that outcome counts (or a day's counts, with its orders not yet final) stand for: every command's
    one table (unresolved or unfinished 5, then refused or invalid 3, else 0)."""
    if unfinished or counts.get(str(Outcome.UNRESOLVED), 0):
        return BatchExit.SOME_UNRESOLVED
    if counts.get(str(Outcome.REFUSED), 0) or counts.get(str(Outcome.INVALID), 0):
        return BatchExit.SOME_REFUSED_OR_INVALID
    return BatchExit.ALL_SETTLED
