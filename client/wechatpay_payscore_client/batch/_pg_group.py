"""Several workers, one journal: what a shared journal adds to the `Journal` protocol, and the values it exchanges.

`Journal` assumes one owner (one process, calls from one thread, blind last-writer-wins writes, `SENDING` read as
"the owner died"). `GroupJournal` adds what a group of workers on several hosts needs to settle one day together,
and keeps the journal's write-ahead rule across them:

- **Load** the day's orders once: all or nothing, idempotent (two loaders of the same file load it once); an order the
  journal already holds with a different request is reported (`LoadResult.differing`), never overwritten.
- **Claim** orders in batches: open orders nobody holds, or whose lease expired. A claim is a lease: owner, expiry
  (by the database's clock) and a fencing token (`Lease.claim`, the order's claim count, +1 at every claim). An
  order claimed in phase `SENDING` or `IN_DOUBT` (its previous holder may have sent it) comes back with
  `query_first`: the taker queries before anything is sent.
- **Write only while holding** (River's "set state if still running"): `write_held` applies an order's changes only
  if the order's lease is still the caller's (same owner, same claim), and reports per order whether it applied
  (`Held`). A stale worker, whose order was taken over, changes nothing.
- **The send fence**: a change whose event is `SEND` (the intent, written before the request leaves) applies only
  while the lease is live, and only from `PENDING` or `RETRY`: an order whose last attempt may have left is queried
  first, by any worker. Recording the intent of a request (a send, a query) renews the lease for a full term, so
  the request has a whole lease (far longer than the request timeout) before anyone may take the order; a final
  record releases the order.
- **Heartbeat** renews live leases; a lease that expired is not renewed (its worker must stop sending those orders:
  it fences itself). **Release** gives orders back at once.

What no lease can close: a worker that stalls after recording its intent for longer than the whole lease, then sends.
The taker's query, and WeChat Pay answering a second sync of a settled order with `ORDER_DONE`, make the day converge.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from ._journal import Journal, JournalEvent, OrderRecord, Phase

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "Bucket",
    "BucketState",
    "ClaimEntry",
    "Claimed",
    "GroupJournal",
    "Held",
    "Lease",
    "LoadConflict",
    "LoadResult",
    "Take",
]

# Far above the client's default request timeout (10 s) and a heartbeat every third of it: a worker alive and
# connected never loses its orders, and a dead one's are taken over within two minutes.
DEFAULT_LEASE_SECONDS = 120.0

QUERY_FIRST_PHASES = frozenset({Phase.SENDING, Phase.IN_DOUBT})


@attrs.frozen(kw_only=True)
class Lease:
    """A worker's hold on one order: valid while the order's owner and claim number are still these."""

    out_order_no: str
    worker: str
    claim: int  # the fencing token: the order's claim count when this lease was granted
    until: datetime.datetime  # by the database's clock


@attrs.frozen(kw_only=True)
class Claimed:
    """One order handed to a worker by `claim`: its record as the journal holds it, and the lease on it."""

    record: OrderRecord
    lease: Lease
    taken_from: str | None = None  # the worker whose lease had expired, when this is a take-over

    @property
    def query_first(self) -> bool:
        """The order's last attempt may have left (its phase is SENDING or IN_DOUBT): query before any send."""
        return self.record.phase in QUERY_FIRST_PHASES


@attrs.frozen(kw_only=True)
class ClaimEntry:
    """One claim as the journal logged it: which worker took which order, from whom, in which phase."""

    out_order_no: str
    claim: int
    worker: str
    taken_from: str | None
    phase: Phase


class Held(enum.StrEnum):
    """What `write_held` did with one order's changes (all of them, or none)."""

    APPLIED = "applied"
    NOT_HELD = "not_held"  # fenced out: the order was taken over or released; nothing written
    LEASE_EXPIRED = "lease_expired"  # a request (send, query) was to be recorded on a lapsed lease: do not send it
    QUERY_FIRST = "query_first"  # a send of an order whose last attempt may have left: it must be queried first


@attrs.frozen(kw_only=True)
class LoadConflict:
    """An order of the input that the journal already holds with another request: reported, not loaded, not sent."""

    out_order_no: str
    line: int | None
    given: Mapping[str, str]
    held: Mapping[str, str]
    phase: Phase  # where the held order stands


@attrs.frozen(kw_only=True)
class LoadResult:
    """What `load` did: orders added, orders already held as given, orders held differently."""

    loaded: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    differing: tuple[LoadConflict, ...] = ()


@attrs.frozen(kw_only=True)
class Take:
    """One `take` from the group bucket: granted (send now), or how long to wait before asking again."""

    granted: bool
    wait: float  # seconds; 0 when granted
    at: datetime.datetime  # the database's clock when the bucket answered


@attrs.frozen(kw_only=True)
class BucketState:
    """The group bucket as the progress display shows it."""

    ceiling: float | None
    rate: float | None
    paused_for: float  # seconds left of a group pause (0: not paused)
    grants: int
    rate_limited: int


class Bucket(Protocol):
    """The group's rate bucket (`GroupBucket`): a token before each request, then what its answer said."""

    def take(self) -> Take:
        """One token now (`granted`), or how long to wait before asking again."""
        ...

    def rate_limited(self, retry_after: float | None) -> float:
        """A 429 arrived: pause the group and halve its rate; the seconds of pause left."""
        ...

    def succeeded(self) -> None:
        """An answer that was not a 429: the group's rate climbs back towards its ceiling."""
        ...

    def state(self) -> BucketState: ...

    def close(self) -> None: ...


class GroupJournal(Journal, Protocol):
    """A `Journal` several workers share (see the module's docstring for the rules each call keeps)."""

    def load(
        self, records: Iterable[OrderRecord], *, loaded_by: str | None = None, source: str | None = None
    ) -> LoadResult:
        """Add the day's orders (PENDING records) that the journal does not hold, in one transaction."""
        ...

    def claim(self, n: int, worker: str, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> list[Claimed]:
        """Up to `n` open orders that nobody holds (or whose lease expired), now held by `worker`."""
        ...

    def write_held(
        self, leases: Iterable[Lease], changes: Sequence[tuple[OrderRecord, JournalEvent]]
    ) -> dict[str, Held]:
        """`Journal.write`, for the orders still held under `leases` only; one verdict per order of `changes`."""
        ...

    def heartbeat(self, worker: str, leases: Iterable[Lease] | None = None) -> list[Lease]:
        """Renew `worker`'s live leases (all, or those given): the renewed ones; any other is lost."""
        ...

    def release(self, leases: Iterable[Lease]) -> list[str]:
        """Give back the orders still held under `leases`: those released."""
        ...

    def day_counts(self) -> Mapping[str, int]:
        """Orders per outcome or phase, with `total`, `open` (not final) and `held` (under a live lease)."""
        ...

    def reopen_unresolved(self, worker: str) -> list[str]:
        """Put the orders an earlier run left unresolved back in doubt: those reopened."""
        ...

    def bucket(self, rate: float | None, *, name: str = "requests") -> Bucket:
        """The group's rate bucket, on a connection of its own."""
        ...
