"""The batch's decision table (`_step`): one row per kind of answer or verdict, the same for both runners."""

from __future__ import annotations

import pytest
from wechatpay_payscore_client.batch import EventKind, OrderRecord, Outcome, Phase
from wechatpay_payscore_client.batch._step import Answer, Next, after_send, after_verdict

REQUEST = {"service_id": "s", "sub_mchid": "m", "channel_id": "c", "paid_time": "20261127101010"}


def sending(lost: int = 0) -> OrderRecord:
    return OrderRecord(
        out_order_no="A1", request=REQUEST, phase=Phase.SENDING, attempts=2, lost_attempts=lost, request_ids=("r0",)
    )


def in_doubt(lost: int = 1) -> OrderRecord:
    return sending(lost).evolve(phase=Phase.IN_DOUBT)


# kind of answer -> (phase after, outcome, next step, event kind, lost_attempts after)
SEND_TABLE = [
    ("synced", Phase.FINAL, Outcome.SYNCED, Next.DONE, EventKind.OUTCOME, 0),
    ("refused", Phase.FINAL, Outcome.REFUSED, Next.DONE, EventKind.OUTCOME, 0),
    ("invalid", Phase.FINAL, Outcome.INVALID, Next.DONE, EventKind.OUTCOME, 0),
    ("signature_rejected", Phase.FINAL, Outcome.UNRESOLVED, Next.STOP_RUN, EventKind.OUTCOME, 0),
    ("rate_limited", Phase.RETRY, None, Next.WAIT_THEN_SEND, EventKind.ANSWER, 0),
    ("not_sent", Phase.RETRY, None, Next.WAIT_THEN_SEND, EventKind.ANSWER, 0),
    ("lost", Phase.IN_DOUBT, None, Next.QUERY, EventKind.ANSWER, 1),
    ("order_done", Phase.IN_DOUBT, None, Next.QUERY, EventKind.ANSWER, 0),
]


@pytest.mark.parametrize(("kind", "phase", "outcome", "next_step", "event_kind", "lost"), SEND_TABLE)
def test_after_send(
    kind: str, phase: Phase, outcome: Outcome | None, next_step: Next, event_kind: EventKind, lost: int
) -> None:
    step = after_send(sending(), Answer(kind, code="CODE", message="said", request_id="r1"))
    assert (step.record.phase, step.record.outcome, step.next) == (phase, outcome, next_step)
    assert step.event.kind is event_kind
    assert step.record.lost_attempts == lost
    assert step.record.request_ids == ("r0", "r1")  # every answer's request id is kept, in order
    assert step.event.attempt == 2 and step.event.out_order_no == "A1" and step.event.request_id == "r1"
    assert (step.record.finished_at is not None) == (phase is Phase.FINAL)
    if kind in ("refused", "invalid"):
        assert (step.record.code, step.record.message) == ("CODE", "said")


def test_only_a_proof_that_nothing_was_applied_lets_an_order_go_again_without_a_query() -> None:
    again = {row[0] for row in SEND_TABLE if row[3] in (Next.WAIT_THEN_SEND, Next.SEND_AGAIN)}
    assert again == {"rate_limited", "not_sent"}


# verdict, lost attempts before -> (phase after, outcome, code, next)
VERDICT_TABLE = [
    ("not_applied", 1, Phase.RETRY, None, None, Next.SEND_AGAIN),
    ("applied", 1, Phase.FINAL, Outcome.SYNCED_BY_EARLIER_ATTEMPT, None, Next.DONE),
    ("applied", 0, Phase.FINAL, Outcome.ALREADY_DONE_OTHERWISE, "ORDER_DONE", Next.DONE),
    ("already_there", 1, Phase.FINAL, Outcome.ALREADY_DONE_OTHERWISE, "ORDER_DONE", Next.DONE),
    ("cancelled", 1, Phase.FINAL, Outcome.REFUSED, "ORDER_CANCELED", Next.DONE),
    ("expired", 1, Phase.FINAL, Outcome.REFUSED, "ORDER_EXPIRED", Next.DONE),
    ("not_found", 1, Phase.FINAL, Outcome.REFUSED, "ORDER_NOT_EXIST", Next.DONE),
    ("something_new", 1, Phase.FINAL, Outcome.UNRESOLVED, "UNKNOWN_VERDICT", Next.DONE),
]


@pytest.mark.parametrize(("verdict", "lost", "phase", "outcome", "code", "next_step"), VERDICT_TABLE)
def test_after_verdict(
    verdict: str, lost: int, phase: Phase, outcome: Outcome | None, code: str | None, next_step: Next
) -> None:
    step = after_verdict(in_doubt(lost), verdict, "because", "q1")
    assert (step.record.phase, step.record.outcome, step.record.code, step.next) == (phase, outcome, code, next_step)
    assert step.event.kind is EventKind.VERDICT and step.event.detail == f"{verdict}: because"
    assert step.record.request_ids == ("r0", "q1")
    # A verdict that settles the order brings its OUTCOME event; one that lets it go again does not.
    assert (step.outcome_event is not None) == (phase is Phase.FINAL)
    if step.outcome_event is not None:
        assert step.outcome_event.kind is EventKind.OUTCOME
        assert step.outcome_event.detail.startswith(str(outcome))


def test_a_runs_own_bounds_end_the_order_unresolved_saying_what_was_spent() -> None:
    from wechatpay_payscore_client.batch._step import out_of_queries, out_of_sends, out_of_waits

    sends = out_of_sends(in_doubt().evolve(phase=Phase.RETRY), 3)
    queries = out_of_queries(in_doubt(), 4, "500 SYSTEM_ERROR")
    waits = out_of_waits(sending(), Answer("rate_limited", "FREQUENCY_LIMITED", "429", "r9"), 20)
    for record in (sends, queries, waits):
        assert record.phase is Phase.FINAL and record.outcome is Outcome.UNRESOLVED
        assert record.finished_at is not None and "run the batch again" in (record.message or "")
    assert (sends.code, queries.code, waits.code) == ("NOT_APPLIED", "QUERY_FAILED", "FREQUENCY_LIMITED")
    assert "3 sends" in (sends.message or "") and "(last: 500 SYSTEM_ERROR)" in (queries.message or "")
    assert waits.request_ids == ("r0", "r9")  # the 429's own request id is kept
