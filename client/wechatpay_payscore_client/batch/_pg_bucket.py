"""The group's rate bucket: one row of the journal that every worker takes its tokens from, one statement per token.

Rule (issue 20: "one rate for the merchant, whatever the number of workers"): every request of the group, syncs and
queries alike, takes a token first. The row keeps what `Pacer` keeps for one process, now for all of them:

- a depth-1 token bucket (`next_slot`): grants are spaced by 1/rate, so no window of T seconds holds more than
  T x rate + 1 of them, whatever the number of takers (liberapay's one-statement upsert, §3.1 of the scale-out notes:
  the row lock makes concurrent takers queue, and each re-reads the row its predecessor wrote);
- a group pause: a `429` seen by any worker pauses every worker until its `Retry-After` (at most 300 s; a later
  one extends the pause), or for an exponential backoff (1 s, 2 s, ... 60 s) when it sent none; and it halves the
  rate (down to a 32nd of the ceiling) and doubles the backoff once per pause, since the 429s answering requests
  that left before the pause are the same episode (one process's `Pacer` counts each of them);
- the climb back: each answer that was not a 429 adds a twentieth of the ceiling, up to it (AIMD, as `Pacer`).

The ceiling is the rate of the latest worker to open the bucket (the same `--rate` everywhere is the expected use); a
bucket whose rate was lowered by a 429 stays lowered when another worker joins. Times are the database's clock.
"""

from __future__ import annotations

import math
from typing import Final

from ._journal import JournalError
from ._pg_connect import Session
from ._pg_group import BucketState, Take
from ._pg_sql import Statements

__all__ = ["GroupBucket"]

_BACKOFF_MAX_S: Final = 60.0  # as `Pacer`
_RETRY_AFTER_MAX_S: Final = 300.0  # as `Pacer`: a longer Retry-After would make the batch look hung


class GroupBucket:
    """The bucket `name` of a journal, on its own connection: `take()` before each request, then report its answer."""

    def __init__(self, session: Session, statements: Statements, *, name: str, rate: float | None) -> None:
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"rate must be a finite number > 0 of requests per second (or None), got {rate!r}")
        if not name:
            raise ValueError("a bucket needs a name")
        self.name = name
        self._session = session
        self._sql = statements
        with session.use("open the rate bucket in") as connection:
            connection.execute(statements.open_bucket, {"name": name, "rate": rate})

    def take(self) -> Take:
        """One token now (`granted`), or how long to wait before asking again (`wait`, seconds)."""
        with self._session.use("take a token from the rate bucket in") as connection:
            row = connection.execute(self._sql.take, {"name": self.name}).fetchone()
        if row is None:
            raise JournalError(f"the rate bucket {self.name!r} is gone from {self._session.where}")
        granted = bool(row[0])
        return Take(granted=granted, wait=0.0 if granted else float(row[2]), at=row[1])

    def rate_limited(self, retry_after: float | None) -> float:
        """A 429 arrived: pause the group and halve its rate (once per pause); the seconds of pause left."""
        if retry_after is not None and not (math.isfinite(retry_after) and retry_after > 0):
            retry_after = None  # no usable Retry-After: the backoff decides
        params = {
            "name": self.name,
            "retry_after": retry_after,
            "max_pause": _RETRY_AFTER_MAX_S,
            "max_backoff": _BACKOFF_MAX_S,
        }
        with self._session.use("pause the rate bucket in") as connection:
            row = connection.execute(self._sql.rate_limited, params).fetchone()
        if row is None:
            raise JournalError(f"the rate bucket {self.name!r} is gone from {self._session.where}")
        return float(row[0])

    def succeeded(self) -> None:
        """An answer that was not a 429: let the group's rate climb back towards the ceiling."""
        with self._session.use("update the rate bucket in") as connection:
            connection.execute(self._sql.succeeded, {"name": self.name})

    def state(self) -> BucketState:
        with self._session.use("read the rate bucket in") as connection:
            row = connection.execute(self._sql.bucket_state, {"name": self.name}).fetchone()
        if row is None:
            raise JournalError(f"the rate bucket {self.name!r} is gone from {self._session.where}")
        return BucketState(ceiling=row[0], rate=row[1], paused_for=float(row[2]), grants=row[3], rate_limited=row[4])

    def close(self) -> None:
        self._session.close()
