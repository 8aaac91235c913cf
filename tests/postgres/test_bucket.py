"""The group's rate bucket: one row, one statement per token; never above the rate, whatever the number of takers;
a 429 seen by one worker pauses all of them and halves the rate, which then climbs back."""

from __future__ import annotations

import datetime
import itertools
import time

from wechatpay_payscore_client.batch._postgres import GroupBucket, PostgresJournal

from tests.postgres.cluster import Database
from tests.postgres.helpers import at_once, open_journal


def takes_for(bucket: GroupBucket, seconds: float) -> list[datetime.datetime]:
    """Take tokens as fast as the bucket allows for `seconds`; the database's time of each grant."""
    granted: list[datetime.datetime] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        take = bucket.take()
        if take.granted:
            granted.append(take.at)
        else:
            assert 0 < take.wait <= 1.0
            time.sleep(min(take.wait, 0.02))
    return granted


def test_several_takers_never_exceed_the_rate(pg_database: Database) -> None:
    rate, seconds = 40.0, 2.0
    journals = [open_journal(pg_database) for _ in range(5)]
    buckets = [journal.bucket(rate) for journal in journals]
    grants = sorted(at for taken in at_once(5, lambda index: takes_for(buckets[index], seconds)) for at in taken)
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(grants)]
    assert min(gaps) >= 1 / rate - 1e-6  # a depth-1 bucket: grants spaced by 1/rate (microsecond timestamps)
    for index, start in enumerate(grants):  # every one-second window by the database's clock
        within = [at for at in grants[index:] if (at - start).total_seconds() < 1.0]
        assert len(within) <= rate + 1
    assert len(grants) >= 0.75 * rate * seconds  # and the takers together do get the rate
    assert buckets[0].state().grants == len(grants)
    for bucket, journal in zip(buckets, journals, strict=True):
        bucket.close()
        journal.close()


def test_a_429_pauses_every_worker_and_halves_the_rate_once_per_pause(pg_database: Database) -> None:
    first, second = open_journal(pg_database), open_journal(pg_database)
    mine, theirs = first.bucket(10.0), second.bucket(10.0)
    assert mine.take().granted
    pause = mine.rate_limited(retry_after=0.5)
    assert 0.45 <= pause <= 0.5
    blocked = theirs.take()  # the other worker is paused too
    assert not blocked.granted and 0.3 <= blocked.wait <= 0.5
    theirs.rate_limited(retry_after=0.5)  # a request that left before the pause: the same episode
    state = theirs.state()
    assert (state.ceiling, state.rate, state.rate_limited) == (10.0, 5.0, 2)
    assert 0.3 <= state.paused_for <= 0.5
    time.sleep(state.paused_for + 0.01)
    assert theirs.take().granted
    for expected in (5.5, 6.0, 6.5):  # climbing back by a twentieth of the ceiling per answer that was no 429
        mine.succeeded()
        assert theirs.state().rate == expected
    for _ in range(20):
        mine.succeeded()
    assert mine.state().rate == 10.0
    mine.rate_limited(retry_after=0.05)  # a new episode: halved again
    assert mine.state().rate == 5.0
    for bucket in (mine, theirs):
        bucket.close()
    first.close()
    second.close()


def test_without_retry_after_the_group_backs_off_exponentially(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    bucket = journal.bucket(100.0)
    assert 0.95 <= bucket.rate_limited(None) <= 1.0
    assert 0.9 <= bucket.rate_limited(None) <= 1.0  # within the pause: the same episode, no longer
    time.sleep(1.0)
    assert 1.95 <= bucket.rate_limited(None) <= 2.0  # the next episode waits twice as long
    assert bucket.rate_limited(10_000) <= 300.0  # a Retry-After beyond five minutes is not honoured as is
    bucket.succeeded()
    with pg_database.connect() as connection:
        assert connection.execute("SELECT backoff FROM journal.buckets").fetchone() == (1.0,)
    bucket.close()
    journal.close()


def test_a_bucket_without_ceiling_grants_every_take_but_still_pauses(pg_database: Database) -> None:
    journal: PostgresJournal = open_journal(pg_database)
    bucket = journal.bucket(None)
    assert all(bucket.take().granted for _ in range(50))
    bucket.rate_limited(retry_after=0.3)
    take = bucket.take()
    assert not take.granted and 0.2 <= take.wait <= 0.3
    state = bucket.state()
    assert (state.ceiling, state.rate, state.grants) == (None, None, 50)
    bucket.close()
    journal.close()


def test_the_latest_opener_sets_the_ceiling_and_a_lowered_rate_stays_lowered(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    first = journal.bucket(8.0)
    first.rate_limited(retry_after=0.01)
    assert first.state().rate == 4.0
    joining = journal.bucket(20.0)
    assert (joining.state().ceiling, joining.state().rate) == (20.0, 4.0)
    lower = journal.bucket(2.0)
    assert (lower.state().ceiling, lower.state().rate) == (2.0, 2.0)
    other = journal.bucket(5.0, name="queries")  # buckets of one journal are apart
    assert (other.state().ceiling, other.state().rate) == (5.0, 5.0)
    for bucket in (first, joining, lower, other):
        bucket.close()
    journal.close()
