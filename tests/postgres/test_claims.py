"""Several workers on one journal: disjoint claims, leases that expire and are taken over with a query first, a
fence that keeps a stale worker from recording anything, heartbeats that keep a lease."""

from __future__ import annotations

import time

import pytest
from wechatpay_payscore_client.batch import EventKind, Outcome, Phase
from wechatpay_payscore_client.batch._postgres import Claimed, Held, Lease, PostgresJournal

from tests.postgres.cluster import Database
from tests.postgres.helpers import at_once, change, open_journal, pending, send


def by_order(claimed: list[Claimed]) -> dict[str, Claimed]:
    return {item.record.out_order_no: item for item in claimed}


def test_workers_claiming_at_once_get_disjoint_orders(pg_database: Database) -> None:
    workers = [open_journal(pg_database) for _ in range(4)]
    try:
        for day in range(3):  # three days' files, each claimed in rounds of four claims at once
            records = pending(f"D{day}-", 240)
            workers[0].load(records)
            taken: list[str] = []
            rounds = 0
            while len(taken) < len(records):
                rounds += 1
                assert rounds < 100, "the claims stopped making progress"
                claimed = at_once(4, lambda index: workers[index].claim(7, f"w{index}", lease_seconds=60))
                this_round = [item.record.out_order_no for batch in claimed for item in batch]
                assert len(this_round) == len(set(this_round)), "an order was claimed twice at once"
                taken += this_round
                for index, batch in enumerate(claimed):
                    assert all(item.lease.worker == f"w{index}" and item.lease.claim == 1 for item in batch)
            assert sorted(taken) == sorted(record.out_order_no for record in records)
        history = workers[0].claim_history()
        assert len(history) == 3 * 240 == len({item.out_order_no for item in history})
        assert workers[1].claim(5, "late", lease_seconds=60) == []  # every order is held
    finally:
        for worker in workers:
            worker.close()


def test_an_expired_lease_is_taken_over_and_orders_that_may_have_left_come_back_query_first(
    pg_database: Database,
) -> None:
    first, second = open_journal(pg_database), open_journal(pg_database)
    first.load(pending("E", 4))
    held = by_order(first.claim(10, "w1", lease_seconds=0.4))
    a, b, c, _ = (held[key] for key in sorted(held))
    sent_a = send(a.record)
    sent_b = send(b.record)
    lost_b = change(sent_b[0], EventKind.ANSWER, "lost", phase=Phase.IN_DOUBT, lost_attempts=1)
    sent_c = send(c.record)
    limited_c = change(sent_c[0], EventKind.ANSWER, "rate_limited: 429", phase=Phase.RETRY)
    leases = [item.lease for item in held.values()]
    verdicts = first.write_held(leases, [sent_a, sent_b, lost_b, sent_c, limited_c])
    assert set(verdicts.values()) == {Held.APPLIED}
    assert second.claim(10, "w2", lease_seconds=30) == []  # still held by w1

    time.sleep(0.5)  # w1's leases expire (it died, or stalled)
    taken = by_order(second.claim(10, "w2", lease_seconds=30))
    assert sorted(taken) == ["E0000", "E0001", "E0002", "E0003"]
    assert {key: item.query_first for key, item in taken.items()} == {
        "E0000": True,  # SENDING: its request may have left
        "E0001": True,  # IN_DOUBT: its answer was lost
        "E0002": False,  # RETRY: proven not applied (a 429)
        "E0003": False,  # PENDING: never sent
    }
    assert {item.taken_from for item in taken.values()} == {"w1"}
    assert {item.lease.claim for item in taken.values()} == {2}
    assert taken["E0000"].record == sent_a[0]
    history = second.claim_history("E0000")
    assert [(entry.worker, entry.taken_from, entry.phase) for entry in history] == [
        ("w1", None, Phase.PENDING),
        ("w2", "w1", Phase.SENDING),
    ]
    first.close()
    second.close()


def test_a_fenced_out_worker_records_nothing(pg_database: Database) -> None:
    stale, taker = open_journal(pg_database), open_journal(pg_database)
    stale.load(pending("F", 2))
    old = by_order(stale.claim(2, "stale", lease_seconds=0.3))
    stale.write_held([old["F0000"].lease], [send(old["F0000"].record)])
    time.sleep(0.4)
    new = by_order(taker.claim(2, "taker", lease_seconds=30))
    query = change(new["F0000"].record, EventKind.QUERY, "reconciling query")
    assert taker.write_held([new["F0000"].lease], [query]) == {"F0000": Held.APPLIED}
    records_before, events_before = taker.records(), taker.events()

    # The stale worker comes back with the answer of its request, and would send F0001: neither is recorded.
    answer = change(stale.get_many(["F0000"])["F0000"], EventKind.OUTCOME, "synced", phase=Phase.FINAL)
    verdicts = stale.write_held([old["F0000"].lease, old["F0001"].lease], [answer, send(old["F0001"].record)])
    assert verdicts == {"F0000": Held.NOT_HELD, "F0001": Held.NOT_HELD}
    assert stale.heartbeat("stale") == []
    assert stale.release([old["F0000"].lease, old["F0001"].lease]) == []
    assert taker.records() == records_before
    assert taker.events() == events_before
    assert taker.heartbeat("taker") != []  # the taker still holds both
    stale.close()
    taker.close()


def test_a_send_needs_a_live_lease_and_a_query_after_an_attempt_that_may_have_left(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    journal.load(pending("S", 2))
    claimed = by_order(journal.claim(2, "w1", lease_seconds=30))
    lease = claimed["S0000"].lease
    sent = send(claimed["S0000"].record)
    lost = change(sent[0], EventKind.ANSWER, "lost", phase=Phase.IN_DOUBT, lost_attempts=1)
    assert journal.write_held([lease], [sent, lost]) == {"S0000": Held.APPLIED}
    assert journal.write_held([lease], [send(lost[0])]) == {"S0000": Held.QUERY_FIRST}
    query = change(lost[0], EventKind.QUERY, "reconciling query")
    verdict = change(query[0], EventKind.VERDICT, "not_applied: DOING", phase=Phase.RETRY)
    again = send(verdict[0])
    assert journal.write_held([lease], [query, verdict, again]) == {"S0000": Held.APPLIED}  # in order: allowed
    kinds = [event.kind for event in journal.events("S0000")]
    assert kinds == [EventKind.SEND, EventKind.ANSWER, EventKind.QUERY, EventKind.VERDICT, EventKind.SEND]

    short = journal.claim(1, "w2", lease_seconds=0.2)  # S0001 is w1's: nothing for w2
    assert short == []
    journal.release([claimed["S0001"].lease])
    (expiring,) = journal.claim(1, "w2", lease_seconds=0.2)
    time.sleep(0.3)  # the lease lapsed and nobody took the order: answers may still be recorded, requests may not
    assert journal.write_held([expiring.lease], [send(expiring.record)]) == {"S0001": Held.LEASE_EXPIRED}
    query = change(expiring.record, EventKind.QUERY, "reconciling query")
    assert journal.write_held([expiring.lease], [query]) == {"S0001": Held.LEASE_EXPIRED}
    note = change(expiring.record, EventKind.ANSWER, "lost: no answer", phase=Phase.IN_DOUBT)
    assert journal.write_held([expiring.lease], [note]) == {"S0001": Held.APPLIED}
    assert journal.heartbeat("w2") == []  # an expired lease is not renewed: w2 must claim the order again
    journal.close()


def test_recording_a_send_renews_the_lease_and_an_outcome_releases_the_order(pg_database: Database) -> None:
    journal, other = open_journal(pg_database), open_journal(pg_database)
    journal.load(pending("R", 1))
    (claimed,) = journal.claim(1, "w1", lease_seconds=1.0)
    time.sleep(0.6)
    sent = send(claimed.record)
    assert journal.write_held([claimed.lease], [sent]) == {"R0000": Held.APPLIED}
    time.sleep(0.6)  # past the claim's expiry, within the term the send renewed
    assert other.claim(1, "w2", lease_seconds=30) == []
    done = change(sent[0], EventKind.OUTCOME, "synced", phase=Phase.FINAL, outcome=Outcome.SYNCED)
    assert journal.write_held([claimed.lease], [done]) == {"R0000": Held.APPLIED}
    assert journal.heartbeat("w1") == []  # released with its outcome
    assert other.claim(1, "w2", lease_seconds=30) == []  # and a final order is never claimed again
    assert journal.get_many(["R0000"])["R0000"].outcome is Outcome.SYNCED
    journal.close()
    other.close()


def test_a_heartbeat_keeps_the_lease(pg_database: Database) -> None:
    holder, rival = open_journal(pg_database), open_journal(pg_database)
    holder.load(pending("H", 3))
    leases = [item.lease for item in holder.claim(3, "holder", lease_seconds=0.6)]
    deadline = time.monotonic() + 1.5  # more than two lease terms
    while time.monotonic() < deadline:
        renewed = holder.heartbeat("holder")
        assert [lease.out_order_no for lease in renewed] == ["H0000", "H0001", "H0002"]
        assert rival.claim(3, "rival", lease_seconds=30) == []
        time.sleep(0.15)
    time.sleep(0.7)  # the holder stops beating: its leases lapse
    assert len(rival.claim(3, "rival", lease_seconds=30)) == 3
    assert holder.heartbeat("holder", leases) == []
    holder.close()
    rival.close()


def test_a_heartbeat_of_listed_leases_renews_those_still_held(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    journal.load(pending("L", 3))
    leases = [item.lease for item in journal.claim(3, "w1", lease_seconds=30)]
    renewed = journal.heartbeat("w1", leases[:2])
    assert [lease.out_order_no for lease in renewed] == ["L0000", "L0001"]
    assert all(new.until > old.until for new, old in zip(renewed, leases, strict=False))
    forged = Lease(out_order_no="L0002", worker="w1", claim=7, until=leases[2].until)
    assert journal.heartbeat("w1", [forged]) == []  # not this claim: not renewed
    with pytest.raises(ValueError, match="renews only its own leases"):
        journal.heartbeat("w2", leases)
    journal.close()


def test_released_orders_are_claimable_at_once(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    journal.load(pending("X", 2))
    claimed = by_order(journal.claim(2, "w1", lease_seconds=60))
    journal.write_held([claimed["X0000"].lease], [send(claimed["X0000"].record)])
    assert journal.release([item.lease for item in claimed.values()]) == ["X0000", "X0001"]
    again = by_order(journal.claim(2, "w2", lease_seconds=60))
    assert sorted(again) == ["X0000", "X0001"]
    assert again["X0000"].query_first and not again["X0001"].query_first
    assert {item.taken_from for item in again.values()} == {None}  # given back, not taken over
    journal.close()


def test_writes_and_claims_are_checked(pg_database: Database) -> None:
    journal: PostgresJournal = open_journal(pg_database)
    journal.load(pending("C", 1))
    (claimed,) = journal.claim(1, "w1", lease_seconds=60)
    with pytest.raises(ValueError, match="no lease given"):
        journal.write_held([], [send(claimed.record)])
    for n, worker, seconds in ((0, "w1", 60.0), (1, "", 60.0), (1, "w1", 0.0), (1, "w1", float("inf"))):
        with pytest.raises(ValueError, match=r"claim at least|worker|lease lasts"):
            journal.claim(n, worker, lease_seconds=seconds)
    assert journal.write_held([claimed.lease], []) == {}
    journal.close()


def test_the_claim_number_fences_an_old_lease_even_under_the_same_worker_name(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    journal.load(pending("N", 1))
    (old,) = journal.claim(1, "host-1", lease_seconds=0.2)
    time.sleep(0.3)
    (new,) = journal.claim(1, "host-1", lease_seconds=30)  # a restarted worker under the same name
    assert (old.lease.claim, new.lease.claim, new.taken_from) == (1, 2, "host-1")
    assert journal.write_held([old.lease], [send(old.record)]) == {"N0000": Held.NOT_HELD}
    assert journal.heartbeat("host-1", [old.lease]) == []
    assert journal.release([old.lease]) == []
    assert journal.events() == []
    assert journal.write_held([new.lease], [send(new.record)]) == {"N0000": Held.APPLIED}
    journal.close()
