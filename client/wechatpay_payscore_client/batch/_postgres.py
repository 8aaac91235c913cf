"""The batch's journal in PostgreSQL, for several workers and hosts settling one day (`wechatpay-payscore[postgres]`).

    from wechatpay_payscore_client.batch._postgres import PostgresJournal

    journal = PostgresJournal("postgresql://batch@db.internal/payments", schema="payscore_batch")

Importing this module imports psycopg (3); nothing else of the batch does, so the client and the SQLite journal
never pay for it. The parts, one job each:

- `_pg_group`: the protocol extension (`GroupJournal`: load, claim, write_held, heartbeat, release) and its values,
  with the rules of leases and the send fence;
- `_pg_journal`: `PostgresJournal`, the `Journal` protocol and `GroupJournal` on one schema;
- `_pg_bucket`: `GroupBucket`, the group's rate limit and 429 pause in one row;
- `_pg_schema`: versioned migrations, run on open under an advisory lock;
- `_pg_sql`: every SQL statement; `_pg_connect`: the connection, names and errors.

The schema (version 1), in the schema the user names (default `wechatpay_batch`):

- `orders`: one row per order: the record the SQLite journal keeps (request as jsonb, phase, attempts,
  lost_attempts, outcome, code, message, request_ids, line, updated_at, finished_at) and the lease (owner,
  claims = the fencing token, lease_until and lease_seconds by the database's clock), loaded_at, written_at;
- `events`: the append-only trail (a trigger refuses UPDATE and DELETE), with the worker that recorded each event;
- `claims`: every claim (order, claim number, worker, the worker it was taken from, the phase it was in);
- `loads`: every load of the day's input (by whom, how many rows, loaded, differing);
- `buckets`: the group's rate buckets (ceiling, rate, next_slot, paused_until, backoff, counters);
- `migrations`: the versions applied.

Privileges the database user needs: CREATE on the database (or a schema created for it beforehand, with CREATE and
USAGE on it), then nothing beyond its own schema's tables; a reader (`read_only=True`) needs USAGE and SELECT.
"""

from __future__ import annotations

from ._pg_bucket import GroupBucket
from ._pg_connect import DEFAULT_SCHEMA, check_schema_name
from ._pg_group import (
    DEFAULT_LEASE_SECONDS,
    BucketState,
    Claimed,
    ClaimEntry,
    GroupJournal,
    Held,
    Lease,
    LoadConflict,
    LoadResult,
    Take,
)
from ._pg_journal import PostgresJournal
from ._pg_schema import SCHEMA_VERSION

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_SCHEMA",
    "SCHEMA_VERSION",
    "BucketState",
    "ClaimEntry",
    "Claimed",
    "GroupBucket",
    "GroupJournal",
    "Held",
    "Lease",
    "LoadConflict",
    "LoadResult",
    "PostgresJournal",
    "Take",
    "check_schema_name",
]
