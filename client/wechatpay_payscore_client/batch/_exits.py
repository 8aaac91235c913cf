"""The batch commands' exit statuses (`sync-batch`, `batch-report`): one table a script can rely on."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["BatchExit"]


class BatchExit(IntEnum):
    """What `sync-batch`'s exit status tells a script."""

    ALL_SETTLED = 0  # every order synced, or confirmed done
    BAD_CONFIGURATION = 2  # bad flags or configuration, an input or journal that cannot be read: nothing was sent
    SOME_REFUSED_OR_INVALID = 3  # some orders were refused or invalid; none is unresolved
    SOME_UNRESOLVED = 5  # some orders' outcome could not be established: run the same command again
    INTERRUPTED = 130  # Ctrl-C: run the same command again to finish (in-flight orders are queried first)
