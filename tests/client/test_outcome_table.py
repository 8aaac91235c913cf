"""`_outcome.meaning()` as a table: (what came back, what came before) → success, or exactly one error class.

Each row is one rule of the module's docstring; the rows marked with an issue bullet are answers that an earlier
version of the client got wrong.
"""

from __future__ import annotations

import pytest
from wechatpay_payscore_client import (
    AlreadyAppliedError,
    AlreadySyncedError,
    AlreadyThereError,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    EndpointNotFoundError,
    OrderAlreadyCancelledError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SignatureRejectedError,
    UnexpectedResponseError,
    UnverifiedResponseError,
)
from wechatpay_payscore_client._outcome import Facts, History, meaning, reconciled
from wechatpay_payscore_client._verdicts import Verdict

# The "already there" codes each operation declares in the contract (`x-outcome.already-there`).
SYNC_CODES = frozenset({"ORDER_DONE"})
CANCEL_CODES = frozenset({"ORDER_CANCELED"})
FRESH = History(already_there=SYNC_CODES)
AFTER_LOST = History(earlier_in_doubt=True, already_there=SYNC_CODES)
REMEMBERED = History(remembered=True, already_there=SYNC_CODES)
QUERY = History(changes_state=False)
CANCEL = History(already_there=CANCEL_CODES)
CANCEL_AFTER_LOST = History(earlier_in_doubt=True, already_there=CANCEL_CODES)
COMPLETE = History()  # declares no "already there" code
COMPLETE_AFTER_LOST = History(earlier_in_doubt=True)


def signed(status: int, code: str | None = None, *, declared: bool = True) -> Facts:
    return Facts("signed", status=status, code=code, declared=declared, success=status == 204 and declared)


ROWS: list[tuple[str, Facts, History, type[Exception] | None, bool]] = [
    # (name, facts, history, error class or None for success, outcome unknown)
    ("verified 204", signed(204), FRESH, None, False),
    ("verified 204 after a lost attempt", signed(204), AFTER_LOST, None, False),
    ("signed 200 instead of the 204", signed(200, declared=False), FRESH, UnexpectedResponseError, True),
    ("signed 202 instead of the 204", signed(202, declared=False), FRESH, UnexpectedResponseError, True),
    ("signed 302", signed(302, declared=False), FRESH, UnexpectedResponseError, True),
    ("signed undeclared 418", signed(418, declared=False), FRESH, UnexpectedResponseError, True),
    ("unsigned 302", Facts("unsigned", status=302), FRESH, UnverifiedResponseError, True),
    ("unsigned 401", Facts("unsigned", status=401), FRESH, UnverifiedResponseError, True),
    ("unsigned 400 claiming ORDER_DONE", Facts("unsigned", status=400), FRESH, UnverifiedResponseError, True),
    ("unsigned 429", Facts("unsigned", status=429), FRESH, UnverifiedResponseError, True),
    ("unsigned 502 (a gateway's page)", Facts("unsigned", status=502), FRESH, ServerError, True),
    ("answer failing verification", Facts("unverifiable", status=204), FRESH, UnverifiedResponseError, True),
    ("probe-signed 400", Facts("unverifiable", status=400), FRESH, UnverifiedResponseError, True),
    ("signed 500", signed(500, "SYSTEM_ERROR"), FRESH, ServerError, True),
    ("lost to a timeout", Facts("lost", timeout=True), FRESH, APITimeoutError, True),
    ("connection dropped", Facts("lost"), FRESH, OutcomeUnknownError, True),
    ("nothing sent", Facts("not_sent"), FRESH, APIConnectionError, False),
    ("nothing sent after a lost attempt", Facts("not_sent"), AFTER_LOST, OutcomeUnknownError, True),
    ("ORDER_DONE, nothing of ours in doubt", signed(400, "ORDER_DONE"), FRESH, OrderAlreadyDoneError, False),
    ("ORDER_DONE after a lost attempt", signed(400, "ORDER_DONE"), AFTER_LOST, AlreadySyncedError, False),
    ("ORDER_DONE, an earlier call in doubt", signed(400, "ORDER_DONE"), REMEMBERED, AlreadySyncedError, False),
    ("PARAM_ERROR", signed(400, "PARAM_ERROR"), FRESH, BadRequestError, False),
    ("PARAM_ERROR after a lost attempt", signed(400, "PARAM_ERROR"), AFTER_LOST, BadRequestError, True),
    ("INVALID_ORDER_STATE", signed(400, "INVALID_ORDER_STATE"), FRESH, OrderStateError, False),
    ("ORDER_CANCELED", signed(400, "ORDER_CANCELED"), FRESH, OrderStateError, False),
    ("SIGN_ERROR", signed(401, "SIGN_ERROR"), FRESH, SignatureRejectedError, False),
    ("NO_AUTH", signed(403, "NO_AUTH"), FRESH, PermissionDeniedError, False),
    ("ORDER_NOT_EXIST", signed(404, "ORDER_NOT_EXIST"), FRESH, OrderNotFoundError, False),
    ("404 NOT_FOUND from a wrong base path", signed(404, "NOT_FOUND"), FRESH, EndpointNotFoundError, False),
    ("FREQUENCY_LIMITED", signed(429, "FREQUENCY_LIMITED"), FRESH, RateLimitedError, False),
    ("FREQUENCY_LIMITED after a lost attempt", signed(429, "FREQUENCY_LIMITED"), AFTER_LOST, RateLimitedError, True),
    (
        "cancel: ORDER_CANCELED, nothing of ours in doubt",
        signed(400, "ORDER_CANCELED"),
        CANCEL,
        OrderAlreadyCancelledError,
        False,
    ),
    (
        "cancel: ORDER_CANCELED after a lost attempt",
        signed(400, "ORDER_CANCELED"),
        CANCEL_AFTER_LOST,
        AlreadyAppliedError,
        False,
    ),
    ("cancel: ORDER_DONE is a refusal", signed(400, "ORDER_DONE"), CANCEL, OrderStateError, False),
    ("cancel: 204", signed(204), CANCEL, None, False),
    ("complete: ORDER_DONE is a refusal", signed(400, "ORDER_DONE"), COMPLETE, OrderStateError, False),
    ("complete: ORDER_CANCELED is a refusal", signed(400, "ORDER_CANCELED"), COMPLETE, OrderStateError, False),
    (
        "complete: INVALID_ORDER_STATE after a lost attempt",
        signed(400, "INVALID_ORDER_STATE"),
        COMPLETE_AFTER_LOST,
        OrderStateError,
        True,
    ),
    ("complete: lost", Facts("lost"), COMPLETE, OutcomeUnknownError, True),
    ("sync: ORDER_CANCELED is a refusal", signed(400, "ORDER_CANCELED"), FRESH, OrderStateError, False),
    ("query lost", Facts("lost", timeout=True), QUERY, APITimeoutError, True),
    ("query 200", Facts("signed", status=200, declared=True, success=True), QUERY, None, False),
]


@pytest.mark.parametrize(
    ("facts", "history", "error", "unknown"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_meaning(facts: Facts, history: History, error: type[Exception] | None, unknown: bool) -> None:
    verdict = meaning(facts, history)
    assert verdict.error is error
    assert verdict.outcome_unknown is unknown
    assert verdict.success is (error is None)


def test_every_unknown_outcome_is_kept_in_doubt_and_can_be_reconciled() -> None:
    for _, facts, history, _, unknown in ROWS:
        verdict = meaning(facts, history)
        if unknown and facts.kind != "not_sent" and not history.earlier_in_doubt:
            assert verdict.in_doubt, facts
        if unknown and history.changes_state:
            assert verdict.reconcilable, facts


def test_order_done_is_always_worth_a_query_for_its_evidence() -> None:
    assert meaning(signed(400, "ORDER_DONE"), FRESH).reconcilable
    assert meaning(signed(400, "ORDER_DONE"), AFTER_LOST).evidence == "memory"
    assert meaning(signed(400, "ORDER_DONE"), FRESH).evidence is None


def test_a_query_never_asks_for_reconciliation() -> None:
    assert not meaning(Facts("lost"), QUERY).reconcilable
    assert not meaning(signed(500), QUERY).reconcilable


def test_predicates() -> None:
    assert meaning(signed(404, "ORDER_NOT_EXIST"), FRESH).not_found
    assert meaning(signed(400, "ORDER_DONE"), FRESH).already_done
    assert meaning(signed(429, "FREQUENCY_LIMITED"), FRESH).retryable
    assert not meaning(signed(400, "PARAM_ERROR"), FRESH).retryable
    assert meaning(Facts("not_sent"), FRESH).retryable


# `reconciled()`: what a settled doubt is reported as, by the query's verdict, the operation's "already there"
# codes and the state the query found.
RECONCILED: list[tuple[Verdict, frozenset[str], str | None, type[Exception], int]] = [
    (Verdict.APPLIED, SYNC_CODES, "DONE", AlreadySyncedError, 200),
    (Verdict.APPLIED, CANCEL_CODES, "REVOKED", AlreadyAppliedError, 200),
    (Verdict.APPLIED, frozenset(), "DOING", AlreadyAppliedError, 200),
    (Verdict.ALREADY_THERE, SYNC_CODES, "DONE", OrderAlreadyDoneError, 200),
    (Verdict.ALREADY_THERE, frozenset(), "DONE", OrderAlreadyDoneError, 200),
    (Verdict.ALREADY_THERE, CANCEL_CODES, "REVOKED", OrderAlreadyCancelledError, 200),
    (Verdict.ALREADY_THERE, CANCEL_CODES, "EXPIRED", OrderAlreadyCancelledError, 200),
    (Verdict.ALREADY_THERE, frozenset(), "DOING", AlreadyThereError, 200),
    (Verdict.CANCELLED, SYNC_CODES, "REVOKED", OrderStateError, 200),
    (Verdict.EXPIRED, SYNC_CODES, "EXPIRED", OrderStateError, 200),
    (Verdict.DONE, CANCEL_CODES, "DONE", OrderStateError, 200),
    (Verdict.SUPERSEDED, frozenset(), None, OrderStateError, 200),
    (Verdict.NOT_FOUND, SYNC_CODES, None, OrderNotFoundError, 404),
]


@pytest.mark.parametrize(("verdict", "codes", "state", "error", "status"), RECONCILED)
def test_reconciled(
    verdict: Verdict, codes: frozenset[str], state: str | None, error: type[Exception], status: int
) -> None:
    cls, got_status, _ = reconciled(verdict, codes, state)
    assert cls is error
    assert got_status == status


def test_not_applied_is_no_error() -> None:
    with pytest.raises(ValueError, match="sent again"):
        reconciled(Verdict.NOT_APPLIED, SYNC_CODES, "DOING")


def test_the_sync_names_are_the_same_verdicts() -> None:
    # Looked up by name: the old names are aliases of the same members, not members of their own.
    assert Verdict["SYNCED_BY_THIS_REQUEST"] is Verdict.APPLIED
    assert Verdict["DONE_OTHERWISE"] is Verdict.ALREADY_THERE
    assert len(Verdict) == len({member.value for member in Verdict})
