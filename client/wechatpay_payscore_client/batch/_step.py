"""One order's next step, as a pure function of its record and the answer it just got: the batch's decision table.

Both runners (one process, `_runner`; a group of workers, `_group`) ask the same two questions and act on the
answer; neither decides on its own what an answer means:

- `answer_of(exc)`: what a failed sync says (the client's exception family and predicates decide);
- `after_send(record, answer)`: the record and event to journal after attempt `record.attempts` was answered, and
  what comes next (`Next`): the outcome, a query, a wait then a new attempt, or the whole run stopping;
- `after_verdict(record, verdict)`: the same after a reconciling query.

The rules (the journal's, since the first batch): a 204 is `synced`; a signed refusal is `refused`; a lost answer, a
5xx, an unverifiable answer or `ORDER_DONE` leaves the order in doubt, and only a query may settle it; a signed 429
or an attempt that never reached WeChat Pay proves nothing was applied, so the same order may go again after the
pause; a signed 401 stops the run (every request would be refused alike).
"""

from __future__ import annotations

import enum

import attrs
from wechatpay_auth import WechatPayError

from .._errors import (
    APIConnectionError,
    OrderAlreadyDoneError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestValidationError,
    SignatureRejectedError,
    WechatPayAPIError,
)
from ._journal import EventKind, JournalEvent, OrderRecord, Phase, utc_now
from ._outcome import Outcome

__all__ = [
    "VERDICTS",
    "Answer",
    "Next",
    "Step",
    "after_send",
    "after_verdict",
    "answer_of",
    "event",
    "final",
    "one_line",
    "out_of_queries",
    "out_of_sends",
    "out_of_waits",
    "outcome_event",
    "rate_limited_in",
]

# The sync's verdicts (`Verdict`, the contract's names) → the batch outcome; "not_applied" is the one verdict that
# lets the order go again.
VERDICTS: dict[str, tuple[Outcome, str | None]] = {
    "applied": (Outcome.SYNCED_BY_EARLIER_ATTEMPT, None),
    "already_there": (Outcome.ALREADY_DONE_OTHERWISE, "ORDER_DONE"),
    "cancelled": (Outcome.REFUSED, "ORDER_CANCELED"),
    "expired": (Outcome.REFUSED, "ORDER_EXPIRED"),
    "not_found": (Outcome.REFUSED, "ORDER_NOT_EXIST"),
}


@attrs.frozen
class Answer:
    """What one sync's answer means for the batch."""

    kind: str  # synced | order_done | rate_limited | not_sent | lost | refused | invalid | signature_rejected
    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    retry_after: float | None = None


class Next(enum.StrEnum):
    """What the runner does after journaling a step."""

    DONE = "done"  # the record is final
    QUERY = "query"  # in doubt: reconcile by a query before anything else
    SEND_AGAIN = "send_again"  # proven not applied by a query: a new attempt (if the run's bounds allow)
    WAIT_THEN_SEND = "wait_then_send"  # a 429 or nothing sent: pause (the whole run), then the same order again
    STOP_RUN = "stop_run"  # the record is final and the whole run stops (the keys are wrong)


@attrs.frozen
class Step:
    """The record to journal with its event (written before anything else happens), and what comes next."""

    record: OrderRecord
    event: JournalEvent
    next: Next
    outcome_event: JournalEvent | None = None  # a query's verdict that settles the order: its OUTCOME, too


def answer_of(exc: BaseException) -> Answer:  # noqa: PLR0911 - one return per kind of answer, in order
    """What a failed sync means for the batch (the client's exception family and predicates decide)."""
    text = one_line(exc)
    request_id = getattr(exc, "request_id", None)
    if isinstance(exc, RequestValidationError):
        return Answer("invalid", exc.field, text)
    if isinstance(exc, OrderAlreadyDoneError):
        return Answer("order_done", exc.code, text, request_id)
    if isinstance(exc, RateLimitedError) and not getattr(exc, "outcome_unknown", False):
        return Answer("rate_limited", exc.code, text, request_id, exc.retry_after)
    if isinstance(exc, SignatureRejectedError) and exc.verified:
        return Answer("signature_rejected", exc.code, text, request_id)
    if isinstance(exc, APIConnectionError):
        return Answer("not_sent", "UNREACHABLE", text)
    if isinstance(exc, WechatPayAPIError) and exc.verified and not getattr(exc, "outcome_unknown", True):
        return Answer("refused", exc.code or str(exc.status_code), exc.message or text, request_id)
    # OutcomeUnknownError, a 5xx, an unsigned or undeclared answer, anything unexpected: the request may have
    # been applied, so only a query may tell.
    if isinstance(exc, OutcomeUnknownError | WechatPayError):
        return Answer("lost", getattr(exc, "code", None), text, request_id)
    return Answer("lost", type(exc).__name__, text, request_id)


def after_send(record: OrderRecord, answer: Answer) -> Step:
    """The journal's rule for attempt `record.attempts`'s answer (the record is SENDING)."""
    request_ids = record.with_request_id(answer.request_id)
    if answer.kind == "synced":
        done = final(record, Outcome.SYNCED, request_ids=request_ids)
        return Step(
            done, event(done, EventKind.OUTCOME, f"{Outcome.SYNCED} (answer: 204)", answer.request_id), Next.DONE
        )
    if answer.kind in ("refused", "invalid"):
        outcome = Outcome.REFUSED if answer.kind == "refused" else Outcome.INVALID
        done = final(record, outcome, code=answer.code, message=answer.message, request_ids=request_ids)
        return Step(done, event(done, EventKind.OUTCOME, _outcome_text(done), answer.request_id), Next.DONE)
    if answer.kind == "signature_rejected":
        done = final(
            record,
            Outcome.UNRESOLVED,
            code=answer.code,
            message="401 SIGN_ERROR: the merchant keys or serial are wrong; fix them and run again",
            request_ids=request_ids,
        )
        return Step(done, event(done, EventKind.OUTCOME, _outcome_text(done), answer.request_id), Next.STOP_RUN)
    if answer.kind in ("rate_limited", "not_sent"):
        # Proven not applied (WeChat Pay's signed 429, or nothing sent): the same order may go again after a pause.
        again = record.evolve(phase=Phase.RETRY, request_ids=request_ids)
        said = f"{answer.kind}: {answer.message}"
        return Step(again, event(again, EventKind.ANSWER, said, answer.request_id), Next.WAIT_THEN_SEND)
    # lost / order_done: only a query can tell what happened.
    lost = record.lost_attempts + (answer.kind == "lost")
    doubt = record.evolve(phase=Phase.IN_DOUBT, lost_attempts=lost, request_ids=request_ids)
    said = f"{answer.kind}: {answer.message}"
    return Step(doubt, event(doubt, EventKind.ANSWER, said, answer.request_id), Next.QUERY)


def after_verdict(record: OrderRecord, verdict: str, explanation: str, request_id: str | None = None) -> Step:
    """The journal's rule for a reconciling query's verdict (the record is IN_DOUBT)."""
    request_ids = record.with_request_id(request_id)
    detail = f"{verdict}: {explanation}"
    if verdict == "not_applied":
        again = record.evolve(phase=Phase.RETRY, request_ids=request_ids)
        return Step(again, event(again, EventKind.VERDICT, detail, request_id), Next.SEND_AGAIN)
    outcome, code = VERDICTS.get(verdict, (Outcome.UNRESOLVED, "UNKNOWN_VERDICT"))
    if outcome is Outcome.SYNCED_BY_EARLIER_ATTEMPT and record.lost_attempts == 0:
        # DONE with an MCH detail for our paid_time, but no attempt of this journal was lost: someone else (a
        # `sync` by hand, another journal) synced it with the same data.
        outcome, code = Outcome.ALREADY_DONE_OTHERWISE, "ORDER_DONE"
    done = final(record, outcome, code=code, message=explanation, request_ids=request_ids)
    last = done.request_ids[-1] if done.request_ids else None
    return Step(
        done,
        event(done, EventKind.VERDICT, detail, last),
        Next.DONE,
        outcome_event=event(done, EventKind.OUTCOME, _outcome_text(done), last),
    )


def final(
    record: OrderRecord,
    outcome: Outcome,
    *,
    code: str | None = None,
    message: str | None = None,
    request_ids: tuple[str, ...] | None = None,
) -> OrderRecord:
    """The record with its one final outcome."""
    return record.evolve(
        phase=Phase.FINAL,
        outcome=outcome,
        code=code,
        message=message,
        request_ids=record.request_ids if request_ids is None else request_ids,
        finished_at=utc_now(),
    )


def event(record: OrderRecord, kind: EventKind, detail: str, request_id: str | None = None) -> JournalEvent:
    """The journal event of one step of `record`'s current attempt."""
    return JournalEvent(
        out_order_no=record.out_order_no, kind=kind, attempt=record.attempts, detail=detail, request_id=request_id
    )


# -- a run's own bounds: each ends the order `unresolved` for this run, and a later run looks again -------------------


def out_of_sends(record: OrderRecord, max_sends: int) -> OrderRecord:
    """Every send this run allows was proven not applied (by a query each time)."""
    return final(
        record,
        Outcome.UNRESOLVED,
        code="NOT_APPLIED",
        message=f"not applied after {max_sends} sends in this run; run the batch again",
    )


def out_of_queries(record: OrderRecord, max_queries: int, last_error: str | None) -> OrderRecord:
    """Every query this run allows failed: the doubt remains, and the next run queries before sending."""
    return final(
        record,
        Outcome.UNRESOLVED,
        code="QUERY_FAILED",
        message=f"{max_queries} queries could not establish the outcome"
        + (f" (last: {last_error})" if last_error else "")
        + "; run the batch again: it queries before sending",
    )


def out_of_waits(record: OrderRecord, answer: Answer, max_waits: int) -> OrderRecord:
    """Still rate-limited (or unreachable) after every wait this run allows; nothing was applied."""
    return final(
        record,
        Outcome.UNRESOLVED,
        code=answer.code,
        message=f"{answer.message}; still so after {max_waits} waits: run the batch again",
        request_ids=record.with_request_id(answer.request_id),
    )


def outcome_event(record: OrderRecord, request_id: str | None = None) -> JournalEvent:
    """The OUTCOME event of a final record: "outcome CODE: message"."""
    return event(record, EventKind.OUTCOME, _outcome_text(record), request_id)


def rate_limited_in(exc: BaseException) -> RateLimitedError | None:
    """The 429 behind a failure (a query's, wrapped), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RateLimitedError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An exception as one bounded line, for the journal and the report."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _outcome_text(record: OrderRecord) -> str:
    return (
        f"{record.outcome}"
        + (f" {record.code}" if record.code else "")
        + (f": {record.message}" if record.message else "")
    )
