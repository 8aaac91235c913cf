"""Every SQL statement of the PostgreSQL journal, in one place: the migrations and the statements that use them.

Templates name the journal's schema `{schema}`; `Statements(schema)` binds them to one (quoted by `psycopg.sql`, never
pasted as text). Values are always parameters (`%(name)s`), so no statement is built from data.

Clocks: leases use `now()` (the transaction's start): a claim that waited for a lock sees a lease as expired no earlier
than it was, and a lease it sets ends no later than asked. The checks that decide whether a request may leave use
`clock_timestamp()`, evaluated once per statement in a one-row subquery (`AS t`): the send fence (a lease that ran out
while the statement waited is not live) and the group bucket (a token's time is the time it was granted, so grants
are spaced by 1/rate in the order they were made, whatever the waits).
"""

from __future__ import annotations

from typing import Final, LiteralString

from psycopg import sql

__all__ = ["MIGRATIONS", "Migration", "Statements"]


class Migration:
    """One version of the schema: the statements that bring the previous version to it (run once, in order)."""

    def __init__(self, version: int, description: str, statements: tuple[LiteralString, ...]) -> None:
        self.version = version
        self.description = description
        self.statements = statements


# Version 1. `orders` holds what the SQLite journal's `orders` holds (one row per order: the record), plus the lease;
# `events` what its `events` holds (append-only, enforced by a trigger), plus the worker that recorded each one.
_V1: tuple[LiteralString, ...] = (
    """
    CREATE TABLE {schema}.orders (
        out_order_no text PRIMARY KEY,
        request jsonb NOT NULL,
        phase text NOT NULL CHECK (phase IN ('pending', 'sending', 'in_doubt', 'retry', 'final')),
        attempts integer NOT NULL DEFAULT 0,
        lost_attempts integer NOT NULL DEFAULT 0,
        outcome text,
        code text,
        message text,
        request_ids text[] NOT NULL DEFAULT ARRAY[]::text[],
        line integer,
        updated_at text NOT NULL,
        finished_at text,
        -- the lease: who holds the order, until when (database clock), for how long each renewal; `claims` counts
        -- the claims ever made on the order and is the fencing token of the latest one
        owner text,
        claims bigint NOT NULL DEFAULT 0,
        lease_until timestamptz,
        lease_seconds double precision,
        loaded_at timestamptz,
        written_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((owner IS NULL) = (lease_until IS NULL)),
        CHECK (owner IS NULL OR phase <> 'final')
    )
    """,
    "CREATE INDEX orders_open ON {schema}.orders (out_order_no) WHERE phase <> 'final'",
    "CREATE INDEX orders_by_owner ON {schema}.orders (owner, out_order_no) WHERE owner IS NOT NULL",
    """
    CREATE TABLE {schema}.events (
        sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        out_order_no text NOT NULL,
        kind text NOT NULL,
        attempt integer NOT NULL,
        detail text NOT NULL,
        request_id text,
        at text NOT NULL,
        worker text,
        recorded_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX events_by_order ON {schema}.events (out_order_no, sequence)",
    """
    CREATE FUNCTION {schema}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'journal events are append-only (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {schema}.events
        FOR EACH ROW EXECUTE FUNCTION {schema}.events_append_only()
    """,
    """
    CREATE TABLE {schema}.claims (
        out_order_no text NOT NULL,
        claim bigint NOT NULL,
        worker text NOT NULL,
        taken_from text,
        phase text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (out_order_no, claim)
    )
    """,
    """
    CREATE TABLE {schema}.loads (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        loaded_by text,
        source text,
        rows integer NOT NULL,
        loaded integer NOT NULL,
        differing integer NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    # One row per bucket. `granted` is the answer of the last take, read back by that take's RETURNING (one
    # statement per token); a NULL ceiling means no rate ceiling (a group pause still applies).
    """
    CREATE TABLE {schema}.buckets (
        name text PRIMARY KEY,
        ceiling double precision CHECK (ceiling > 0),
        rate double precision CHECK (rate > 0),
        next_slot timestamptz NOT NULL DEFAULT 'epoch',
        paused_until timestamptz NOT NULL DEFAULT 'epoch',
        backoff double precision NOT NULL DEFAULT 1,
        granted boolean NOT NULL DEFAULT false,
        grants bigint NOT NULL DEFAULT 0,
        rate_limited bigint NOT NULL DEFAULT 0,
        CHECK ((ceiling IS NULL) = (rate IS NULL))
    )
    """,
)

MIGRATIONS: Final = (Migration(1, "orders, events, claims, loads, buckets", _V1),)

_CREATE_SCHEMA: LiteralString = "CREATE SCHEMA {schema}"
_CREATE_MIGRATIONS: LiteralString = """
    CREATE TABLE IF NOT EXISTS {schema}.migrations (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
    )
"""
_APPLIED: LiteralString = "SELECT version FROM {schema}.migrations ORDER BY version"
_RECORD_MIGRATION: LiteralString = "INSERT INTO {schema}.migrations (version, description) VALUES (%s, %s)"

_GET_MANY: LiteralString = """
    SELECT out_order_no, request, phase, attempts, lost_attempts, outcome, code, message, request_ids, line,
           updated_at, finished_at
      FROM {schema}.orders WHERE out_order_no = ANY(%s::text[])
"""
_RECORDS: LiteralString = """
    SELECT out_order_no, request, phase, attempts, lost_attempts, outcome, code, message, request_ids, line,
           updated_at, finished_at
      FROM {schema}.orders ORDER BY out_order_no
"""

# The protocol's blind write (one owner): the last state wins. A final record holds no lease.
_UPSERT: LiteralString = """
    INSERT INTO {schema}.orders AS o (
        out_order_no, request, phase, attempts, lost_attempts, outcome, code, message, request_ids, line,
        updated_at, finished_at)
    VALUES (%(out_order_no)s, %(request)s, %(phase)s, %(attempts)s, %(lost_attempts)s, %(outcome)s, %(code)s,
            %(message)s, %(request_ids)s::text[], %(line)s, %(updated_at)s, %(finished_at)s)
    ON CONFLICT (out_order_no) DO UPDATE SET
        request = EXCLUDED.request, phase = EXCLUDED.phase, attempts = EXCLUDED.attempts,
        lost_attempts = EXCLUDED.lost_attempts, outcome = EXCLUDED.outcome, code = EXCLUDED.code,
        message = EXCLUDED.message, request_ids = EXCLUDED.request_ids, line = EXCLUDED.line,
        updated_at = EXCLUDED.updated_at, finished_at = EXCLUDED.finished_at, written_at = now(),
        owner = CASE WHEN EXCLUDED.phase = 'final' THEN NULL ELSE o.owner END,
        lease_until = CASE WHEN EXCLUDED.phase = 'final' THEN NULL ELSE o.lease_until END
"""

_APPEND_EVENT: LiteralString = """
    INSERT INTO {schema}.events (out_order_no, kind, attempt, detail, request_id, at, worker)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
_EVENTS: LiteralString = """
    SELECT sequence, out_order_no, kind, attempt, detail, request_id, at, worker FROM {schema}.events
     WHERE %(every)s OR out_order_no = %(out_order_no)s ORDER BY sequence
"""

# Claim (any worker; no leader): open orders nobody holds, or whose lease expired, locked without waiting for those
# another claimer is taking (SKIP LOCKED), in a MATERIALIZED CTE so that the LIMIT bounds the rows updated. Each
# claim adds one to `claims` (the new lease's fencing token) and is logged with the worker it was taken from.
_CLAIM: LiteralString = """
    WITH candidates AS MATERIALIZED (
        SELECT out_order_no, owner, phase
          FROM {schema}.orders
         WHERE phase <> 'final' AND (owner IS NULL OR lease_until <= now())
         ORDER BY out_order_no
         LIMIT %(n)s
           FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE {schema}.orders AS o
           SET owner = %(worker)s, claims = o.claims + 1, lease_seconds = %(seconds)s,
               lease_until = now() + make_interval(secs => %(seconds)s)
          FROM candidates AS c
         WHERE o.out_order_no = c.out_order_no
        RETURNING o.out_order_no, o.request, o.phase, o.attempts, o.lost_attempts, o.outcome, o.code, o.message,
                  o.request_ids, o.line, o.updated_at, o.finished_at, o.claims, o.lease_until, c.owner AS taken_from
    ), logged AS (
        INSERT INTO {schema}.claims (out_order_no, claim, worker, taken_from, phase)
        SELECT out_order_no, claims, %(worker)s, taken_from, phase FROM claimed
    )
    SELECT * FROM claimed ORDER BY out_order_no
"""

# The orders of `leases` still held (same owner, same claim), locked in key order (every statement that locks
# several orders does so in this order: no deadlock), with whether the lease is live right now.
_LOCK_HELD: LiteralString = """
    SELECT o.out_order_no, o.phase, o.lease_until > t.now AS live
      FROM {schema}.orders AS o
      JOIN unnest(%(orders)s::text[], %(claims)s::bigint[], %(workers)s::text[]) AS l(out_order_no, claim, worker)
        ON o.out_order_no = l.out_order_no AND o.claims = l.claim AND o.owner = l.worker,
           (SELECT clock_timestamp() AS now) AS t
     ORDER BY o.out_order_no
       FOR UPDATE OF o
"""
# A held order's new state (its row is locked by _LOCK_HELD in the same transaction). A send renews the lease for a
# full term; a final record releases it (River's "complete in the same transaction").
_UPDATE_HELD: LiteralString = """
    UPDATE {schema}.orders SET
        request = %(request)s, phase = %(phase)s, attempts = %(attempts)s, lost_attempts = %(lost_attempts)s,
        outcome = %(outcome)s, code = %(code)s, message = %(message)s, request_ids = %(request_ids)s::text[],
        line = %(line)s, updated_at = %(updated_at)s, finished_at = %(finished_at)s, written_at = now(),
        owner = CASE WHEN %(phase)s = 'final' THEN NULL ELSE owner END,
        lease_until = CASE WHEN %(phase)s = 'final' THEN NULL
                           WHEN %(renew)s THEN now() + make_interval(secs => lease_seconds)
                           ELSE lease_until END
     WHERE out_order_no = %(out_order_no)s
"""

# Renew the live leases of a worker (all, or those listed with their claim number).
_HEARTBEAT: LiteralString = """
    WITH held AS MATERIALIZED (
        SELECT out_order_no FROM {schema}.orders
         WHERE owner = %(worker)s AND lease_until > now()
           AND (%(every)s OR (out_order_no, claims) IN (
                SELECT * FROM unnest(%(orders)s::text[], %(claims)s::bigint[])))
         ORDER BY out_order_no
           FOR UPDATE
    )
    UPDATE {schema}.orders AS o SET lease_until = now() + make_interval(secs => o.lease_seconds)
      FROM held WHERE o.out_order_no = held.out_order_no
    RETURNING o.out_order_no, o.owner, o.claims, o.lease_until
"""
# Give back held orders (live or not): they become claimable at once, in whatever phase they are.
_RELEASE: LiteralString = """
    WITH held AS MATERIALIZED (
        SELECT o.out_order_no FROM {schema}.orders AS o
          JOIN unnest(%(orders)s::text[], %(claims)s::bigint[], %(workers)s::text[]) AS l(out_order_no, claim, worker)
            ON o.out_order_no = l.out_order_no AND o.claims = l.claim AND o.owner = l.worker
         ORDER BY o.out_order_no
           FOR UPDATE OF o
    )
    UPDATE {schema}.orders AS o SET owner = NULL, lease_until = NULL
      FROM held WHERE o.out_order_no = held.out_order_no
    RETURNING o.out_order_no
"""
# A rerun of the day looks again at the orders an earlier run left unresolved, as the single-process journal does:
# each goes back to IN_DOUBT (queried before anything is sent), with an event saying who reopened it and why.
_REOPEN: LiteralString = """
    WITH reopened AS (
        UPDATE {schema}.orders SET phase = 'in_doubt', outcome = NULL, code = NULL, message = NULL,
               finished_at = NULL, updated_at = %(at)s, written_at = now()
         WHERE phase = 'final' AND outcome = 'unresolved'
        RETURNING out_order_no, attempts
    )
    INSERT INTO {schema}.events (out_order_no, kind, attempt, detail, request_id, at, worker)
    SELECT out_order_no, 'verdict', attempts, %(detail)s, NULL, %(at)s, %(worker)s FROM reopened ORDER BY out_order_no
    RETURNING out_order_no
"""
# The day as a whole, for every worker's progress display and its "is anything left?" (one scan of `orders`).
_DAY_COUNTS: LiteralString = """
    SELECT coalesce(outcome, phase) AS state, count(*)::bigint,
           count(*) FILTER (WHERE owner IS NOT NULL AND lease_until > now())::bigint AS held,
           count(*) FILTER (WHERE phase <> 'final')::bigint AS open
      FROM {schema}.orders GROUP BY 1
"""
_CLAIM_LOG: LiteralString = """
    SELECT out_order_no, claim, worker, taken_from, phase FROM {schema}.claims
     WHERE %(every)s OR out_order_no = %(out_order_no)s ORDER BY claimed_at, out_order_no, claim
"""

# Loading the day: new orders inserted in key order, those already held left as they are (compared by the caller).
_LOAD: LiteralString = """
    INSERT INTO {schema}.orders (out_order_no, request, phase, line, updated_at, loaded_at)
    SELECT r.out_order_no, r.request::jsonb, 'pending', r.line, r.updated_at, now()
      FROM unnest(%(orders)s::text[], %(requests)s::text[], %(lines)s::integer[], %(updated)s::text[])
           AS r(out_order_no, request, line, updated_at)
     ORDER BY r.out_order_no
    ON CONFLICT (out_order_no) DO NOTHING
    RETURNING out_order_no
"""
_LOADED_AS: LiteralString = """
    SELECT out_order_no, request, phase FROM {schema}.orders WHERE out_order_no = ANY(%s::text[])
"""
_LOG_LOAD: LiteralString = """
    INSERT INTO {schema}.loads (loaded_by, source, rows, loaded, differing) VALUES (%s, %s, %s, %s, %s)
"""

# The group bucket. Opening sets the ceiling (the latest opener's rate) and keeps a lowered rate lowered.
_OPEN_BUCKET: LiteralString = """
    INSERT INTO {schema}.buckets AS b (name, ceiling, rate) VALUES (%(name)s, %(rate)s, %(rate)s)
    ON CONFLICT (name) DO UPDATE SET
        ceiling = EXCLUDED.ceiling,
        rate = CASE WHEN EXCLUDED.ceiling IS NULL OR b.rate IS NULL THEN EXCLUDED.ceiling
                    ELSE least(b.rate, EXCLUDED.ceiling) END
"""
# One token, one statement (a depth-1 token bucket: grants spaced by 1/rate, no burst after an idle spell). Under
# READ COMMITTED, concurrent takers of the row queue on its lock and each re-reads the row its predecessor wrote, so
# no two grants can see the same `next_slot`.
_TAKE: LiteralString = """
    UPDATE {schema}.buckets AS b SET
        granted = (b.paused_until <= t.now AND (b.rate IS NULL OR b.next_slot <= t.now)),
        grants = b.grants + (b.paused_until <= t.now AND (b.rate IS NULL OR b.next_slot <= t.now))::integer,
        next_slot = CASE WHEN b.rate IS NOT NULL AND b.paused_until <= t.now AND b.next_slot <= t.now
                         THEN t.now + make_interval(secs => 1.0 / b.rate)
                         ELSE b.next_slot END
      FROM (SELECT clock_timestamp() AS now) AS t
     WHERE b.name = %(name)s
    RETURNING b.granted, t.now,
              greatest(extract(epoch FROM greatest(b.paused_until, CASE WHEN b.rate IS NULL THEN b.paused_until
                                                                       ELSE b.next_slot END) - t.now), 0)::float8
"""
# A 429: pause the group until Retry-After (capped; a later one extends the pause), or else for the backoff; and
# halve the rate (down to a 32nd of the ceiling) and double the backoff once per pause: a 429 answering a request
# that left before the group paused is the same episode.
_RATE_LIMITED: LiteralString = """
    UPDATE {schema}.buckets AS b SET
        paused_until = CASE
            WHEN %(retry_after)s::float8 IS NOT NULL
                THEN greatest(b.paused_until, t.now + make_interval(secs => least(%(retry_after)s, %(max_pause)s)))
            WHEN b.paused_until <= t.now THEN t.now + make_interval(secs => b.backoff)
            ELSE b.paused_until END,
        rate = CASE WHEN b.paused_until <= t.now AND b.rate IS NOT NULL THEN greatest(b.rate / 2, b.ceiling / 32)
                    ELSE b.rate END,
        backoff = CASE WHEN %(retry_after)s::float8 IS NULL AND b.paused_until <= t.now
                       THEN least(b.backoff * 2, %(max_backoff)s) ELSE b.backoff END,
        rate_limited = b.rate_limited + 1
      FROM (SELECT clock_timestamp() AS now) AS t
     WHERE b.name = %(name)s
    RETURNING greatest(extract(epoch FROM b.paused_until - t.now), 0)::float8
"""
# An answer that was not a 429: the rate climbs back by a twentieth of the ceiling, the backoff resets.
_SUCCEEDED: LiteralString = """
    UPDATE {schema}.buckets SET rate = least(ceiling, rate + ceiling / 20), backoff = 1
     WHERE name = %(name)s AND (rate < ceiling OR backoff <> 1)
"""
_BUCKET_STATE: LiteralString = """
    SELECT b.ceiling, b.rate, greatest(extract(epoch FROM b.paused_until - t.now), 0)::float8, b.grants,
           b.rate_limited
      FROM {schema}.buckets AS b, (SELECT clock_timestamp() AS now) AS t
     WHERE b.name = %(name)s
"""


def _bind(template: LiteralString, schema: sql.Identifier) -> sql.Composed:
    return sql.SQL(template).format(schema=schema)


class Statements:
    """The statements above, bound to one schema."""

    def __init__(self, schema: str) -> None:
        name = sql.Identifier(schema)
        self.create_schema = _bind(_CREATE_SCHEMA, name)
        self.create_migrations = _bind(_CREATE_MIGRATIONS, name)
        self.applied = _bind(_APPLIED, name)
        self.record_migration = _bind(_RECORD_MIGRATION, name)
        self.migrations = tuple(
            (migration, tuple(_bind(statement, name) for statement in migration.statements)) for migration in MIGRATIONS
        )
        self.get_many = _bind(_GET_MANY, name)
        self.records = _bind(_RECORDS, name)
        self.upsert = _bind(_UPSERT, name)
        self.append_event = _bind(_APPEND_EVENT, name)
        self.events = _bind(_EVENTS, name)
        self.claim = _bind(_CLAIM, name)
        self.lock_held = _bind(_LOCK_HELD, name)
        self.update_held = _bind(_UPDATE_HELD, name)
        self.heartbeat = _bind(_HEARTBEAT, name)
        self.release = _bind(_RELEASE, name)
        self.claim_log = _bind(_CLAIM_LOG, name)
        self.day_counts = _bind(_DAY_COUNTS, name)
        self.reopen = _bind(_REOPEN, name)
        self.load = _bind(_LOAD, name)
        self.loaded_as = _bind(_LOADED_AS, name)
        self.log_load = _bind(_LOG_LOAD, name)
        self.open_bucket = _bind(_OPEN_BUCKET, name)
        self.take = _bind(_TAKE, name)
        self.rate_limited = _bind(_RATE_LIMITED, name)
        self.succeeded = _bind(_SUCCEEDED, name)
        self.bucket_state = _bind(_BUCKET_STATE, name)


# Database-wide advisory-lock keys (one namespace per database): derived from the schema, so that two journals in
# one database do not wait for each other (see `_pg_connect.lock_key`).
ADVISORY_LOCK: Final[LiteralString] = "SELECT pg_advisory_xact_lock(%s)"
SCHEMA_EXISTS: Final[LiteralString] = "SELECT to_regnamespace(%s) IS NOT NULL"


# -- The day's report (`batch-report`): what each worker did and who holds what, read in one snapshot. -------------
# A sync sent is a SEND event not withdrawn by an UNSEND; an order is finished by the worker that recorded its last
# final event (OUTCOME, or INVALID for a refused row), counted only while the order is final.
_WORKER_EVENTS: LiteralString = """
    SELECT e.worker,
           count(*) FILTER (WHERE e.kind = 'send') - count(*) FILTER (WHERE e.kind = 'unsend') AS syncs_sent,
           count(*) FILTER (WHERE e.kind = 'query') AS queries
      FROM {schema}.events AS e
     GROUP BY e.worker
"""
_WORKER_FINISHED: LiteralString = """
    SELECT f.worker, count(*)
      FROM (SELECT DISTINCT ON (e.out_order_no) e.out_order_no, e.worker
              FROM {schema}.events AS e
             WHERE e.kind IN ('outcome', 'invalid')
             ORDER BY e.out_order_no, e.sequence DESC) AS f
      JOIN {schema}.orders AS o ON o.out_order_no = f.out_order_no AND o.phase = 'final'
     GROUP BY f.worker
"""
_WORKER_CLAIMS: LiteralString = """
    SELECT worker, taken_from, count(*) FROM {schema}.claims GROUP BY worker, taken_from
"""
# Who holds which open order now, and whether the lease is still live by the database's clock.
_HOLDS: LiteralString = """
    SELECT o.out_order_no, o.owner, o.lease_until, o.lease_until > t.now
      FROM {schema}.orders AS o, (SELECT clock_timestamp() AS now) AS t
     WHERE o.owner IS NOT NULL
     ORDER BY o.out_order_no
"""
# The first statement of a report's transaction: every statement after it reads the same snapshot.
SNAPSHOT: Final[LiteralString] = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


class ReportStatements:
    """The day report's statements, bound to one schema (apart from `Statements`: only a report needs them)."""

    def __init__(self, schema: str) -> None:
        name = sql.Identifier(schema)
        self.worker_events = _bind(_WORKER_EVENTS, name)
        self.worker_finished = _bind(_WORKER_FINISHED, name)
        self.worker_claims = _bind(_WORKER_CLAIMS, name)
        self.holds = _bind(_HOLDS, name)
